"""`manage.py copy --to URL`: a study moves from a SQLite file to PostgreSQL intact (#16)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from models.audit_chain import chain_head
from models.db import make_engine
from tests.cli.conftest import PASSWORD, manage, query

pytestmark = [pytest.mark.req("REQ-VAL-02"), pytest.mark.postgresql_only]


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, as typed values, by table."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _head(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return chain_head(conn).as_text()
    finally:
        engine.dispose()


@pytest.fixture
def laptop(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'laptop.db'}"
    built = manage("--db", url, "demo", "--subjects", "3", "--seed", "7")
    assert built.returncode == 0, built.stderr
    return url


def test_copy_keeps_the_audit_chain_and_every_row(laptop, db_url):
    result = manage("--db", laptop, "copy", "--to", db_url)
    assert result.returncode == 0, result.stderr
    head = _head(laptop)
    assert head == _head(db_url) and head in result.stdout
    assert _rows(db_url) == _rows(laptop)
    verified = manage("--db", db_url, "verify")
    assert verified.returncode == 0, verified.stderr
    # The server carries on where the laptop stopped: new rows get new ids and extend the chain.
    more = manage("--db", db_url, "create-user", "--username", "newbie", "--full-name", "New",
                  "--role", "monitor", "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    assert more.returncode == 0, more.stderr
    assert manage("--db", db_url, "verify").returncode == 0


def test_copy_into_a_database_that_holds_data_is_refused(laptop, db_url):
    assert manage("--db", laptop, "copy", "--to", db_url).returncode == 0
    before = query(db_url, "SELECT count(*) FROM auditevent")
    again = manage("--db", laptop, "copy", "--to", db_url)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert "Traceback" not in again.stderr
    assert query(db_url, "SELECT count(*) FROM auditevent") == before


def test_a_source_that_does_not_verify_is_not_copied(laptop, db_url):
    engine = make_engine(laptop)
    from sqlalchemy import text

    from tests.tamper import lift_append_only

    with engine.begin() as conn:
        lift_append_only(conn)
        conn.execute(text("UPDATE auditevent SET reason = 'rewritten' WHERE id = 5"))
    engine.dispose()
    refused = manage("--db", laptop, "copy", "--to", db_url)
    assert refused.returncode == 1 and "does not verify" in refused.stderr
    assert query(db_url, "SELECT count(*) FROM auditevent") == [(0,)]
