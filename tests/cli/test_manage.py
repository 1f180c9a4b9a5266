"""The command line, run as a real subprocess against a real database on either engine."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from models.db import make_engine
from tests.cli.conftest import manage, query
from tests.tamper import lift_append_only


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


def test_verify_detects_tampering(db):
    engine = make_engine(db)
    with engine.begin() as conn:
        lift_append_only(conn)
        conn.execute(text("UPDATE auditevent SET new_value = 'admin' WHERE field = 'role'"))
    engine.dispose()
    result = manage("--db", db, "verify")
    assert result.returncode == 1
    assert "does not match its hash" in result.stderr


@pytest.mark.sqlite_only("the online backup copies the SQLite file; PostgreSQL uses pg_dump")
def test_backup_round_trip(db, tmp_path):
    out = tmp_path / "backup" / "copy.db"
    result = manage("--db", db, "backup", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT username FROM user").fetchall() == [("ivy",)]
    again = manage("--db", f"sqlite:///{out}", "verify")
    assert again.returncode == 0, again.stderr
    assert manage("--db", db, "backup", "--out", str(out)).returncode == 1  # never overwrites


@pytest.mark.req("REQ-AUD-09")
def test_demo_builds_an_audited_study_and_prints_accounts(db_url):
    url = db_url
    result = manage("--db", url, "demo", "--subjects", "4", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "screened: 4" in result.stdout
    accounts = [
        line.split() for line in result.stdout.splitlines() if line.strip().startswith("demo_")
    ]
    assert {a[1] for a in accounts} == {
        "investigator",
        "coordinator",
        "monitor",
        "data_manager",
        "admin",
    }
    origins = {
        r[0] for r in query(url, "SELECT DISTINCT origin FROM auditevent WHERE entity = 'subject'")
    }
    subjects = query(url, "SELECT count(*) FROM subject")[0][0]
    assert origins == {"cli"} and subjects == 4
    assert manage("--db", url, "verify").returncode == 0


def test_export_listings_from_the_command_line(db_url, tmp_path):
    from openpyxl import load_workbook

    url = db_url
    assert manage("--db", url, "demo", "--subjects", "3").returncode == 0
    out = tmp_path / "listings.xlsx"
    result = manage("--db", url, "export", "listings", "--out", str(out), "--audit")
    assert result.returncode == 0, result.stderr
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "Cover" and len(book.sheetnames) > 20
    unknown = manage("--db", url, "export", "listings", "--out", str(out), "--subject", "nope")
    assert unknown.returncode == 1 and "unknown screening numbers" in unknown.stderr
