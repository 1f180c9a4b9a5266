"""Restoring a backup over the live SQLite file, safely (issue #13).

1. The backup is copied through SQLite (its own -wal, if any, is applied by SQLite) into a staging
   file beside the database, and the copy is verified: integrity, chain, replay, triggers, seals,
   and the manifest's SHA-256 and anchor when the manifest is there.
2. The live file is taken with an exclusive lock, which fails while anyone (the workbench, a
   second terminal) has it open; switching it out of WAL folds its -wal into it, so no stale -wal
   or -shm can be applied to the restored file.
3. The live file is kept aside as `<name>.replaced-<UTC time>`, the copy is moved in place, and
   the restore is audited in the restored chain, which then still extends the backup's anchor.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models import Actor
from models.audit_chain import ChainHead, append
from models.db import make_engine, upgrade
from records.errors import RecordsError, ValidationFailed
from records.integrity import parse_anchor
from records.maintenance import check, file_sha256, manifest_path

_SIDE_FILES = ("-wal", "-shm", "-journal")


class RestoreRefused(RecordsError):
    """The restore did not happen; the live database is untouched."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    kept_aside: Path | None
    head: ChainHead
    audit_rows: int


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _remove(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        Path(str(path) + suffix).unlink(missing_ok=True)


def restore(target: Path, source: Path, actor: Actor, reason: str) -> RestoreResult:
    """Put the backup `source` in place of the SQLite file `target` (see the module text)."""
    target, source = Path(target).resolve(), Path(source).resolve()
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "give a reason for the restore"})
    if not source.is_file():
        raise RestoreRefused(f"backup not found: {source}")
    if source == target:
        raise RestoreRefused("the backup is the database itself")
    _check_manifest(source)
    staging = target.with_name(f".{target.name}.restoring-{_stamp()}")
    try:
        head, rows = _stage(source, staging)
        kept = _swap(target, staging)
    except BaseException:
        _remove(staging)
        raise
    _audit(target, actor, reason, source, kept, head)
    return RestoreResult(source, kept, head, rows)


def _check_manifest(source: Path) -> None:
    manifest = manifest_path(source)
    if not manifest.is_file():
        return
    try:
        expected = json.loads(manifest.read_text(encoding="utf-8"))["sha256"]
    except (ValueError, KeyError, TypeError) as err:
        raise RestoreRefused(f"the backup's manifest {manifest.name} cannot be read") from err
    if file_sha256(source) != expected:
        raise RestoreRefused(
            f"{source.name} differs from the file its manifest describes (SHA-256); "
            "it was changed after the backup"
        )


def _stage(source: Path, staging: Path) -> tuple[ChainHead, int]:
    """Copy the backup through SQLite into `staging` and verify the copy."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(staging)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
    except sqlite3.DatabaseError as err:
        raise RestoreRefused(f"{source.name} is not a readable SQLite database: {err}") from err
    engine = make_engine(f"sqlite:///{staging}")
    try:
        anchor = _manifest_anchor(source)
        report = check(engine, anchor)
    finally:
        engine.dispose()
    if report.problems or report.head is None:
        shown = "; ".join(report.problems[:5])
        raise RestoreRefused(f"the backup failed verification, nothing was restored: {shown}")
    return report.head, report.audit_rows


def _manifest_anchor(source: Path) -> ChainHead | None:
    manifest = manifest_path(source)
    if not manifest.is_file():
        return None
    anchor = json.loads(manifest.read_text(encoding="utf-8")).get("anchor")
    return parse_anchor(anchor) if isinstance(anchor, str) else None


def _swap(target: Path, staging: Path) -> Path | None:
    """Lock the live file exclusively, keep it aside, move the verified copy in place."""
    stamp = _stamp()
    if not target.exists():
        for suffix in _SIDE_FILES:  # leftovers of a lost file must never meet the copy
            side = Path(str(target) + suffix)
            if side.exists():
                side.rename(side.with_name(f"{side.name}.stale-{stamp}"))
        os.replace(staging, target)
        return None
    kept = target.with_name(f"{target.name}.replaced-{stamp}")
    conn = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise sqlite3.OperationalError("database is locked")
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise RestoreRefused(
                    "the database is open (the workbench or another program is using it); "
                    "stop it, then restore"
                ) from err
            raise
        except sqlite3.DatabaseError:
            pass  # the live file is damaged: nothing to fold in, keep it aside as it is
        os.replace(target, kept)
        for suffix in _SIDE_FILES:
            side = Path(str(target) + suffix)
            if side.exists():
                shutil.move(side, Path(str(kept) + suffix))
        os.replace(staging, target)
    finally:
        conn.close()
    return kept


def _audit(
    target: Path, actor: Actor, reason: str, source: Path, kept: Path | None, head: ChainHead
) -> None:
    engine = make_engine(f"sqlite:///{target}")
    try:
        upgrade(engine)
        with engine.begin() as conn:
            append(
                conn,
                [
                    {
                        **actor.stamp(),
                        "action": "restore",
                        "entity": "database",
                        "field": "file",
                        "old_value": str(kept) if kept else None,
                        "new_value": (
                            f"{source} sha256={file_sha256(source)} anchor={head.as_text()}"
                        ),
                        "reason": reason.strip(),
                    }
                ],
            )
    finally:
        engine.dispose()
