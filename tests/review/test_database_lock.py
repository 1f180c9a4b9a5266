"""Database lock: the checklist, lock only when ready, unlock, the CLI, the listings cover.

The casebook-signature check reads `records.signature_status.casebook_signed`, the seam the
signatures work (#11) owns; where a test needs a signed casebook it stands that seam in.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from models import Actor
from records import review_status as rs
from records.assessments import save_assessment
from records.auth import create_user
from records.errors import Held, PermissionDenied, ValidationFailed
from records.holds import hold_state, lift_hold, place_hold
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.queries import raise_query, transition
from records.sdv import verify_form
from tests.records.conftest import TODAY
from tests.review.conftest import COORDINATOR, DATA_MANAGER, MONITOR, OPERATOR

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def _pga(wb, actor, subject, value="1.3", **kw):
    return save_assessment(
        wb, actor, visit_id=subject.visits["SCR"], form_code="PGA", values={"PGA": value},
        today=TODAY, **kw,
    )  # fmt: skip


@pytest.fixture
def signed(monkeypatch):
    monkeypatch.setattr(rs, "casebook_signed", lambda _session, _subject_id: True)


def _failing(wb) -> set[str]:
    return {i.name for i in rs.review_status(wb).items if not i.ok}


@pytest.mark.req("REQ-WF-01")
def test_checklist_names_what_stands_in_the_way(wb, actor, subject):
    _pga(wb, actor, subject, state="in_progress")
    raise_query(wb, MONITOR, "Check", visit_id=subject.visits["SCR"], form_code="PGA")
    status = rs.review_status(wb)
    assert not status.ready and status.lock is None
    assert _failing(wb) == {
        "No open or answered query",
        "SDV complete where the study requires it",
        "Every casebook signed with a valid signature",
        "No form left in progress or incomplete",
    }
    assert "001-001 SCR PGA: to verify" in status.as_text()
    with pytest.raises(ValidationFailed):
        rs.lock_database(wb, DATA_MANAGER, "final")


@pytest.mark.req("REQ-WF-02")
def test_lock_when_ready_then_nothing_changes_until_unlocked(wb, actor, subject, signed):
    first = _pga(wb, actor, subject)
    q = raise_query(wb, MONITOR, "Check", visit_id=subject.visits["SCR"], form_code="PGA")
    transition(wb, COORDINATOR, q.id, "answer", "checked against source")
    transition(wb, MONITOR, q.id, "close")
    verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    assert rs.review_status(wb).ready
    with pytest.raises(PermissionDenied):
        rs.lock_database(wb, MONITOR, "final")
    lock = rs.lock_database(wb, DATA_MANAGER, "final analysis")
    assert rs.review_status(wb).lock == lock
    assert hold_state(wb, subject.id, subject.visits["SCR"], "PGA") == "locked"
    with pytest.raises(Held):
        _pga(wb, actor, subject, "1.5", reason="late", expected_version=first.version)
    with pytest.raises(Held):
        raise_query(wb, MONITOR, "Again", visit_id=subject.visits["SCR"], form_code="PGA")
    status = read_snapshot(wb.engine, wb.study, Scope()).database_status
    assert status.startswith("LOCKED since ") and "by Dee Manager (final analysis)" in status
    with pytest.raises(ValidationFailed):
        rs.unlock_database(wb, DATA_MANAGER, "")
    rs.unlock_database(wb, OPERATOR, "late lab result")
    assert read_snapshot(wb.engine, wb.study, Scope()).database_status == "LIVE"
    _pga(wb, actor, subject, "1.5", reason="late", expected_version=first.version)


def test_freeze_is_always_possible_and_shows_on_the_cover(wb, actor, subject):
    raise_query(wb, MONITOR, "Check", visit_id=subject.visits["SCR"], form_code="PGA")
    rs.freeze_study(wb, DATA_MANAGER, "interim analysis")
    status = read_snapshot(wb.engine, wb.study, Scope()).database_status
    assert status.startswith("LIVE (frozen since ")


@pytest.mark.req("REQ-SEC-02")
def test_unlock_by_an_account_needs_its_password(wb, subject):
    user = create_user(
        wb.engine, OPERATOR,
        {"username": "dee", "full_name": "Dee Manager", "role": "data_manager",
         "password": PASSWORD},
    )  # fmt: skip
    dee = Actor(user.id, "dee", "Dee Manager", "data_manager")
    hold = place_hold(wb, dee, "freeze", "interim", subject_id=subject.id)
    with pytest.raises(PermissionDenied):
        lift_hold(wb, dee, hold.id, "done", password="wrong password here")
    with pytest.raises(PermissionDenied):
        lift_hold(wb, COORDINATOR, hold.id, "done", password=PASSWORD)
    lift_hold(wb, dee, hold.id, "interim done", password=PASSWORD)
    with wb.engine.connect() as conn:
        actions = conn.execute(
            text("SELECT action, reason FROM auditevent WHERE entity='recordlock' ORDER BY id")
        ).all()
    assert [tuple(a) for a in actions] == [("freeze", "interim"), ("unfreeze", "interim done")]


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip


def test_cli_review_status_exit_codes_and_lock_refused_until_ready(wb, db_url, actor, subject):
    _pga(wb, actor, subject)
    status = _manage("--db", db_url, "review-status")
    assert status.returncode == 1 and "NOT READY to lock" in status.stdout
    assert "[ ] SDV complete where the study requires it" in status.stdout
    refused = _manage("--db", db_url, "lock-database", "--reason", "final")
    assert refused.returncode == 1 and "not ready to lock" in refused.stderr
    frozen = _manage("--db", db_url, "freeze-database", "--reason", "interim")
    assert frozen.returncode == 0
    assert _manage("--db", db_url, "unlock-database", "--reason", "x").returncode == 1
    assert hold_state(wb, subject.id) == "frozen"


@pytest.mark.req("REQ-WF-02")
def test_cli_locks_and_unlocks_a_ready_database(wb, db_url):
    # No subject yet: nothing to query, verify or sign, so the empty study is ready.
    status = _manage("--db", db_url, "review-status")
    assert status.returncode == 0 and "READY to lock" in status.stdout
    locked = _manage("--db", db_url, "lock-database", "--reason", "final")
    assert locked.returncode == 0 and "database LOCKED" in locked.stdout
    assert "Database: LOCKED since" in _manage("--db", db_url, "review-status").stdout
    unlocked = _manage("--db", db_url, "unlock-database", "--reason", "reopen")
    assert unlocked.returncode == 0
    assert rs.review_status(wb).lock is None
