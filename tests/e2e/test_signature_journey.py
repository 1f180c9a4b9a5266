"""PI signature journey in a real browser (#11): a link to a visit survives sign-in, the PI signs
the visit with username and password, the coordinator corrects a value in her own browser, the
PI finds the invalidated signature on the sign-off page and signs again with the password only."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.signatures import signatures_of
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from records.vitals import load_vitals, save_vitals
from study import DEFAULT_DEFINITION, load_study
from tests.e2e.conftest import (
    RUN_WATCH,
    choose,
    key,
    new_page,
    rerun,
    screenshot,
    sign_in_at,
    wait_idle,
)

PASSWORD = "a long enough password"
WAIT = 30_000
SCR_LINK = "/visit?subject=001-001&visit=SCR"
"""The deep link to subject 001-001's screening visit."""
VITALS = {"SYSBP": 118, "DIABP": 74, "PULSE": 70, "RESP": 14, "TEMP": 36.8, "WEIGHT": 64}


def _study_file(tmp_path: Path) -> Path:
    """The default study with only vital signs required before signing (a quick visit)."""
    text = (
        Path(DEFAULT_DEFINITION)
        .read_text(encoding="utf-8")
        .replace(
            'required_form_kinds = ["instrument", "items", "labs", "vitals"]',
            'required_form_kinds = ["vitals"]',
        )
    )
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _prepared(tmp_path: Path, study: Path) -> tuple[str, Workbench, auth.UserRead, int]:
    url = f"sqlite:///{tmp_path / 'e2e-sign.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    made = {}
    for username, name, role in (("ivy", "Ivy Investigator", "investigator"),
                                 ("cora", "Cora Coordinator", "coordinator")):  # fmt: skip
        made[role] = auth.create_user(
            engine,
            auth.actor_for(admin),
            {"username": username, "full_name": name, "role": role, "password": PASSWORD},
        )
    wb = Workbench(engine, load_study(study))
    cora = auth.actor_for(made["coordinator"])
    values = {"screening_number": "001-001", "sex": "F", "birth_year": 1980}
    subject = screen_subject(wb, cora, {**values, "consent_date": "2025-01-02"})
    scr = next(r.visit_id for r in calendar(wb, subject.id) if r.visit_code == "SCR")
    record_visit_date(wb, cora, scr, "2025-01-03")
    save_vitals(wb, cora, visit_id=scr, values=VITALS)
    return url, wb, made["coordinator"], scr


def _sign(page: Page, scr: int, *, with_username: bool) -> None:
    if with_username:
        key(page, f"sign_visit_{scr}_u").locator("input").fill("ivy")
    else:
        expect(key(page, f"sign_visit_{scr}_u")).to_have_count(0)
    key(page, f"sign_visit_{scr}_p").locator("input").fill(PASSWORD)
    with rerun(page):
        page.get_by_role("button", name="Sign the visit").click()


def correct_weight_as_coordinator(browser: Browser, base: str) -> None:
    """The coordinator, in a browser of her own, corrects the weight with a reason."""
    page = new_page(browser)
    sign_in_at(page, base + SCR_LINK, "cora", PASSWORD, "001-001 · SCR")
    choose(page, "visit_form", "Vital signs")
    box = key(page, "VS__WEIGHT").locator("input")
    box.fill("66")
    with rerun(page):
        box.press("Tab")
    with rerun(page):
        key(page, "VS__save").locator("button").click()
    box = key(page, "VS__reason").locator("input")
    box.fill("scale was not zeroed")
    with rerun(page):
        box.press("Tab")
    with rerun(page):
        key(page, "VS__confirm").locator("button").click()
    expect(page.get_by_text("Vital signs saved.")).to_be_visible(timeout=WAIT)
    screenshot(page, "sign-02a-coordinator-corrected")
    page.close()


def test_pi_signs_correction_invalidates_pi_signs_again(
    page: Page,
    browser: Browser,
    start_server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    study = _study_file(tmp_path)
    monkeypatch.setenv("WORKBENCH_STUDY", str(study))
    url, wb, _, scr = _prepared(tmp_path, study)
    base = start_server(url).url

    sign_in_at(page, base + SCR_LINK, "ivy", PASSWORD, "001-001 · SCR")

    _sign(page, scr, with_username=True)
    expect(page.get_by_text("VALID SIGNATURE")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Signed by Ivy Investigator (ivy, investigator)")).to_be_visible()
    screenshot(page, "sign-01-signed")

    correct_weight_as_coordinator(browser, base)
    assert load_vitals(wb, scr).values["WEIGHT"] == 66

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="PI sign-off").click()
    expect(page.get_by_role("heading", name="PI sign-off")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    expect(page.get_by_text("001-001 · SCR — invalidated by change")).to_be_visible(timeout=WAIT)
    screenshot(page, "sign-02-sign-off-page")
    key(page, "signoff_open_0").locator("button").click()
    expect(page.get_by_role("heading", name="001-001 · SCR")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    expect(page.get_by_text("SIGNATURE INVALIDATED")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("INVALIDATED by change update vitalsign")).to_be_visible()
    screenshot(page, "sign-03-invalidated")

    _sign(page, scr, with_username=False)
    expect(page.get_by_text("VALID SIGNATURE")).to_be_visible(timeout=WAIT)
    screenshot(page, "sign-04-signed-again")
    assert [s.valid for s in signatures_of(wb)] == [False, True]


def test_unsaved_entry_asks_before_the_page_is_left(
    browser: Browser, start_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh signs out (README), so typed values must not vanish silently: the browser asks
    while an entry is unsaved, and no longer once the save has confirmed."""
    study = _study_file(tmp_path)
    monkeypatch.setenv("WORKBENCH_STUDY", str(study))
    url, wb, _, scr = _prepared(tmp_path, study)
    base = start_server(url).url

    def opened() -> tuple[Page, list[str]]:
        page = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
        # The guard stays off under automation; this page shows the app as a person's browser.
        page.add_init_script("Object.defineProperty(navigator, 'webdriver', {get: () => false})")
        page.add_init_script(RUN_WATCH)
        asked: list[str] = []
        page.on("dialog", lambda d: (asked.append(d.type), d.accept()))
        sign_in_at(
            page, f"{base}/visit?subject=001-001&visit=SCR", "cora", PASSWORD, "001-001 · SCR"
        )
        choose(page, "visit_form", "Vital signs")
        return page, asked

    page, asked = opened()
    key(page, "VS__PULSE").locator("input").fill("72")
    wait_idle(page)
    _leave(page)
    assert asked == ["beforeunload"]

    page, asked = opened()
    box = key(page, "VS__PULSE").locator("input")
    box.fill("72")
    with rerun(page):
        box.press("Tab")
    with rerun(page):
        key(page, "VS__save").locator("button").click()
    key(page, "VS__reason").locator("input").fill("pulse retaken")
    with rerun(page):
        key(page, "VS__reason").locator("input").press("Tab")
    key(page, "VS__confirm").locator("button").click()
    expect(page.get_by_text("Vital signs saved.")).to_be_visible(timeout=WAIT)
    assert (
        page.evaluate("document.querySelectorAll('[data-testid=stAlertContentSuccess]').length") > 0
    )
    _leave(page)
    assert asked == [] and load_vitals(wb, scr).values["PULSE"] == 72


def _leave(page: Page) -> None:
    """Close the tab as a person would (running beforeunload); wait until it is gone."""
    context = page.context
    page.close(run_before_unload=True)
    witness = context.new_page()
    for _ in range(50):
        if page.is_closed():
            break
        witness.wait_for_timeout(200)
    assert page.is_closed()
    context.close()
