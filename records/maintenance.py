"""Database maintenance: online backup with a check of the copy, and a full integrity check."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from models.audit_chain import ChainHead, chain_head, utc_timestamp
from models.db import make_engine
from records.audit_trail import current_state, replay_state, verify_chain
from records.integrity import anchor_problems, seal_problems, trigger_problems
from version import APP_VERSION


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """What `verify` found: database checks, the audit chain and the replay comparison."""

    audit_rows: int
    problems: tuple[str, ...]
    head: ChainHead | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise ValueError("online backup is for SQLite files; use pg_dump for PostgreSQL")
    return engine.url.database


def manifest_path(backup_file: Path) -> Path:
    """Where a backup's manifest lives: beside it, `<name>.manifest.json`."""
    return Path(backup_file).with_name(Path(backup_file).name + ".manifest.json")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(engine: Engine, out: Path) -> IntegrityReport:
    """Copy the live database with SQLite's online backup API, verify the copy, write a manifest.

    The manifest anchors the audit chain outside the database: its head as in the copy.
    """
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
        report = check(copy)
    finally:
        copy.dispose()
    _leave_wal(out)
    if report.head is not None:
        manifest = {
            "file": out.name,
            "sha256": file_sha256(out),
            "bytes": out.stat().st_size,
            "created_utc": utc_timestamp(),
            "app_version": APP_VERSION,
            "audit_rows": report.head.rows,
            "anchor": report.head.as_text(),
            "verified": report.ok,
        }
        manifest_path(out).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return report


def _leave_wal(path: Path) -> None:
    """A file at rest holds everything itself: read-only readers then leave no -wal/-shm."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def check(engine: Engine, anchor: ChainHead | None = None) -> IntegrityReport:
    """SQLite integrity and foreign keys, the audit hash chain, audit replay = data, the
    append-only triggers, the account seals, every valid signature's hash recomputed over what
    it signed and, when given, an anchor the chain must extend.

    A file that is not a readable database is a finding, never a traceback.
    """
    try:
        return _check(engine, anchor)
    except (DBAPIError, sqlite3.DatabaseError) as err:
        reason = getattr(err, "orig", None) or err
        return IntegrityReport(0, (f"the database cannot be read: {reason}",))


def _check(engine: Engine, anchor: ChainHead | None) -> IntegrityReport:
    problems: list[str] = []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems += [f"integrity_check: {r}" for r in result]
                return IntegrityReport(0, tuple(problems))
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
    with engine.connect() as conn:
        problems += trigger_problems(conn)
        problems += seal_problems(conn)
        if anchor is not None:
            problems += anchor_problems(conn, anchor)
        head = chain_head(conn)
    return IntegrityReport(audit_rows=chain.rows, problems=tuple(problems), head=head)
