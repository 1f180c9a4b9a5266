"""The command line, run as a real subprocess against real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert manage("--db", url, "migrate").returncode == 0
    created = manage(
        "--db",
        url,
        "create-user",
        "--username",
        "ivy",
        "--full-name",
        "Ivy Inv",
        "--role",
        "investigator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    return url


def test_create_user_refuses_a_short_password_with_exit_code_1(db):
    result = manage(
        "--db",
        db,
        "create-user",
        "--username",
        "x",
        "--full-name",
        "X",
        "--role",
        "monitor",
        "--password-stdin",
        stdin="short\n",
    )
    assert result.returncode == 1 and "password" in result.stderr


def test_usage_error_exits_2(db):
    assert manage("--db", db, "no-such-command").returncode == 2


def test_verify_clean_database(db):
    result = manage("--db", db, "verify")
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout


def test_verify_detects_tampering(db, tmp_path):
    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER auditevent_no_update")
        conn.execute("UPDATE auditevent SET new_value = 'admin' WHERE field = 'role'")
    result = manage("--db", db, "verify")
    assert result.returncode == 1
    assert "does not match its hash" in result.stderr


def test_backup_round_trip(db, tmp_path):
    out = tmp_path / "backup" / "copy.db"
    result = manage("--db", db, "backup", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT username FROM user").fetchall() == [("ivy",)]
    again = manage("--db", f"sqlite:///{out}", "verify")
    assert again.returncode == 0, again.stderr
    assert manage("--db", db, "backup", "--out", str(out)).returncode == 1  # never overwrites
