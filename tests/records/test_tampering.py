"""Tampering as an attacker with write access to the file would do it (issue #13).

Each scenario edits the SQLite file directly, re-computing the hash chain where the attack
needs it and putting the append-only triggers back as they were, then runs `check`. Scenarios
that keep the chain self-consistent are caught by an anchor taken before the attack.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from models.audit_chain import GENESIS, ChainHead, chain_head, row_hash
from records import auth
from records.context import Workbench
from records.integrity import APPEND_ONLY_TRIGGERS
from records.maintenance import check
from tests.records.conftest import screen

pytestmark = [
    pytest.mark.req("REQ-VAL-02"),
    pytest.mark.sqlite_only("edits the SQLite file itself; PostgreSQL: test_postgres_tampering.py"),
]
PASSWORD = "a long enough password"


@pytest.fixture
def anchored(wb: Workbench, actor) -> ChainHead:
    """A study with two subjects and two accounts, and its anchor taken now."""
    admin = auth.create_first_admin(
        wb.engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    auth.create_user(
        wb.engine,
        auth.actor_for(admin),
        {"username": "mo", "full_name": "Mo Monitor", "role": "monitor", "password": PASSWORD},
    )
    screen(wb, actor, "001-001")
    screen(wb, actor, "001-002")
    assert check(wb.engine).problems == ()
    with wb.engine.connect() as conn:
        return chain_head(conn)


def _path(wb: Workbench) -> str:
    return str(wb.engine.url.database)


def _tamper(wb: Workbench, edit: Callable[[sqlite3.Connection], None], rehash: bool) -> None:
    """Drop the triggers, edit, optionally re-hash the whole chain, restore the triggers."""
    wb.engine.dispose()
    conn = sqlite3.connect(_path(wb), isolation_level=None)
    try:
        for name in APPEND_ONLY_TRIGGERS:
            conn.execute(f"DROP TRIGGER {name}")
        edit(conn)
        if rehash:
            _rehash(conn)
        for _table, sql in APPEND_ONLY_TRIGGERS.values():
            conn.execute(sql)
    finally:
        conn.close()


def _rehash(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    prev = GENESIS
    for row in conn.execute("SELECT * FROM auditevent ORDER BY id").fetchall():
        values = dict(row)
        new = row_hash(values, prev)
        conn.execute(
            "UPDATE auditevent SET prev_hash = ?, row_hash = ? WHERE id = ?",
            (prev, new, values["id"]),
        )
        prev = new
    conn.row_factory = None


def _subject_value(conn: sqlite3.Connection, value: str) -> None:
    conn.execute("UPDATE subject SET sex = ? WHERE screening_number = '001-001'", (value,))
    conn.execute(
        "UPDATE auditevent SET new_value = ? WHERE entity = 'subject' AND field = 'sex' "
        "AND record_id = (SELECT id FROM subject WHERE screening_number = '001-001')",
        (value,),
    )


def _delete_and_renumber(conn: sqlite3.Connection) -> None:
    victim = conn.execute("SELECT min(id) FROM auditevent WHERE entity = 'visit'").fetchone()[0]
    conn.execute("DELETE FROM auditevent WHERE id = ?", (victim,))
    conn.execute("UPDATE auditevent SET id = id - 1 WHERE id > ?", (victim,))


def _forge_before_anchor(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE auditevent SET id = id + 1000000 WHERE id > 3")
    conn.execute(
        "INSERT INTO auditevent (id, ts_utc, username, user_name, user_role, action, entity, "
        "origin, app_version, prev_hash, row_hash) VALUES (4, '2025-01-01T00:00:00Z', 'x', "
        "'X', 'admin', 'login', 'user', 'ui', '0', '', '')"
    )
    conn.execute("UPDATE auditevent SET id = id - 1000000 + 1 WHERE id > 1000000")


def _remove_newest(conn: sqlite3.Connection) -> None:
    newest = conn.execute("SELECT max(id) FROM auditevent").fetchone()[0]
    conn.execute("DELETE FROM auditevent WHERE id > ?", (newest - 3,))


ANCHORED_SCENARIOS: dict[str, Callable[[sqlite3.Connection], None]] = {
    "edited audit row re-hashed": lambda c: c.execute(
        "UPDATE auditevent SET username = 'someone' WHERE id = 5"
    ),
    "a value and its audit rows changed together, re-hashed": lambda c: _subject_value(c, "M"),
    "a deleted row with later ids renumbered, re-hashed": _delete_and_renumber,
    "a forged row inserted before the anchor, re-hashed": _forge_before_anchor,
    "the newest rows removed": _remove_newest,
}


@pytest.mark.parametrize("scenario", ANCHORED_SCENARIOS, ids=list(ANCHORED_SCENARIOS))
def test_a_self_consistent_rewrite_passes_the_chain_but_not_the_anchor(wb, anchored, scenario):
    _tamper(wb, ANCHORED_SCENARIOS[scenario], rehash=True)
    problems = check(wb.engine, anchored).problems
    assert any(p.startswith("anchor:") for p in problems), problems


def test_an_intact_chain_extends_its_anchor_after_new_writes(wb, actor, anchored):
    screen(wb, actor, "001-003")
    assert check(wb.engine, anchored).problems == ()


def test_known_limit_rows_appended_after_the_newest_anchor_are_not_detected(wb, anchored):
    """Documented in the README: a forged, correctly hashed row after the anchor passes."""

    def append_forged(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO auditevent (ts_utc, username, user_name, user_role, action, entity, "
            "origin, app_version, prev_hash, row_hash) VALUES ('2025-01-01T00:00:00Z', 'x', "
            "'X', 'admin', 'login', 'user', 'ui', '0', '', '')"
        )

    _tamper(wb, append_forged, rehash=True)
    assert check(wb.engine, anchored).problems == ()


UNANCHORED_SCENARIOS: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    "audit row edited without re-hashing": (
        lambda c: c.execute("UPDATE auditevent SET new_value = 'X' WHERE id = 6"),
        "does not match its hash",
    ),
    "audit row deleted without re-hashing": (
        lambda c: c.execute("DELETE FROM auditevent WHERE id = 6"),
        "is missing",
    ),
    "a value changed without its audit rows": (
        lambda c: c.execute("UPDATE subject SET sex = 'M' WHERE screening_number = '001-001'"),
        "differ from their audit history",
    ),
    "role set to admin in SQL": (
        lambda c: c.execute("UPDATE user SET role = 'admin' WHERE username = 'mo'"),
        "'mo': username, role, password hash or active flag changed",
    ),
    "password hash swapped in SQL": (
        lambda c: c.execute(
            "UPDATE user SET password_hash = (SELECT password_hash FROM user "
            "WHERE username = 'ada') WHERE username = 'mo'"
        ),
        "'mo': username, role, password hash or active flag changed",
    ),
    "account deactivated in SQL": (
        lambda c: c.execute("UPDATE user SET active = 0 WHERE username = 'mo'"),
        "'mo': username, role, password hash or active flag changed",
    ),
    "an account inserted in SQL": (
        lambda c: c.execute(
            "INSERT INTO user (username, full_name, role, password_hash, active, failed_logins, "
            "created_at) VALUES ('eve', 'Eve', 'admin', 'x', 1, 0, '2025-01-01')"
        ),
        "'eve' has no seal",
    ),
    "an account deleted in SQL": (
        lambda c: c.execute("DELETE FROM user WHERE username = 'mo'"),
        "was sealed but is gone",
    ),
}


@pytest.mark.req("REQ-SEC-04")
@pytest.mark.parametrize("scenario", UNANCHORED_SCENARIOS, ids=list(UNANCHORED_SCENARIOS))
def test_tampering_is_reported_without_an_anchor(wb, anchored, scenario):
    edit, expected = UNANCHORED_SCENARIOS[scenario]
    _tamper(wb, edit, rehash=False)
    problems = check(wb.engine).problems
    assert any(expected in p for p in problems), problems


TRIGGER_SCENARIOS = {
    "dropped": ("DROP TRIGGER auditevent_no_delete", "auditevent_no_delete is missing"),
    "replaced by an empty trigger of the same name": (
        "DROP TRIGGER auditevent_no_update; "
        "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent BEGIN SELECT 1; END",
        "auditevent_no_update was replaced",
    ),
    "a signature made updatable": (
        "DROP TRIGGER signature_no_update",
        "signature_no_update is missing",
    ),
    "an invalidation made deletable by an empty trigger": (
        "DROP TRIGGER signatureinvalidation_no_delete; CREATE TRIGGER "
        "signatureinvalidation_no_delete BEFORE DELETE ON signatureinvalidation "
        "BEGIN SELECT 1; END",
        "signatureinvalidation_no_delete was replaced",
    ),
    "an extra trigger on the audit table": (
        "CREATE TRIGGER sneaky AFTER INSERT ON auditevent BEGIN SELECT 1; END",
        "unexpected trigger sneaky",
    ),
}


@pytest.mark.req("REQ-AUD-02")
@pytest.mark.parametrize("scenario", TRIGGER_SCENARIOS, ids=list(TRIGGER_SCENARIOS))
def test_missing_or_altered_append_only_triggers_are_reported(wb, anchored, scenario):
    statements, expected = TRIGGER_SCENARIOS[scenario]
    wb.engine.dispose()
    with sqlite3.connect(_path(wb)) as conn:
        conn.executescript(statements)
    problems = check(wb.engine).problems
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    "content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 5000]
)
def test_a_malformed_file_is_a_finding_not_a_traceback(wb, tmp_path, content):
    from models.db import make_engine

    path = Path(tmp_path) / "broken.db"
    path.write_bytes(content)
    engine = make_engine(f"sqlite:///{path}")
    try:
        report = check(engine)
    finally:
        engine.dispose()
    assert report.problems, "a malformed file must be reported"


def test_a_truncated_database_is_a_finding(wb, anchored, tmp_path):
    with wb.engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    wb.engine.dispose()
    data = Path(_path(wb)).read_bytes()
    Path(_path(wb)).write_bytes(data[: len(data) // 2])
    assert check(wb.engine).problems
