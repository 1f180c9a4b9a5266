"""Shared set-up of the capture page tests (no tests here): a study database with one subject.

Data are prepared through `records` (never SQL), with dates relative to today because the pages
check dates against today. The app is entered with a signed-in session seeded directly: signing
in through the form is covered by test_shell.py and costs a password hash per test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from models import Actor
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from study import load_study

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "workbench.py")
PAGES = ROOT / "app_pages"
TODAY = date.today()
CONSENT = TODAY - timedelta(days=200)
DOSE_DAY = TODAY - timedelta(days=180)
USERS = {
    "investigator": Actor(2, "investigator", "Ivy Investigator", "investigator"),
    "coordinator": Actor(3, "coordinator", "Cora Coordinator", "coordinator"),
    "monitor": Actor(4, "monitor", "Mo Monitor", "monitor"),
    "data_manager": Actor(5, "data_manager", "Dana Manager", "data_manager"),
}
OTHER = Actor(6, "other", "Otto Other", "investigator")


@dataclass(frozen=True)
class Subject:
    """A screened subject and its visit ids by visit code."""

    id: int
    visits: dict[str, int]


@pytest.fixture
def wb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workbench:
    """A migrated database the app opens too (one account, so no first-run setup page)."""
    url = f"sqlite:///{tmp_path / 'capture.db'}"
    monkeypatch.setenv("WORKBENCH_DB_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine,
        {"username": "admin", "full_name": "Ada Admin", "password": "first account pass phrase"},
    )
    # Writes re-read the account behind the actor, so the seeded sessions need real accounts.
    for actor in (*USERS.values(), OTHER):
        made = auth.create_user(
            engine,
            auth.actor_for(admin),
            {
                "username": actor.username,
                "full_name": actor.full_name,
                "role": actor.role,
                "password": "seeded account pass phrase",
            },
        )
        assert made.id == actor.user_id
    return Workbench(engine, load_study())


def screen(wb: Workbench, number: str = "001-001") -> Subject:
    """Screen a subject (consent 200 days ago) and record the screening visit date."""
    actor = USERS["investigator"]
    values = {"screening_number": number, "sex": "F", "birth_year": 1980, "consent_date": CONSENT}
    subject = screen_subject(wb, actor, values)
    visits = {r.visit_code: r.visit_id for r in calendar(wb, subject.id)}
    record_visit_date(wb, actor, visits["SCR"], CONSENT + timedelta(days=1))
    return Subject(subject.id, visits)


def eligible_values(wb: Workbench) -> dict[str, str]:
    return {c.code: "N" if c.kind == "exclusion" else "Y" for c in wb.study.eligibility}


def dose(wb: Workbench, subject: Subject) -> None:
    """Make the subject eligible and dosed 180 days ago at 09:00 site time."""
    actor = USERS["investigator"]
    save_eligibility(wb, actor, visit_id=subject.visits["SCR"], values=eligible_values(wb))
    start = f"{DOSE_DAY.isoformat()} 09:00"
    values = {"lot": "LOT-1", "cells_total": 1e8, "route": "SUBCUTANEOUS", "started_at": start}
    record_dose(wb, actor, visit_id=subject.visits["V1"], values=values)


@pytest.fixture
def subject(wb: Workbench) -> Subject:
    return screen(wb)


def open_page(role: str, page: str, **state: Any) -> AppTest:
    """The app signed in as `role`, on `page`, with session state (subject_id, visit_id…)."""
    at = AppTest.from_file(ENTRY, default_timeout=30)
    user = USERS[role]
    at.session_state["user"] = {
        "id": user.user_id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
    }
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every message, caption and markdown text on screen, for assertions."""
    parts: list[Any] = [*at.markdown, *at.caption, *at.text, *at.error, *at.warning, *at.info]
    parts += [*at.success]
    return "\n".join(str(p.value) for p in parts)


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]
