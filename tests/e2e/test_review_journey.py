"""Review in a real browser (#12): a monitor raises a query on PGA, the coordinator corrects the
value (query answered, SDV dropped), the monitor closes the query and verifies the form again,
the data manager freezes the study and finds Lock disabled (casebook not signed); the PI signs
the casebook (signing goes on under a freeze; the signing dialog has its own browser journey in
test_signature_journey.py), the data manager locks the database; then the save buttons are gone
and a direct records call is refused.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from models import Actor, User, Visit
from models.db import make_engine, read_session, upgrade
from records import auth
from records.assessments import load_assessment, save_assessment
from records.context import Workbench
from records.errors import Held
from records.queries import list_queries
from records.sdv import sdv_rows, verify_form
from records.signatures import sign
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from study import load_study
from tests.e2e.conftest import (
    choose,
    in_form,
    key,
    open_tab,
    rerun,
    screenshot,
    sign_in,
    wait_idle,
)

PASSWORD = "a long enough password"
WAIT = 30_000
CONSENT = date.today() - timedelta(days=40)
ROLES = ("monitor", "coordinator", "data_manager", "investigator")


def _prepared(tmp_path: Path) -> tuple[str, Workbench, int]:
    """Accounts, a screened subject with PGA at screening, verified by the monitor."""
    url = f"sqlite:///{tmp_path / 'e2e-review.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    for role in ROLES:
        values = {"username": role, "full_name": f"{role.title()} User", "role": role}
        auth.create_user(engine, auth.actor_for(admin), values | {"password": PASSWORD})
    wb = Workbench(engine, load_study())
    site = Actor(None, "setup", "Set Up", "coordinator", origin="cli")
    values = {"screening_number": "001-201", "sex": "F", "birth_year": 1980,
              "consent_date": CONSENT}  # fmt: skip
    subject = screen_subject(wb, site, values)
    scr = next(r.visit_id for r in calendar(wb, subject.id) if r.visit_code == "SCR")
    record_visit_date(wb, site, scr, CONSENT + timedelta(days=1))
    save_assessment(wb, site, visit_id=scr, form_code="PGA", values={"PGA": "1.3"})
    verify_form(wb, Actor(None, "mon", "Mo", "monitor", origin="cli"), scr, "PGA")
    return url, wb, scr


def _pi_signs_the_casebook(wb: Workbench, scr: int) -> None:
    """The PI's casebook signature, under a study policy that requires only what was entered."""
    with read_session(wb.engine) as session:
        subject_id = session.get(Visit, scr).subject_id
        user = session.scalars(select(User).where(User.username == "investigator")).one()
        pi = auth.actor_for(user)
    policy = dataclasses.replace(wb.study.signatures, required_form_kinds=())
    view = Workbench(wb.engine, dataclasses.replace(wb.study, signatures=policy))
    sign(view, pi, subject_id=subject_id, visit_id=None, meaning_code="APPROVAL",
         password=PASSWORD)  # fmt: skip


def _nav(page: Page, name: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=name).click()
    wait_idle(page)


