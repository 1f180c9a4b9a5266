"""`manage.py restore` and `verify --anchor`, run as real subprocesses on real files (issue #13)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import PASSWORD, manage

pytestmark = [
    pytest.mark.req("REQ-SEC-05"),
    pytest.mark.sqlite_only("restores a SQLite file; PostgreSQL restores with pg_restore"),
]


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _users(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT username FROM user ORDER BY id")]


def _add_user(url: str, username: str) -> None:
    result = manage(
        "--db",
        url,
        "create-user",
        "--username",
        username,
        "--full-name",
        username.title(),
        "--role",
        "monitor",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def backed_up(db: str, tmp_path: Path) -> Path:
    """A backup holding only ivy; the live database then gains mo."""
    out = tmp_path / "backups" / "b1.db"
    result = manage("--db", db, "backup", "--out", str(out))
    assert result.returncode == 0, result.stderr
    _add_user(db, "mo")
    return out


@pytest.mark.req("REQ-EXP-03")
def test_backup_writes_a_manifest_with_the_chain_head(backed_up):
    manifest = json.loads((backed_up.parent / "b1.db.manifest.json").read_text())
    rows, _last_id, digest = manifest["anchor"].split(":")
    assert int(rows) == manifest["audit_rows"] > 0 and len(digest) == 64
    assert manifest["verified"] is True and len(manifest["sha256"]) == 64
    assert not (backed_up.parent / "b1.db-wal").exists()  # a backup at rest is one file


def test_restore_round_trip_keeps_the_replaced_file_and_audits(db, backed_up):
    live = _path(db)
    result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "disk error")
    assert result.returncode == 0, result.stderr
    assert _users(live) == ["ivy"]
    kept = list(live.parent.glob(f"{live.name}.replaced-*"))
    assert len(kept) == 1 and _users(kept[0]) == ["ivy", "mo"]
    with sqlite3.connect(live) as conn:
        row = conn.execute(
            "SELECT action, entity, reason, old_value, new_value FROM auditevent "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert row[:3] == ("restore", "database", "disk error")
    assert row[3] == str(kept[0]) and str(backed_up) in row[4]
    verified = manage("--db", db, "verify", "--anchor", str(backed_up) + ".manifest.json")
    assert verified.returncode == 0, verified.stderr
    assert "extends the anchor" in verified.stdout


def test_restore_never_applies_a_stale_wal(db, backed_up, tmp_path):
    """The failure the issue found: a backup copied over a file whose -wal remains."""
    live = _path(db)
    holder = sqlite3.connect(live, isolation_level=None)  # keeps the -wal of the live file
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("UPDATE user SET failed_logins = 3 WHERE username = 'ivy'")
    wal = Path(str(live) + "-wal")
    shutil.copy(wal, tmp_path / "stale-wal")
    holder.close()
    shutil.copy(tmp_path / "stale-wal", wal)  # a stale -wal lying beside the live file
    result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "test")
    assert result.returncode == 0, result.stderr
    assert _users(live) == ["ivy"]
    with sqlite3.connect(live) as conn:  # the page in the stale -wal never reached the copy
        assert conn.execute("SELECT failed_logins FROM user").fetchall() == [(0,)]
    assert manage("--db", db, "verify").returncode == 0


def test_restore_is_refused_while_the_database_is_open(db, backed_up):
    live = _path(db)
    holder = sqlite3.connect(live)
    holder.execute("SELECT count(*) FROM user").fetchall()
    try:
        result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "test")
    finally:
        holder.close()
    assert result.returncode == 1 and "is open" in result.stderr
    assert _users(live) == ["ivy", "mo"]
    assert not list(live.parent.glob(f"{live.name}.replaced-*"))
    assert not list(live.parent.glob(f".{live.name}.restoring-*"))


def test_a_backup_that_fails_verification_is_not_restored(db, backed_up):
    (backed_up.parent / "b1.db.manifest.json").unlink()
    with sqlite3.connect(backed_up) as conn:
        conn.execute("DROP TRIGGER auditevent_no_update")
        conn.execute("UPDATE auditevent SET new_value = 'admin' WHERE field = 'role'")
    result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "test")
    assert result.returncode == 1 and "failed verification" in result.stderr
    assert _users(_path(db)) == ["ivy", "mo"]


def test_a_backup_changed_after_its_manifest_is_not_restored(db, backed_up):
    with sqlite3.connect(backed_up) as conn:
        conn.execute("UPDATE user SET full_name = 'Someone Else'")
    result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "test")
    assert result.returncode == 1 and "differs from the file its manifest" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_database(db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not SQLite")
    result = manage("--db", db, "restore", "--from", str(junk), "--reason", "test")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert _users(_path(db)) == ["ivy"]


def test_verify_reports_a_malformed_file_without_a_traceback(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00\xff" * 4000)
    result = manage("--db", f"sqlite:///{broken}", "verify")
    assert result.returncode == 1 and "PROBLEMS FOUND" in result.stderr
    assert "Traceback" not in result.stderr
    missing = manage("--db", f"sqlite:///{tmp_path / 'none.db'}", "verify")
    assert missing.returncode == 1 and "no database file" in missing.stderr
    assert not (tmp_path / "none.db").exists()


def test_verify_anchor_from_a_backup_detects_a_rewritten_chain(db, backed_up):
    from models.audit_chain import GENESIS, row_hash

    live = _path(db)
    conn = sqlite3.connect(live, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER auditevent_no_update")
    conn.execute("UPDATE auditevent SET user_name = 'Someone Else' WHERE id = 1")
    prev = GENESIS
    for row in conn.execute("SELECT * FROM auditevent ORDER BY id").fetchall():
        new = row_hash(dict(row), prev)
        conn.execute(
            "UPDATE auditevent SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, new, row["id"])
        )
        prev = new
    conn.execute(
        "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent BEGIN "
        "SELECT RAISE(ABORT, 'audit trail is append-only'); END"
    )
    conn.close()
    assert manage("--db", db, "verify").returncode == 0  # self-consistent without an anchor
    for anchor in (backed_up, Path(str(backed_up) + ".manifest.json")):
        result = manage("--db", db, "verify", "--anchor", str(anchor))
        assert result.returncode == 1 and "anchor: audit row" in result.stderr


def test_restore_over_a_damaged_database_keeps_the_damaged_file_aside(db, backed_up):
    live = _path(db)
    live.write_bytes(b"SQLite format 3\x00" + b"\xde\xad" * 3000)
    assert manage("--db", db, "verify").returncode == 1
    result = manage("--db", db, "restore", "--from", str(backed_up), "--reason", "disk damage")
    assert result.returncode == 0, result.stderr
    assert _users(live) == ["ivy"]
    kept = list(live.parent.glob(f"{live.name}.replaced-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"SQLite format 3\x00\xde\xad")
    assert manage("--db", db, "verify").returncode == 0
