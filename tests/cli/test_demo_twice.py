"""`demo` on a database it already filled is refused with a message, never a traceback (#13)."""

from __future__ import annotations

from tests.cli.conftest import manage, query


def test_demo_twice_is_refused_with_a_message_and_changes_nothing(db_url):
    url = db_url
    assert manage("--db", url, "demo", "--subjects", "2", "--seed", "5").returncode == 0
    before = query(url, "SELECT count(*) FROM auditevent")[0][0]
    again = manage("--db", url, "demo", "--subjects", "2", "--seed", "5")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "already holds 2 subject(s)" in again.stderr
    assert query(url, "SELECT count(*) FROM auditevent")[0][0] == before
