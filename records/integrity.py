"""What `verify` checks beyond the chain itself (issue #13): anchors, triggers and account seals.

- An anchor is a chain head (row count, newest id, newest hash) kept outside the database: in a
  backup, its manifest or an export cover. The chain must still extend it.
- The append-only triggers must exist with the expected SQL, and nothing else may hang on the
  audit table.
- Every account's username, role, password hash and active flag must match its newest seal in
  the audit trail (`models.user_seal`).
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select, text

from models import AuditEvent, User
from models.audit_chain import ChainHead, chain_head
from models.user_seal import SEAL_ACTION, SEALED_COLUMNS, seal_of

ANCHOR_LABEL = "Audit chain head (rows:last id:SHA-256)"
_ANCHOR = re.compile(r"(\d+):(\d+):([0-9a-f]{64})")
_SQLITE_MAGIC = b"SQLite format 3\x00"

# The append-only triggers of the first migration, by name, with the SQL SQLite keeps for them.
# Another issue adding append-only tables adds its triggers here.
APPEND_ONLY_TRIGGERS: dict[str, tuple[str, str]] = {
    name: (
        "auditevent",
        f"CREATE TRIGGER {name} {when} BEGIN "
        "SELECT RAISE(ABORT, 'audit trail is append-only'); END",
    )
    for name, when in (
        ("auditevent_no_update", "BEFORE UPDATE ON auditevent"),
        ("auditevent_no_delete", "BEFORE DELETE ON auditevent"),
    )
}
# Signatures and their invalidations are append-only too (#11, migration 0003).
APPEND_ONLY_TRIGGERS.update(
    {
        f"{table}_no_{verb.lower()}": (
            table,
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only'); END",
        )
        for table in ("signature", "signatureinvalidation")
        for verb in ("UPDATE", "DELETE")
    }
)


def anchor_line(head: ChainHead) -> str:
    """The one printed form of an anchor on covers and in reports."""
    return f"{ANCHOR_LABEL}: {head.as_text()}"


def current_anchor(engine: Engine) -> str:
    """The chain's head now, as the anchor line to copy into a file kept off this computer."""
    with engine.connect() as conn:
        return anchor_line(chain_head(conn))


def parse_anchor(value: str) -> ChainHead:
    """`rows:last_id:hash` back into a chain head."""
    match = _ANCHOR.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not an anchor (rows:last_id:sha256): {value!r}")
    return ChainHead(int(match[1]), int(match[2]), match[3])


