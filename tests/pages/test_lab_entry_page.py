"""AppTest of lab entry (issue #14 item 4): the flag while typing, a critical value's question,
the units the study allows, results as printed (<0.5) and the collection time."""

from __future__ import annotations

from datetime import time

import pytest
from streamlit.testing.v1 import AppTest

from records.labs import load_lab_panel
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import Subject, dose, open_page, screen, texts

wb = fixtures.wb  # the shared database fixture
pytestmark = pytest.mark.req("STU-LIMITS")


@pytest.fixture
def dosed(wb) -> Subject:
    subject = screen(wb)
    dose(wb, subject)
    return subject


def chemistry(subject: Subject) -> AppTest:
    return open_page(
        "investigator", "visit.py", subject_id=subject.id, visit_id=subject.visits["V1"],
        visit_form="CHEM",
    )  # fmt: skip


def markdown(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown]


def keys(at: AppTest) -> set[str]:
    return {str(w.key) for w in at.text_input}


def test_the_flag_shows_as_the_result_is_typed_before_any_save(wb, dosed):
    at = chemistry(dosed)
    assert not any("high]" in m for m in markdown(at))
    at.text_input(key="CHEM__K").input("5.6").run()
    assert any(m.startswith(":red[**H** high]") for m in markdown(at))
    at.text_input(key="CHEM__K").input("3.0").run()
    assert any(m.startswith(":blue[**L** low]") for m in markdown(at))
    assert load_lab_panel(wb, dosed.visits["V1"], "CHEM") is None  # typing saves nothing


def test_a_critical_value_asks_for_an_assessment_before_it_saves(wb, dosed):
    at = chemistry(dosed)
    assert "CHEM__K__critical_assessment" not in keys(at)
    at.text_input(key="CHEM__K").input("6.4").run()
    assert any("6.4 mmol/L is a critical value (≥ 6 mmol/L)" in str(w.value) for w in at.warning)
    assert "CHEM__K__critical_assessment" in keys(at)
    at.selectbox(key="CHEM__K__clinical_significance").select("CS")
    at.button(key="CHEM__save").click().run()
    assert load_lab_panel(wb, dosed.visits["V1"], "CHEM") is None
    assert any("record your assessment" in str(e.value) for e in at.error)
    assert at.text_input(key="CHEM__K").value == "6.4"  # the entry is kept
    note = "Repeat 5.0 on a fresh sample; PI informed"
    at.text_input(key="CHEM__K__critical_assessment").input(note)
    at.button(key="CHEM__save").click().run()
    saved = load_lab_panel(wb, dosed.visits["V1"], "CHEM")
    assert saved is not None and saved.results["K"].critical_assessment == note
    assert "Biochemistry saved." in texts(at)
    assert at.text_input(key="CHEM__K__critical_assessment").value == note  # seeded from saved


def test_a_second_unit_clears_the_typed_range_and_shows_the_default_in_that_unit(wb, dosed):
    at = chemistry(dosed)
    at.text_input(key="CHEM__CREAT__ref_high").input("1.3").run()
    assert at.selectbox(key="CHEM__CREAT__unit").options == ["mg/dL", "umol/L"]
    at.selectbox(key="CHEM__CREAT__unit").select("umol/L").run()
    assert at.text_input(key="CHEM__CREAT__ref_high").value == ""
    assert at.text_input(key="CHEM__CREAT__ref_high").placeholder == "97.24"
    at.text_input(key="CHEM__CREAT").input("88.4")
    at.time_input(key="CHEM__collected_time").set_value(time(8, 30))
    at.text_input(key="CHEM__CRPHS").input("<0.5")
    at.button(key="CHEM__save").click().run()
    saved = load_lab_panel(wb, dosed.visits["V1"], "CHEM")
    assert saved is not None and saved.collected_time == "08:30"
    creat, crp = saved.results["CREAT"], saved.results["CRPHS"]
    assert (creat.unit, creat.value_num, creat.flag) == ("umol/L", 88.4, "N")
    assert (crp.value, crp.value_num, crp.flag) == ("<0.5", None, "N")
    assert any(m.label.startswith("eGFR") for m in at.metric)
