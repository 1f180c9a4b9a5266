"""`demo` on a database it already filled is refused with a message, never a traceback (#13)."""

from __future__ import annotations

import sqlite3

from tests.cli.test_manage import manage


def test_demo_twice_is_refused_with_a_message_and_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert manage("--db", url, "demo", "--subjects", "2", "--seed", "5").returncode == 0
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        before = conn.execute("SELECT count(*) FROM auditevent").fetchone()[0]
    again = manage("--db", url, "demo", "--subjects", "2", "--seed", "5")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "already holds 2 subject(s)" in again.stderr
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        assert conn.execute("SELECT count(*) FROM auditevent").fetchone()[0] == before