def read_anchor(path: Path) -> ChainHead:
    """The chain head kept in a backup file, a backup manifest, or an export (xlsx, casebook
    PDF, site archive or text)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"anchor file not found: {path}")
    data = path.read_bytes()
    if data.startswith(_SQLITE_MAGIC):
        return _head_of_database(path)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as book:
            names = book.namelist()
            if "manifest.json" in names:  # a site archive: its manifest holds the anchor
                data = book.read("manifest.json")
            else:  # a workbook: the anchor is on its cover sheet
                data = b"".join(book.read(n) for n in names if n.endswith(".xml"))
    if data.startswith(b"%PDF"):  # a casebook: the anchor is its Keywords entry
        found = re.search(rb"/Keywords \((.*?)(?<!\\)\)", data)
        data = found[1].replace(b"\\(", b"(").replace(b"\\)", b")") if found else b""
    content = data.decode("utf-8", errors="replace")
    try:
        manifest = json.loads(content)
    except ValueError:
        manifest = None
    if isinstance(manifest, dict) and isinstance(manifest.get("anchor"), str):
        return parse_anchor(manifest["anchor"])
    found = re.search(re.escape(ANCHOR_LABEL) + r":\s*" + _ANCHOR.pattern, content)
    if not found:
        raise ValueError(f"no audit-chain anchor found in {path}")
    return ChainHead(int(found[1]), int(found[2]), found[3])


def _head_of_database(path: Path) -> ChainHead:
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        last = conn.execute(
            "SELECT id, row_hash FROM auditevent ORDER BY id DESC LIMIT 1"
        ).fetchone()
        rows = conn.execute("SELECT count(*) FROM auditevent").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise ValueError(f"{path} holds no readable audit trail: {err}") from err
    finally:
        conn.close()
    if last is None:
        return ChainHead(0, 0, "0" * 64)
    return ChainHead(int(rows), int(last[0]), str(last[1]))


def anchor_problems(conn: Connection, anchor: ChainHead) -> list[str]:
    """Why the chain does not extend the anchor (empty when it does)."""
    if anchor.rows == 0:
        return []
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    row = conn.execute(select(ev.c.row_hash).where(ev.c.id == anchor.last_id)).first()
    problems = []
    if row is None:
        problems.append(
            f"anchor: audit row {anchor.last_id} named by the anchor is gone "
            "(rows were removed or renumbered)"
        )
    elif row[0] != anchor.row_hash:
        problems.append(
            f"anchor: audit row {anchor.last_id} has a different hash than when anchored "
            "(the chain up to it was rewritten)"
        )
    before = conn.execute(
        select(func.count()).select_from(ev).where(ev.c.id <= anchor.last_id)
    ).scalar_one()
    if before != anchor.rows:
        problems.append(
            f"anchor: {before} audit rows up to id {anchor.last_id}, the anchor counted "
            f"{anchor.rows} (rows were added or removed before it)"
        )
    return problems


def rows_since(conn: Connection, anchor: ChainHead) -> int:
    """Audit rows written after the anchor (informational)."""
    return chain_head(conn).rows - anchor.rows


def _normalised(sql: str | None) -> str:
    return " ".join((sql or "").replace(";", " ; ").split()).lower()


def trigger_problems(conn: Connection) -> list[str]:
    """Missing, altered, disabled or unexpected triggers on the append-only tables."""
    if conn.dialect.name != "sqlite":
        return _postgres_trigger_problems(conn)
    tables = {table for table, _ in APPEND_ONLY_TRIGGERS.values()}
    found = {
        name: (table, sql)
        for name, table, sql in conn.execute(
            text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
        if table in tables or name in APPEND_ONLY_TRIGGERS
    }
    problems = []
    for name, (table, sql) in APPEND_ONLY_TRIGGERS.items():
        if name not in found:
            problems.append(f"trigger {name} is missing: table {table} is no longer append-only")
        elif _normalised(found[name][1]) != _normalised(sql) or found[name][0] != table:
            problems.append(f"trigger {name} was replaced: its SQL is not the expected one")
    for name in sorted(set(found) - set(APPEND_ONLY_TRIGGERS)):
        problems.append(f"unexpected trigger {name} on append-only table {found[name][0]}")
    return problems


# PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE
# (migrations 0001, 0003, 0008). Each must exist on its table, fire, and still raise.
POSTGRES_TRIGGERS: dict[str, tuple[str, str, str]] = {
    f"{table}_{kind}": (
        table,
        f"CREATE TRIGGER {table}_{kind} BEFORE {event} ON {{schema}}.{table} FOR EACH {level} "
        f"EXECUTE FUNCTION {function}()",
        source,
    )
    for table in ("auditevent", "signature", "signatureinvalidation")
    for kind, event, level, function, source in (
        (
            "append_only",
            "DELETE OR UPDATE",
            "ROW",
            f"{table}_append_only",
            "BEGIN RAISE EXCEPTION 'audit trail is append-only'; END;"
            if table == "auditevent"
            else f"BEGIN RAISE EXCEPTION '{table} is append-only'; END",
        ),
        (
            "no_truncate",
            "TRUNCATE",
            "STATEMENT",
            "workbench_no_truncate",
            "BEGIN RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME; END",
        ),
    )
}
_FIRING = ("O", "A")  # enabled (origin) or always; D is disabled, R fires only on replicas


def _postgres_trigger_problems(conn: Connection) -> list[str]:
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    rows = conn.execute(
        text(
            "SELECT t.tgname, c.relname, t.tgenabled, pg_get_triggerdef(t.oid), p.prosrc "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relname IN "
            "('auditevent', 'signature', 'signatureinvalidation')"
        )
    ).all()
    found = {
        name: (table, enabled, definition, source)
        for name, table, enabled, definition, source in rows
    }
    problems = []
    for name, (table, expected, body) in POSTGRES_TRIGGERS.items():
        if name not in found:
            problems.append(f"trigger {name} is missing: table {table} is no longer append-only")
            continue
        on, enabled, definition, source = found[name]
        if on != table or definition != expected.format(schema=schema):
            problems.append(f"trigger {name} was replaced: its definition is not the expected one")
        elif enabled not in _FIRING:
            problems.append(f"trigger {name} is disabled: table {table} is no longer append-only")
        elif " ".join((source or "").split()) != body:
            problems.append(f"trigger {name} no longer refuses: its function was changed")
    for name in sorted(set(found) - set(POSTGRES_TRIGGERS)):
        problems.append(f"unexpected trigger {name} on append-only table {found[name][0]}")
    return problems


def seal_problems(conn: Connection) -> list[str]:
    """Accounts whose security columns differ from their newest seal in the audit trail."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    users = User.__table__  # type: ignore[attr-defined]
    newest = (
        select(ev.c.record_id, func.max(ev.c.id).label("id"))
        .where(ev.c.action == SEAL_ACTION, ev.c.entity == "user")
        .group_by(ev.c.record_id)
        .subquery()
    )
    sealed = dict(
        conn.execute(
            select(ev.c.record_id, ev.c.new_value).join(newest, newest.c.id == ev.c.id)
        ).all()
    )
    problems = []
    seen = set()
    for row in conn.execute(
        select(*(users.c[c] for c in SEALED_COLUMNS)).order_by(users.c.id)
    ).mappings():
        seen.add(row["id"])
        seal = sealed.get(row["id"])
        if seal is None:
            problems.append(f"account {row['username']!r} has no seal in the audit trail")
        elif seal != seal_of(row):
            problems.append(
                f"account {row['username']!r}: username, role, password hash or active flag "
                "changed outside the workbench (does not match its seal)"
            )
    for user_id in sorted(set(sealed) - seen):
        problems.append(f"account id {user_id} was sealed but is gone (accounts are never deleted)")
    return problems
