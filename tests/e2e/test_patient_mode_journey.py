"""Patient mode on a tablet (768 × 1024) in a real browser: staff start PROMIS-29, the patient
answers a few questions, staff pause it from the small Staff control, start it again and it
resumes at the next question; the 0–10 pain scale lies on one line; finishing with questions
skipped says so and offers them; what is saved is in progress, never complete."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from models import Actor
from models.db import make_engine, upgrade
from records import auth
from records.assessments import load_assessment
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from study import load_study
from tests.e2e.conftest import TABLET, choose, key, new_page, rerun, screenshot, sign_in_at
from tests.study import wording_support as wording

PASSWORD = "a long enough password"
WAIT = 30_000
CONSENT = date.today() - timedelta(days=200)
DOSE_DAY = date.today() - timedelta(days=180)


def _prepared(tmp_path: Path) -> tuple[str, Workbench, int]:
    """An investigator and a dosed subject 001-001 (PROMIS-29 is due at V1)."""
    url = f"sqlite:///{tmp_path / 'e2e-patient.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    values = {"username": "ivy", "full_name": "Ivy Investigator", "role": "investigator"}
    auth.create_user(engine, auth.actor_for(admin), values | {"password": PASSWORD})
    wb = Workbench(engine, load_study())
    site = Actor(None, "setup", "Set Up", "investigator", origin="cli")
    values = {"screening_number": "001-001", "sex": "F", "birth_year": 1980,
              "consent_date": CONSENT}  # fmt: skip
    subject = screen_subject(wb, site, values)
    visits = {r.visit_code: r.visit_id for r in calendar(wb, subject.id)}
    record_visit_date(wb, site, visits["SCR"], CONSENT + timedelta(days=1))
    criteria = {c.code: "N" if c.kind == "exclusion" else "Y" for c in wb.study.eligibility}
    save_eligibility(wb, site, visit_id=visits["SCR"], values=criteria)
    dose = {"lot": "LOT-1", "cells_total": 1e8, "route": "SUBCUTANEOUS"}
    dose["started_at"] = f"{DOSE_DAY.isoformat()} 09:00"
    record_dose(wb, site, visit_id=visits["V1"], values=dose)
    return url, wb, visits["V1"]


def _click(page: Page, name: str) -> None:
    with rerun(page):
        key(page, name).locator("button").click()


def _open(browser: Browser, base: str) -> Page:
    """The patient-mode page of 001-001's V1 by its link, signed in there, on a tablet."""
    page = new_page(browser, TABLET)
    sign_in_at(page, f"{base}/patient_mode?subject=001-001&visit=V1", "ivy", PASSWORD,
               "Patient mode")  # fmt: skip
    return page


def _start(page: Page) -> None:
    choose(page, "patient_form", "PROMIS-29 v2.1")
    _click(page, "patient_start")
    expect(page.get_by_role("heading", name="Physical function item", exact=False)).to_be_visible(
        timeout=WAIT
    )


def _answer(page: Page, label: str) -> None:
    with rerun(page):
        page.locator("div[role='radiogroup'] label").get_by_text(label, exact=True).click()


def _staff(page: Page, then: str) -> None:
    """Open the small Staff control, give the password and press `then`."""
    key(page, "patient_staff").get_by_role("button", name="Staff").click()
    page.get_by_role("textbox", name="Staff password").fill(PASSWORD)
    with rerun(page):
        page.get_by_role("button", name=then).click()


def _to_the_pain_scale_on_one_line(page: Page, shot: str) -> None:
    """Next to the last question, the 0–10 pain scale: its eleven answers on one line, inside
    the tablet's width."""
    while key(page, "patient_next").count():
        _click(page, "patient_next")
    scale = page.locator(".st-key-patient_scale div[role='radiogroup'] label")
    expect(scale).to_have_count(11)
    boxes = [scale.nth(i).bounding_box() for i in range(11)]
    assert all(b is not None for b in boxes)
    assert len({round(b["y"]) for b in boxes}) == 1, "the 0–10 scale wraps onto two lines"
    assert max(b["x"] + b["width"] for b in boxes) <= TABLET["width"]
    screenshot(page, shot)


