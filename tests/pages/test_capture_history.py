"""AppTest of the medical and SLE history log."""

from __future__ import annotations

from records.history import list_history, save_history
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import (
    OTHER,
    TODAY,
    errors,
    open_page,
    screen,
    texts,
)

wb = fixtures.wb  # the shared database fixture


def page(subject, role: str = "investigator"):
    return open_page(role, "history.py", subject_id=subject.id)


def test_history_rows_by_category(wb):
    subject = screen(wb)
    at = page(subject)
    at.selectbox(key="MH__category").select("SLE")
    at.text_input(key="MH__term").input("Lupus nephritis class IV")
    at.text_input(key="MH__start").input("2019-05")
    at.button(key="MH__save").click().run()
    [row] = list_history(wb, subject.id)
    assert row.category == "SLE" and row.start == "2019-05"
    assert "Lupus nephritis class IV" in at.dataframe[-1].value.to_string()


def test_start_after_consent_is_refused_and_values_kept(wb):
    subject = screen(wb)
    at = page(subject)
    at.selectbox(key="MH__category").select("GENERAL")
    at.text_input(key="MH__term").input("Asthma")
    at.text_input(key="MH__start").input(TODAY.isoformat())
    at.button(key="MH__save").click().run()
    assert any("adverse event" in e for e in errors(at))
    assert at.text_input(key="MH__term").value == "Asthma"
    assert list_history(wb, subject.id) == []


def test_edit_with_reason_and_conflict(wb):
    subject = screen(wb)
    row = save_history(
        wb,
        OTHER,
        subject_id=subject.id,
        values={"category": "GENERAL", "term": "Asthma", "start": "2001"},
    )
    at = page(subject)
    at.selectbox(key="MH__selected").select(row.id).run()
    at.checkbox(key="MH__ongoing").check()
    at.button(key="MH__save").click().run()
    at.text_input(key="MH__reason").input("still on inhaler")
    at.button(key="MH__confirm").click().run()
    [saved] = list_history(wb, subject.id)
    assert saved.ongoing
    save_history(
        wb,
        OTHER,
        subject_id=subject.id,
        history_id=row.id,
        values={"category": "GENERAL", "term": "Asthma, mild", "start": "2001", "ongoing": True},
        reason="wording",
        expected_version=saved.version,
    )
    at.text_area(key="MH__note").input("well controlled")
    at.button(key="MH__save").click().run()
    at.text_input(key="MH__reason").input("note")
    at.button(key="MH__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "Asthma, mild" in at.table[0].value.to_string()
    assert "Otto Other" in texts(at)