def _open_pga(page: Page) -> None:
    _nav(page, "Subjects")
    choose(page, "open_subject_choice", "001-201")
    key(page, "open_subject").locator("button").click()
    expect(page.get_by_role("heading", name="Subject 001-201")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    open_tab(page, "Visits", key(page, "open_visit_choice"))
    choose(page, "open_visit_choice", "SCR · Screening")
    key(page, "open_visit").locator("button").click()
    expect(page.get_by_role("heading", name="001-201 · SCR")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    choose(page, "visit_form", "Physician global assessment")


def _click(page: Page, name: str) -> None:
    with rerun(page):  # wait for the run the click starts, not only for an idle app
        key(page, name).locator("button").click()


@pytest.mark.e2e
def test_review_journey(tmp_path: Path, start_server, browser: Browser):
    url, wb, scr = _prepared(tmp_path)
    server = start_server(url)
    pages: list[Page] = []
    try:
        monitor = sign_in(browser, server.url, "monitor", PASSWORD)
        pages.append(monitor)
        _open_pga(monitor)
        key(monitor, "raise_text").locator("textarea").fill("PGA 1.3 but the note says 1.5")
        _click(monitor, "raise_submit")
        expect(monitor.get_by_text("PGA 1.3 but the note says 1.5").first).to_be_visible(
            timeout=WAIT
        )
        screenshot(monitor, "review-01-query-raised")
        (query,) = list_queries(wb)

        site = sign_in(browser, server.url, "coordinator", PASSWORD)
        pages.append(site)
        _open_pga(site)
        expect(site.get_by_text("Open queries on this form: 1 open")).to_be_visible(timeout=WAIT)
        box = key(site, "PGA__PGA").locator("input")
        box.fill("1.5")
        with rerun(site, starts_run=not in_form(box)):
            box.press("Tab")
        _click(site, "PGA__save")
        key(site, "PGA__reason").locator("input").fill("Transcription error, see query")
        with rerun(site, starts_run=not in_form(key(site, "PGA__reason").locator("input"))):
            key(site, "PGA__reason").locator("input").press("Tab")
        _click(site, "PGA__confirm")
        expect(site.get_by_text("answer by correcting the value").first).to_be_visible(timeout=WAIT)
        screenshot(site, "review-02-corrected")
        assert list_queries(wb)[0].status == "answered"
        assert [r.state for r in sdv_rows(wb)] == ["dropped"]

        _nav(monitor, "Queries and SDV")
        expect(monitor.get_by_role("heading", name="Open queries by age")).to_be_visible(
            timeout=WAIT
        )
        choose(monitor, f"reviewq_action_{query.id}", "close")
        _click(monitor, f"reviewq_save_{query.id}")
        # the close's rerun must finish before the next click, or that click cancels it
        expect(monitor.get_by_text("No query is waiting.")).to_be_visible(timeout=WAIT)
        _click(monitor, "sdv_verify")
        verified = monitor.get_by_text("1 of 1 forms and adverse events verified")
        expect(verified).to_be_visible(timeout=WAIT)
        screenshot(monitor, "review-03-closed-and-verified")
        assert list_queries(wb)[0].status == "closed"
        assert [r.state for r in sdv_rows(wb)] == ["verified"]

        manager = sign_in(browser, server.url, "data_manager", PASSWORD)
        pages.append(manager)
        _nav(manager, "Database lock")
        key(manager, "lock_reason").locator("input").fill("Interim analysis")
        with rerun(manager, starts_run=not in_form(key(manager, "lock_reason").locator("input"))):
            key(manager, "lock_reason").locator("input").press("Tab")
        expect(key(manager, "lock_db").locator("button")).to_be_disabled()  # not signed yet
        _click(manager, "freeze_db")
        screenshot(manager, "review-04-frozen")

        _open_pga(site)
        expect(site.get_by_text("This visit is frozen")).to_be_visible(timeout=WAIT)
        expect(key(site, "PGA__save")).to_have_count(0)
        screenshot(site, "review-05-no-save")

        _pi_signs_the_casebook(wb, scr)
        _nav(manager, "Database lock")
        key(manager, "lock_reason").locator("input").fill("Final analysis")
        with rerun(manager, starts_run=not in_form(key(manager, "lock_reason").locator("input"))):
            key(manager, "lock_reason").locator("input").press("Tab")
        _click(manager, "lock_db")
        expect(manager.get_by_text("Unlock the database")).to_be_visible(timeout=WAIT)
        screenshot(manager, "review-06-locked")
        _open_pga(site)
        expect(site.get_by_text("This visit is locked")).to_be_visible(timeout=WAIT)
        expect(key(site, "PGA__save")).to_have_count(0)
    except Exception:
        for i, page in enumerate(pages):
            screenshot(page, f"review-failure-{i}")
        raise
    saved = load_assessment(wb, scr, "PGA")
    with pytest.raises(Held):
        save_assessment(
            wb, Actor(None, "x", "X", "coordinator"), visit_id=scr, form_code="PGA",
            values={"PGA": "2.0"}, reason="after the lock", expected_version=saved.version,
        )  # fmt: skip