def test_patient_mode_on_a_tablet(tmp_path: Path, start_server, browser: Browser) -> None:
    url, wb, v1 = _prepared(tmp_path)
    server = start_server(url)
    page = _open(browser, server.url)
    _start(page)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    # The staff control is small and well below the answers and the Next button.
    staff = key(page, "patient_staff").get_by_role("button", name="Staff").bounding_box()
    ahead = key(page, "patient_next").bounding_box()
    assert staff and ahead and staff["y"] > ahead["y"] + ahead["height"] + 100
    assert staff["height"] < ahead["height"]
    screenshot(page, "patient-01-question")
    for label in ("2", "3", "1"):
        _answer(page, label)
        _click(page, "patient_next")
    _staff(page, "Hand back to staff")
    expect(page.get_by_text("Paused with 3 of 29 questions answered")).to_be_visible(timeout=WAIT)
    saved = load_assessment(wb, v1, "PROMIS29")
    assert saved is not None and saved.state == "in_progress" and len(saved.values) == 3

    _start(page)  # resumes at question 4
    expect(page.get_by_text("Question 4 of 29")).to_be_visible(timeout=WAIT)
    _to_the_pain_scale_on_one_line(page, "patient-02-pain-scale")
    _answer(page, "7")
    _click(page, "patient_finish")
    expect(page.get_by_role("heading", name="You skipped 25 questions")).to_be_visible(timeout=WAIT)
    screenshot(page, "patient-03-skipped")
    _click(page, "patient_goto_P29PF4")
    expect(page.get_by_text("Question 4 of 29")).to_be_visible(timeout=WAIT)
    _answer(page, "4")
    while key(page, "patient_next").count():
        _click(page, "patient_next")
    _click(page, "patient_finish")
    expect(page.get_by_role("heading", name="You skipped 24 questions")).to_be_visible(timeout=WAIT)
    _click(page, "patient_finish_anyway")
    expect(page.get_by_text("Please hand the tablet back")).to_be_visible(timeout=WAIT)
    _staff(page, "Hand back to staff")
    expect(page.get_by_text("24 of 29 questions unanswered")).to_be_visible(timeout=WAIT)
    screenshot(page, "patient-04-handed-back")
    saved = load_assessment(wb, v1, "PROMIS29")
    assert saved is not None and saved.state == "in_progress" and saved.completed_at is None
    assert saved.values["P29PF4"] == "4" and saved.values["P29PINT"] == "7"
    assert saved.derived is not None and saved.derived.values["physical_function_t"] is not None


def test_patient_mode_shows_the_studys_wording_on_a_tablet(
    tmp_path: Path, start_server, browser: Browser, monkeypatch
) -> None:
    """With a wording file named by the study, the patient reads each question and taps an
    answer by its label; the labelled 0–10 scale still lies on one line inside the screen."""
    monkeypatch.setenv("WORKBENCH_STUDY", str(wording.study_with_wording(tmp_path, "PROMIS29")))
    url, wb, v1 = _prepared(tmp_path)
    server = start_server(url)
    page = _open(browser, server.url)
    choose(page, "patient_form", "PROMIS-29 v2.1")
    _click(page, "patient_start")
    first = wording.question("P29PF1")
    expect(page.get_by_role("heading", name=first)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Synthetic test wording 0.1 (en-GB)", exact=False)).to_be_visible()
    screenshot(page, "patient-05-worded-question")
    _answer(page, wording.answer("P29PF1", 2))
    _to_the_pain_scale_on_one_line(page, "patient-06-worded-pain-scale")
    expect(page.get_by_role("heading", name=wording.question("P29PINT"))).to_be_visible()
    _answer(page, "10 (most)")
    _staff(page, "Hand back to staff")
    expect(page.get_by_text("Paused with 2 of 29 questions answered")).to_be_visible(timeout=WAIT)
    saved = load_assessment(wb, v1, "PROMIS29")
    assert saved is not None and saved.values == {"P29PF1": "2", "P29PINT": "10"}
