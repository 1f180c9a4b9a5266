"""Appending to and verifying the hash chain of the audit trail (REQ-VAL-02).

Each row's hash covers its own canonical content and the previous row's hash, so editing or
removing any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from models.audit import AuditEvent
from models.db import WRITE_LOCK_KEY
from version import APP_VERSION

GENESIS = "0" * 64
_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
HASHED_FIELDS: tuple[str, ...] = tuple(
    c.name for c in _TABLE.columns if c.name not in ("prev_hash", "row_hash")
)


def as_text(value: Any) -> str | None:
    """The canonical text of a stored value, as audit rows keep it (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def utc_timestamp() -> str:
    """UTC time as ISO 8601 with a Z, unambiguous and sortable (REQ-AUD-07)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON."""
    payload = json.dumps({k: row.get(k) for k in HASHED_FIELDS}, sort_keys=True, default=str)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def append(conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
    """Insert audit rows at the end of the chain inside the caller's transaction."""
    rows = list(rows)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        # Held since BEGIN by every writer (models.db.writer); taking it again costs nothing.
        # Only READ COMMITTED reads the head as committed after the lock was granted: a
        # snapshot taken before it (REPEATABLE READ) would fork the chain, so it is refused.
        conn.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))
        level = conn.execute(text("SHOW transaction_isolation")).scalar()
        if level != "read committed":
            raise RuntimeError(f"audit rows appended at {level}: write through models.db.writer")
    last = conn.execute(
        select(_TABLE.c.id, _TABLE.c.row_hash).order_by(_TABLE.c.id.desc()).limit(1)
    ).first()
    next_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    stamped = []
    for row in rows:
        full = {**_defaults(), **row, "id": next_id, "prev_hash": prev}
        full["row_hash"] = prev = row_hash(full, full["prev_hash"])
        stamped.append(full)
        next_id += 1
    conn.execute(insert(_TABLE), stamped)
    return len(stamped)


def _defaults() -> dict[str, Any]:
    return {
        "ts_utc": utc_timestamp(),
        "app_version": APP_VERSION,
        "host": platform.node()[:100],
        "record_id": None,
        "subject_id": None,
        "visit_id": None,
        "form": None,
        "field": None,
        "old_value": None,
        "new_value": None,
        "reason": None,
        "study_version": None,
    }


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The newest link of the chain: how many rows it holds and the newest row's hash.

    Written wherever the chain must be anchored outside the database (a signature, a backup
    manifest, an export cover), so a later rewrite of the chain can be told from an extension.
    """

    rows: int
    last_id: int
    row_hash: str

    def as_text(self) -> str:
        """`rows:last_id:hash`, the one printed form of an anchor."""
        return f"{self.rows}:{self.last_id}:{self.row_hash}"


def chain_head(conn: Connection) -> ChainHead:
    """The chain's head as seen by this connection's transaction (GENESIS when empty)."""
    last = conn.execute(
        select(_TABLE.c.id, _TABLE.c.row_hash).order_by(_TABLE.c.id.desc()).limit(1)
    ).first()
    count = conn.execute(select(func.count()).select_from(_TABLE)).scalar_one()
    if last is None:
        return ChainHead(rows=0, last_id=0, row_hash=GENESIS)
    return ChainHead(rows=int(count), last_id=int(last[0]), row_hash=str(last[1]))


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of a chain check: how many rows were read and the first problems found."""

    rows: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(conn: Connection, max_problems: int = 20) -> ChainReport:
    """Recompute every hash in id order; report gaps, broken links and altered rows."""
    problems: list[str] = []
    prev, expected_id, count = GENESIS, 1, 0
    for row in conn.execute(select(_TABLE).order_by(_TABLE.c.id)).mappings():
        count += 1
        if row["id"] != expected_id:
            problems.append(f"audit row {expected_id} is missing (next row is {row['id']})")
        if row["prev_hash"] != prev:
            problems.append(f"audit row {row['id']}: link to the previous row is broken")
        if row_hash(row, row["prev_hash"]) != row["row_hash"]:
            problems.append(f"audit row {row['id']}: content does not match its hash")
        prev, expected_id = row["row_hash"], row["id"] + 1
        if len(problems) >= max_problems:
            break
    return ChainReport(rows=count, problems=tuple(problems))
