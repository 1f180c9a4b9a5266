"""Many users (#16 item 5): two `streamlit run` servers on one PostgreSQL database, two browsers.

An investigator on server A and a coordinator on server B, each in their own browser context,
open the same physician global assessment of the same subject, both loaded at the same saved
version. The investigator saves a correction first; the coordinator then saves a different one
and gets the optimistic-locking conflict ("this form was saved by someone else since you opened
it; nothing was saved", `records.write_path.stale`) with both values side by side, while the form
keeps what the coordinator typed. Afterwards the database holds the investigator's value at the
version of the investigator's save, no audit event carries the coordinator's change or reason,
and the audit hash chain verifies. The last step loads the other user's version into the form.

The database and its accounts are prepared through `records`; every listed step is done in the
browser. Screenshots of each step are written to test-artifacts/.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import func, select

from models import Actor, AuditEvent
from models.db import make_engine
from records import auth
from records.assessments import load_assessment, save_assessment
from records.audit_trail import verify_chain
from records.context import Workbench
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from study import load_study
from tests.e2e.conftest import (
    Server,
    choose,
    in_form,
    key,
    open_tab,
    rerun,
    screenshot,
    sign_in,
    wait_idle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql_only]

PASSWORD = "a long enough password"
WAIT = 30_000
"""Milliseconds to wait for a rerun to show its result (generous: two servers share 2 cores)."""
CONSENT = date.today() - timedelta(days=40)
NUMBER = "001-301"
ORIGINAL, THEIRS, MINE = "1.30", "1.50", "2.25"
REASON_A, REASON_B = "Transcription error, source says 1.50", "Re-read the source: 2.25"
WARNING = "Someone else saved this form after you opened it"
CONFLICT = "this form was saved by someone else since you opened it; nothing was saved"


def _prepare(url: str) -> tuple[Workbench, int]:
    """Accounts (investigator, coordinator) and a screened subject with PGA saved at screening."""
    engine = make_engine(url)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    for username, name, role in (
        ("ivy", "Ivy Investigator", "investigator"),
        ("cora", "Cora Coordinator", "coordinator"),
    ):
        values = {"username": username, "full_name": name, "role": role, "password": PASSWORD}
        auth.create_user(engine, auth.actor_for(admin), values)
    wb = Workbench(engine, load_study())
    site = Actor(None, "setup", "Set Up", "coordinator", origin="cli")
    values = {"screening_number": NUMBER, "sex": "F", "birth_year": 1980, "consent_date": CONSENT}
    subject = screen_subject(wb, site, values)
    scr = next(r.visit_id for r in calendar(wb, subject.id) if r.visit_code == "SCR")
    record_visit_date(wb, site, scr, CONSENT + timedelta(days=1))
    save_assessment(wb, site, visit_id=scr, form_code="PGA", values={"PGA": ORIGINAL})
    return wb, scr


def _open_pga(page: Page) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Subjects").click()
    wait_idle(page)
    choose(page, "open_subject_choice", NUMBER)
    _click(page, "open_subject")
    expect(page.get_by_role("heading", name=f"Subject {NUMBER}")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    open_tab(page, "Visits", key(page, "open_visit_choice"))
    choose(page, "open_visit_choice", "SCR · Screening")
    _click(page, "open_visit")
    expect(page.get_by_role("heading", name=f"{NUMBER} · SCR")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    choose(page, "visit_form", "Physician global assessment")
    expect(_pga_box(page)).to_be_visible(timeout=WAIT)


def _pga_box(page: Page) -> Locator:
    return key(page, "PGA__PGA").locator("input")


def _click(page: Page, name: str) -> None:
    button = key(page, name).locator("button")
    expect(button).to_have_count(1, timeout=WAIT)  # not a stale copy beside the new one
    with rerun(page):  # wait for the run the click starts, not only for an idle app
        button.click()


def _edit_and_confirm(page: Page, value: str, reason: str, *, warned: bool) -> None:
    """Type a new PGA, save, give the reason the preview asks for, confirm.

    `warned`: whether the form must say, once Save reran it, that someone else saved it since.
    """
    box = _pga_box(page)
    box.fill(value)
    # warned: the other server's save moved the change counter, so the form's own run is
    # followed by a run of the whole page (ui/capture/forms.py)
    with rerun(page, starts_run=not in_form(box), runs=2 if warned else 1):
        box.press("Tab")
    _click(page, "PGA__save")
    reason_box = key(page, "PGA__reason").locator("input")
    _settled(page, reason_box)
    expect(page.get_by_text(WARNING)).to_have_count(1 if warned else 0)
    reason_box.fill(reason)
    with rerun(page, starts_run=not in_form(reason_box)):
        reason_box.press("Tab")
    _click(page, "PGA__confirm")


def _settled(page: Page, shown: Locator) -> None:
    """Wait for what a rerun shows, then for the rerun to end.

    A message placed above the form (flash, warning, conflict) shows while the rest of the run
    is still being drawn: until it ends, the form's widgets can be on screen twice (the new ones
    and the stale ones below), and a locator by key would match both.
    """
    expect(shown.first).to_be_visible(timeout=WAIT)
    wait_idle(page)


def _audit_rows(wb: Workbench) -> int:
    with wb.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _reasons(wb: Workbench) -> set[str | None]:
    with wb.engine.connect() as conn:
        return set(conn.execute(select(AuditEvent.reason)).scalars())


def test_two_users_on_two_servers_conflict(db_url: str, start_server, browser: Browser):
    assert db_url.startswith("postgresql+psycopg://")
    wb, scr = _prepare(db_url)
    opened = load_assessment(wb, scr, "PGA")
    assert opened is not None and opened.values["PGA"] == ORIGINAL
    server_a: Server = start_server(db_url)
    server_b: Server = start_server(db_url)
    assert server_a.port != server_b.port
    pages: list[Page] = []
    try:
        investigator = sign_in(browser, server_a.url, "ivy", PASSWORD)
        pages.append(investigator)
        coordinator = sign_in(browser, server_b.url, "cora", PASSWORD)
        pages.append(coordinator)
        assert investigator.context is not coordinator.context

        # both open the same form at the same saved version
        for page in pages:
            _open_pga(page)
            expect(_pga_box(page)).to_have_value(ORIGINAL, timeout=WAIT)
        assert load_assessment(wb, scr, "PGA").version == opened.version
        screenshot(investigator, "two-servers-01-a-opened")
        screenshot(coordinator, "two-servers-02-b-opened")

        # user A (server A) saves a correction first
        _edit_and_confirm(investigator, THEIRS, REASON_A, warned=False)
        _settled(investigator, investigator.get_by_text("Physician global assessment saved."))
        expect(_pga_box(investigator)).to_have_value(THEIRS, timeout=WAIT)
        screenshot(investigator, "two-servers-03-a-saved")
        after_a = load_assessment(wb, scr, "PGA")
        assert after_a.values["PGA"] == THEIRS and after_a.version != opened.version
        audit_after_a = _audit_rows(wb)

        # user B (server B) still has the form as loaded, and saves a different value
        expect(_pga_box(coordinator)).to_have_value(ORIGINAL)
        _edit_and_confirm(coordinator, MINE, REASON_B, warned=True)
        panel = key(coordinator, "PGA__conflict")
        _settled(coordinator, panel.get_by_text(CONFLICT, exact=True))
        expect(panel.get_by_text("Saved by Ivy Investigator")).to_be_visible(timeout=WAIT)
        row = panel.get_by_role("row").filter(has_text="Physician global assessment")
        expect(row.get_by_role("cell")).to_have_text([THEIRS, MINE], timeout=WAIT)
        expect(coordinator.get_by_text("Physician global assessment saved.")).to_have_count(0)
        # the rest of the form is kept: B's entry is still in the box
        expect(_pga_box(coordinator)).to_have_value(MINE, timeout=WAIT)
        screenshot(coordinator, "two-servers-04-b-conflict")

        # nothing of B's save reached the database; A's value persists; the chain verifies
        stored = load_assessment(wb, scr, "PGA")
        assert stored.values["PGA"] == THEIRS
        assert stored.version == after_a.version
        assert stored.last_changed_by == "Ivy Investigator"
        assert _audit_rows(wb) == audit_after_a
        assert REASON_A in _reasons(wb) and REASON_B not in _reasons(wb)
        report = verify_chain(wb.engine)
        assert report.ok, report

        # B chooses to load the other user's version: the form now shows A's value
        _click(coordinator, "PGA__reload")
        expect(key(coordinator, "PGA__conflict")).to_have_count(0, timeout=WAIT)
        wait_idle(coordinator)
        expect(_pga_box(coordinator)).to_have_value(THEIRS, timeout=WAIT)
        screenshot(coordinator, "two-servers-05-b-reloaded")
    except Exception:
        for i, page in enumerate(pages):
            screenshot(page, f"two-servers-failure-{i}")
        raise
    finally:
        for page in pages:
            page.context.close()
        wb.engine.dispose()
