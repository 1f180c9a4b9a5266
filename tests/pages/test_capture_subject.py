"""AppTest of the subject page: eligibility checklist, status changes, extra visits, read-only."""

from __future__ import annotations

import pytest

from records.assessments import load_assessment, save_assessment
from records.eligibility import eligibility_status
from records.subjects import get_subject
from records.visits import calendar
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import (
    OTHER,
    TODAY,
    eligible_values,
    errors,
    open_page,
    screen,
    texts,
)

wb = fixtures.wb  # the shared database fixture


def page(subject, role: str = "investigator"):
    return open_page(role, "subject.py", subject_id=subject.id)


def test_eligibility_checklist_keeps_answers_and_asks_evidence(wb):
    subject = screen(wb)
    at = page(subject)
    assert "not assessed" in texts(at)
    answers = eligible_values(wb) | {"IN04": "N"}
    for code, answer in answers.items():
        at.radio(key=f"ELIG__{code}").set_value(answer)
    at.button(key="ELIG__save").click().run()
    assert any("note is needed" in e for e in errors(at))
    assert at.radio(key="ELIG__IN01").value == "Y"
    at.text_input(key="ELIG__IN04_NOTE").input("eGFR 24 on 2 screening samples")
    at.button(key="ELIG__save").click().run()
    status = eligibility_status(wb, subject.id)
    assert status.status == "not_eligible" and status.failing[0].code == "IN04"
    assert "IN04 not met" in texts(at)


def test_eligibility_edit_needs_reason_and_stale_edit_conflicts(wb):
    subject = screen(wb)
    save_assessment(
        wb, OTHER, visit_id=subject.visits["SCR"], form_code="ELIG", values=eligible_values(wb)
    )
    at = page(subject)
    read = load_assessment(wb, subject.visits["SCR"], "ELIG")
    changed = eligible_values(wb) | {"IN02": "N", "IN02_NOTE": "only 3 SLICC criteria"}
    save_assessment(
        wb,
        OTHER,
        visit_id=subject.visits["SCR"],
        form_code="ELIG",
        values=changed,
        reason="source review",
        expected_version=read.version,
    )
    at.radio(key="ELIG__IN03").set_value("N")
    at.text_input(key="ELIG__IN03_NOTE").input("ANA negative")
    at.button(key="ELIG__save").click().run()
    assert at.text_input(key="ELIG__reason") is not None
    at.text_input(key="ELIG__reason").input("re-read the source")
    at.button(key="ELIG__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "only 3 SLICC criteria" in at.table[0].value.to_string()


def test_early_termination_with_reason_and_date(wb):
    subject = screen(wb)
    at = page(subject)
    at.selectbox(key="status__status").select("early_termination")
    at.button(key="status__save").click().run()
    assert any("required" in e for e in errors(at))
    at.date_input(key="status__status_date").set_value(TODAY)
    at.text_input(key="status__reason").input("withdrew consent")
    at.button(key="status__save").click().run()
    read = get_subject(wb, subject.id)
    assert read.status == "early_termination" and read.status_reason == "withdrew consent"
    assert "withdrew consent" in texts(at)


def test_add_unscheduled_and_early_termination_visits(wb):
    subject = screen(wb)
    at = page(subject)
    at.selectbox(key="add_visit_code").select("UNS")
    at.button(key="add_visit").click().run()
    at.selectbox(key="add_visit_code").select("ET")
    at.button(key="add_visit").click().run()
    at.button(key="add_visit").click().run()
    assert any("already exists" in e for e in errors(at))
    codes = [r.visit_code for r in calendar(wb, subject.id)]
    assert "UNS" in codes and codes.count("ET") == 1


def test_monitor_sees_the_subject_read_only(wb):
    subject = screen(wb)
    at = page(subject, "monitor")
    assert not [b for b in at.button if str(b.key or "").endswith("__save")]
    assert at.radio(key="ELIG__IN01").disabled
    assert not [s for s in at.selectbox if s.key == "add_visit_code"]
    labels = {link.label for link in at.get("page_link")}
    assert {"Adverse events", "Medications and steroids", "Medical and SLE history"} <= labels


@pytest.mark.req("REQ-EXP-01")
def test_casebook_tab_builds_the_pdf_for_exporting_roles_only(wb):
    subject = screen(wb)
    at = page(subject)
    at.button(key="casebook_build").click().run()
    assert not at.exception and not errors(at)
    download = next(d for d in at.get("download_button") if "casebook" in d.proto.label)
    assert download.proto.label.endswith("-001-001.pdf")
    assert "Content SHA-256" in texts(at)
    coordinator = page(subject, "coordinator")
    assert not [b for b in coordinator.button if b.key == "casebook_build"]
    assert "cannot export" in texts(coordinator)
