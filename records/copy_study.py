"""From laptop to server: copy a whole study into an empty database, audit trail intact (#16).

A copy is not a change to clinical data: every row, the audit trail's included, arrives as it
was, so the copy's audit chain is the source's chain, link for link, and its head is the same.
That is the proof the copy is complete and unaltered, and it is checked, not assumed: the source
must verify before the copy, the target must verify after it, and the two heads must match.
Nothing is audited in the target for the same reason (a row would move its head); the command's
printed report, with both heads, is the record of the move.

Rows are copied with Core statements in foreign-key order inside one write transaction on the
target, so the ORM's audit capture and write rules (which guard changes) do not see them, and a
copy that fails halfway leaves the target empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Integer, Table, func, insert, select, text
from sqlmodel import SQLModel

import models  # noqa: F401  (every table registered on the metadata)
from models.audit_chain import ChainHead, chain_head
from models.db import head_revision, schema_revision, upgrade, writer
from records.errors import RecordsError
from records.maintenance import check

BATCH = 2_000


class CopyRefused(RecordsError):
    """The source does not verify, or the target is not an empty database."""


@dataclass(frozen=True)
class CopyReport:
    """What was copied, and the chain head both databases share."""

    rows: dict[str, int]
    head: ChainHead


def copy_study(source: Engine, target: Engine) -> CopyReport:
    """Copy every table of `source` into the empty, migrated `target`; verify both ends.

    The source is read, never changed: one behind the newest schema is refused (migrate it
    after a backup, then copy)."""
    if schema_revision(source) != head_revision():
        raise CopyRefused(
            "the source's schema is not the newest: back it up, run `manage.py migrate` on it, "
            "then copy"
        )
    before = check(source)
    if not before.ok:
        raise CopyRefused("the source does not verify: " + "; ".join(before.problems[:5]))
    upgrade(target)
    with source.connect() as src, src.begin(), writer(target).begin() as dst:
        _require_empty(dst)
        source_head = chain_head(src)
        rows = {table.name: _copy_table(src, dst, table) for table in _tables()}
        if dst.dialect.name == "postgresql":
            _advance_sequences(dst)
    after = check(target)
    if not after.ok:
        raise CopyRefused("the copy does not verify: " + "; ".join(after.problems[:5]))
    with target.connect() as conn:
        target_head = chain_head(conn)
    if target_head != source_head:
        raise CopyRefused(
            f"the copy's chain head {target_head.as_text()} is not the source's "
            f"{source_head.as_text()}"
        )
    return CopyReport(rows=rows, head=target_head)


def _tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


def _require_empty(conn: Connection) -> None:
    filled = [
        t.name for t in _tables() if conn.execute(select(func.count()).select_from(t)).scalar_one()
    ]
    if filled:
        raise CopyRefused(
            "the target database is not empty (" + ", ".join(filled[:8]) + "): copy into a "
            "new, empty database only"
        )


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    key = list(table.primary_key.columns)
    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*key))
    copied = 0
    for batch in result.mappings().partitions(BATCH):
        dst.execute(insert(table), [dict(row) for row in batch])
        copied += len(batch)
    return copied


def _advance_sequences(conn: Connection) -> None:
    """Identity sequences start after the copied ids, so the next insert gets a new one."""
    for table in _tables():
        id_column = table.c.get("id")
        if id_column is None or not isinstance(id_column.type, Integer):
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if sequence is None:
            continue
        highest = conn.execute(select(func.max(id_column))).scalar()
        if highest is not None:
            conn.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": highest})
