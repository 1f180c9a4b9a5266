"""CLI fixtures: a migrated database with one account, on SQLite and on PostgreSQL (#16).

The commands run as real subprocesses with `--db URL`; tests read the results back through
SQLAlchemy so one test holds on both engines.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from models.db import make_engine

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


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement on the database at `url`."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.fixture
def db(db_url: str) -> str:
    assert manage("--db", db_url, "migrate").returncode == 0
    created = manage(
        "--db", db_url, "create-user", "--username", "ivy", "--full-name", "Ivy Inv",
        "--role", "investigator", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    return db_url
