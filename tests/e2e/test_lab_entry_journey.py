"""Lab entry in a real browser (#14 item 4): the panel is a fragment, not a form, so the H/L
flag appears as a result is entered, a critical potassium opens its assessment box, and the
save keeps every entry and writes the assessment."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from records.labs import load_lab_panel
from records.visits import calendar
from tests.e2e.conftest import choose, key, new_page, rerun, screenshot, sign_in_at
from tests.e2e.test_patient_mode_journey import PASSWORD, WAIT, _prepared


def _enter(page, name: str, text: str) -> None:
    field = key(page, name).locator("input")
    with rerun(page):
        field.fill(text)
        field.press("Tab")  # commits the entry: the panel alone reruns


def test_flag_and_critical_box_while_typing_then_save(
    tmp_path: Path, start_server, browser: Browser
):
    url, wb, _ = _prepared(tmp_path)
    scr = next(r.visit_id for r in calendar(wb, 1) if r.visit_code == "SCR")
    base = start_server(url).url
    page = new_page(browser)
    sign_in_at(page, f"{base}/visit?subject=001-001&visit=SCR", "ivy", PASSWORD, "001-001 · SCR")
    choose(page, "visit_form", wb.study.form_name("CHEM"))
    expect(page.get_by_role("heading", name="Biochemistry", exact=True)).to_be_visible(timeout=WAIT)
    _enter(page, "CHEM__SODIUM", "139")
    expect(key(page, "CHEM__SODIUM__flag")).to_have_text("N", timeout=WAIT)
    _enter(page, "CHEM__K", "6.4")
    expect(key(page, "CHEM__K__flag")).to_have_text("H high", timeout=WAIT)
    box = key(page, "CHEM__K__critical_box")
    expect(box).to_contain_text("6.4 mmol/L is a critical value", timeout=WAIT)
    screenshot(page, "lab-critical-value")
    choose(page, "CHEM__K__clinical_significance", wb.study.decode("CLINSIG", "CS") or "CS")
    note = "Repeat sample 5.0; PI informed"
    _enter(page, "CHEM__K__critical_assessment", note)
    with rerun(page):
        key(page, "CHEM__save").locator("button").click()
    expect(page.get_by_text("Biochemistry saved.")).to_be_visible(timeout=WAIT)
    saved = load_lab_panel(wb, scr, "CHEM")
    assert saved is not None
    assert saved.results["K"].critical_assessment == note
    assert (saved.results["SODIUM"].value, saved.results["K"].flag) == ("139", "H")
    expect(key(page, "CHEM__K").locator("input")).to_have_value("6.4")
