"""Database maintenance: online backup with a check of the copy, and a full integrity check."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from models.db import make_engine
from records.audit_trail import current_state, replay_state, verify_chain


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """What `verify` found: database checks, the audit chain and the replay comparison."""

    audit_rows: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise ValueError("online backup is for SQLite files; use pg_dump for PostgreSQL")
    return engine.url.database


def backup(engine: Engine, out: Path) -> IntegrityReport:
    """Copy the live database with SQLite's online backup API, then verify the copy."""
    source_path = _sqlite_path(engine)
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(out)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    copy = make_engine(f"sqlite:///{out.resolve()}")
    try:
        return check(copy)
    finally:
        copy.dispose()


def check(engine: Engine) -> IntegrityReport:
    """SQLite integrity and foreign keys, the audit hash chain, audit replay = data, and
    every valid signature's hash recomputed over what it signed."""
    problems: list[str] = []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems += [f"integrity_check: {r}" for r in result]
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key broken: table {row[0]} row {row[1]} -> {row[2]}")
    chain = verify_chain(engine)
    problems += chain.problems
    replayed, current = replay_state(engine), current_state(engine)
    if replayed != current:
        differing = sorted(
            k for k in replayed.keys() | current.keys() if replayed.get(k) != current.get(k)
        )
        shown = ", ".join(f"{table} {rid}" for table, rid in differing[:10])
        problems.append(f"{len(differing)} record(s) differ from their audit history: {shown}")
    from records.signatures import verify_signatures

    problems += verify_signatures(engine)[1]
    return IntegrityReport(audit_rows=chain.rows, problems=tuple(problems))
