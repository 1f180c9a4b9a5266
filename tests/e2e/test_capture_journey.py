"""Data capture in a real browser: screen → eligibility → dose → baseline PGA/SLEDAI/BILAG →
day-168 visit → adverse event. Accounts are prepared through records; every listed step is
done through the browser with the keyboard-reachable widgets the pages render (keys, labels).
Screenshots of each step are written to test-artifacts/.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from models.db import make_engine, upgrade
from records import auth
from records.assessments import load_assessment
from records.context import Workbench
from records.visits import calendar
from study import load_study
from tests.e2e.conftest import (
    choose,
    expect_home,
    in_form,
    key,
    open_tab,
    rerun,
    screenshot,
    wait_idle,
)

PASSWORD = "a long enough password"
WAIT = 30_000
"""Milliseconds to wait for a rerun to show its result (generous: CI machines are slow)."""
TODAY = date.today()
CONSENT = TODAY - timedelta(days=200)
DOSE_DAY = TODAY - timedelta(days=180)
DAY_168 = DOSE_DAY + timedelta(days=167)
GRADES = (
    "Constitutional",
    "Mucocutaneous",
    "Neuropsychiatric",
    "Musculoskeletal",
    "Cardiorespiratory",
    "Gastrointestinal",
    "Ophthalmic",
    "Renal",
    "Haematological",
)


def _prepared_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'e2e-capture.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    values = {"username": "ivy", "full_name": "Ivy Investigator", "role": "investigator"}
    auth.create_user(engine, auth.actor_for(admin), values | {"password": PASSWORD})
    engine.dispose()
    return url


def type_in(page: Page, name: str, text: str) -> None:
    """Type into a keyed text input and commit it with Tab."""
    box = key(page, name).locator("input")
    box.fill(text)
    with rerun(page, starts_run=not in_form(key(page, name))):
        box.press("Tab")


def type_date(page: Page, name: str, day: date) -> None:
    """Type a date into a keyed date field, segment by segment; Escape closes the calendar."""
    key(page, name).get_by_role("spinbutton").first.click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    with rerun(page, starts_run=not in_form(key(page, name))):
        page.keyboard.press("Escape")


def click(page: Page, name: str) -> None:
    with rerun(page):
        key(page, name).locator("button").click()


def saved(page: Page, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible(timeout=WAIT)
    wait_idle(page)


def sign_in_and_screen(page: Page, base: str) -> None:
    page.goto(base)
    wait_idle(page)
    page.get_by_label("Username").fill("ivy")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_home(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Subjects").click()
    expect(page.get_by_role("heading", name="Subjects")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    key(page, "scr_screening_number").locator("input").fill("001-101")
    choose(page, "scr_sex", "Female")
    key(page, "scr_birth_year").locator("input").fill("1982")
    type_date(page, "scr_consent_date", CONSENT)
    screenshot(page, "capture-01-screening")
    with rerun(page):
        page.get_by_role("button", name="Screen subject").click()
    expect(page.get_by_role("heading", name="Subject 001-101")).to_be_visible(timeout=WAIT)
    wait_idle(page)


def eligibility(page: Page) -> None:
    open_tab(page, "Eligibility", key(page, "ELIG__IN01").get_by_text("Met", exact=True))
    for code in ("IN01", "IN02", "IN03", "IN04", "IN05"):
        key(page, f"ELIG__{code}").get_by_text("Met", exact=True).click()
    key(page, "ELIG__EX01").get_by_text("Not met", exact=True).click()
    type_date(page, "ELIG__assessment_date", CONSENT + timedelta(days=1))
    click(page, "ELIG__save")
    saved(page, "Eligibility saved.")
    expect(page.get_by_text("Eligibility: eligible.")).to_be_visible(timeout=WAIT)
    screenshot(page, "capture-02-eligibility")


def open_visit(page: Page, label: str) -> None:
    open_tab(page, "Visits", key(page, "open_visit_choice"))
    choose(page, "open_visit_choice", label)
    click(page, "open_visit")
    expect(page.get_by_role("heading", name=f"001-101 · {label.split(' · ')[0]}")).to_be_visible(
        timeout=WAIT
    )
    wait_idle(page)


def dose(page: Page) -> None:
    open_visit(page, "V1 · Baseline / dosing")
    choose(page, "visit_form", "UC-MSC administration")
    key(page, "EX__lot").locator("input").fill("UCMSC-2401")
    key(page, "EX__cells_total").locator("input").fill("100000000")
    choose(page, "EX__route", "Subcutaneous")
    key(page, "EX__started_at").locator("input").fill(f"{DOSE_DAY.isoformat()} 09:00")
    key(page, "EX__stopped_at").locator("input").fill(f"{DOSE_DAY.isoformat()} 09:20")
    click(page, "EX__save")
    saved(page, "Administration saved; day 1 set.")
    screenshot(page, "capture-03-dose")


def baseline_instruments(page: Page) -> None:
    choose(page, "visit_form", "SLEDAI-2K")
    expect(page.get_by_text("Record the physician global assessment first")).to_be_visible(
        timeout=WAIT
    )
    click(page, "open_pga")
    key(page, "PGA__PGA").locator("input").focus()  # from here on, the keyboard alone
    page.keyboard.type("1.25")
    with rerun(page):
        page.keyboard.press("Tab")
    expect(page.get_by_text("between mild and moderate")).to_be_visible(timeout=WAIT)
    expect(key(page, "PGA__save").locator("button")).to_be_focused(timeout=WAIT)
    with rerun(page):
        page.keyboard.press("Enter")
    saved(page, "Physician global assessment saved.")
    screenshot(page, "capture-04-pga")
    choose(page, "visit_form", "SLEDAI-2K")
    for descriptor in ("arthritis", "rash", "low_complement"):
        with rerun(page):
            key(page, f"SLEDAI2K__{descriptor}").locator("label").click()
    expect(page.get_by_text("8 / 105", exact=True)).to_be_visible(timeout=WAIT)
    screenshot(page, "capture-05-sledai")
    click(page, "SLEDAI2K__save")
    saved(page, "SLEDAI-2K saved.")
    choose(page, "visit_form", "BILAG-2004")
    for domain in GRADES:  # every item is coded (spec §2.7): the rest of each domain 0
        zero = key(page, f"BILAG2004__zero_{domain.lower()}")
        open_tab(page, domain, zero.get_by_role("button", name="Code"))
        with rerun(page):
            zero.get_by_role("button", name="Code").click()
    for domain, code in zip(
        GRADES, ("CON", "MUC", "NEU", "MSK", "CAR", "GI", "OPH", "REN", "HAE"), strict=True
    ):
        grade = "C – mild stable activity" if domain == "Musculoskeletal" else "E – never involved"
        choose(page, f"BILAG2004__BILAG{code}", grade)
    expect(page.get_by_text("1 / 108", exact=True)).to_be_visible(timeout=WAIT)
    click(page, "BILAG2004__save")
    saved(page, "BILAG-2004 saved.")
    screenshot(page, "capture-06-bilag")


def day_168(page: Page) -> None:
    page.locator("[data-testid='stMain']").get_by_role("link", name="Back to the subject").click()
    expect(page.get_by_role("heading", name="Subject 001-101")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    open_visit(page, "V11 · Day 168 / end of study")
    type_date(page, "visit_date__actual_date", DAY_168)
    click(page, "visit_date__save")
    saved(page, "Visit date saved.")
    expect(page.get_by_text("study day 168")).to_be_visible(timeout=WAIT)
    screenshot(page, "capture-07-day168")


def adverse_event(page: Page) -> None:
    page.locator("[data-testid='stMain']").get_by_role("link", name="Back to the subject").click()
    wait_idle(page)
    page.locator("[data-testid='stMain']").get_by_role("link", name="Adverse events").click()
    expect(page.get_by_role("heading", name="Adverse events · 001-101")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    key(page, "AE__term").locator("input").fill("Injection-site erythema")
    key(page, "AE__onset").locator("input").fill(f"{DOSE_DAY.isoformat()} 15:30")
    choose(page, "AE__severity", "Mild")
    choose(page, "AE__ctcae_grade", "1")
    choose(page, "AE__relationship", "Probably related")
    choose(page, "AE__action_taken", "Not applicable")
    choose(page, "AE__outcome", "Recovered/resolved")
    click(page, "AE__save")
    expect(page.get_by_text("is required when the outcome is RECOVERED/RESOLVED")).to_be_visible(
        timeout=WAIT
    )
    expect(key(page, "AE__term").locator("input")).to_have_value(
        "Injection-site erythema", timeout=WAIT
    )
    key(page, "AE__end").locator("input").fill((DOSE_DAY + timedelta(days=2)).isoformat())
    click(page, "AE__save")
    saved(page, "Adverse event saved.")
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible(timeout=WAIT)
    screenshot(page, "capture-08-adverse-event")


def test_capture_journey(tmp_path: Path, start_server, page: Page):
    url = _prepared_db(tmp_path)
    server = start_server(url)
    try:
        sign_in_and_screen(page, server.url)
        eligibility(page)
        dose(page)
        baseline_instruments(page)
        day_168(page)
        adverse_event(page)
    except Exception:
        screenshot(page, "capture-failure")
        raise
    engine = make_engine(url)
    wb = Workbench(engine, load_study())
    visits = {r.visit_code: r for r in calendar(wb, 1)}
    assert visits["V1"].actual_date == DOSE_DAY and visits["V11"].actual_date == DAY_168
    baseline = load_assessment(wb, visits["V1"].visit_id, "SLEDAI2K")
    assert baseline is not None and baseline.derived.values["total"] == 8
    engine.dispose()
