"""AppTest of the medication log: steroid rows with prednisone equivalents, the curve, edits."""

from __future__ import annotations

from datetime import date, timedelta

from charts.steroid_curve import steroid_curve, steroid_frame
from records.medications import list_medications, save_medication
from scoring import steroids
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import (
    CONSENT,
    OTHER,
    errors,
    open_page,
    screen,
    texts,
)

wb = fixtures.wb  # the shared database fixture

START = (CONSENT + timedelta(days=2)).isoformat()
PREDNISONE = {
    "drug": "prednisone",
    "dose": "10",
    "dose_unit": "mg",
    "route": "ORAL",
    "frequency": "QD",
    "start": START,
    "corticosteroid": True,
}


def fill(at, values: dict) -> None:
    for name, value in values.items():
        if isinstance(value, bool):
            at.checkbox(key=f"CM__{name}").set_value(value)
        elif name in ("route", "frequency"):
            at.selectbox(key=f"CM__{name}").select(value)
        else:
            at.text_input(key=f"CM__{name}").input(value)


def page(subject, role: str = "investigator"):
    return open_page(role, "medications.py", subject_id=subject.id)


def test_steroid_row_gives_prednisone_equivalent_and_curve(wb):
    subject = screen(wb)
    at = page(subject)
    assert "No systemic corticosteroid" in texts(at)
    fill(at, PREDNISONE | {"drug": "methylprednisolone", "dose": "8"})
    at.button(key="CM__save").click().run()
    [row] = list_medications(wb, subject.id)
    assert row.prednisone_equivalent_mg_per_day == 10
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert "Today 10 mg/day" in texts(at)


def test_iv_pulse_is_listed(wb):
    subject = screen(wb)
    at = page(subject)
    pulse = {
        "drug": "methylprednisolone",
        "dose": "500",
        "dose_unit": "mg",
        "route": "INTRAVENOUS",
        "frequency": "ONCE",
        "start": START,
        "corticosteroid": True,
        "pulse": True,
    }
    fill(at, pulse)
    at.button(key="CM__save").click().run()
    assert "IV pulses" in texts(at)
    assert "1 pulse day" in texts(at)


def test_invalid_steroid_keeps_values_and_names_fields(wb):
    subject = screen(wb)
    at = page(subject)
    fill(at, PREDNISONE | {"drug": "aspirin", "dose_unit": "g"})
    at.button(key="CM__save").click().run()
    found = errors(at)
    assert any("prednisone equivalence" in e for e in found)
    assert any("must be mg" in e for e in found)
    assert at.text_input(key="CM__drug").value == "aspirin"
    assert list_medications(wb, subject.id) == []


def test_edit_needs_reason_and_stale_edit_conflicts(wb):
    subject = screen(wb)
    row = save_medication(wb, OTHER, subject_id=subject.id, values=PREDNISONE)
    at = page(subject)
    at.selectbox(key="CM__selected").select(row.id).run()
    at.text_input(key="CM__dose").input("5")
    at.button(key="CM__save").click().run()
    assert "5" in at.table[0].value.to_string()
    at.text_input(key="CM__reason").input("taper")
    at.button(key="CM__confirm").click().run()
    [saved] = list_medications(wb, subject.id)
    assert saved.dose == 5
    save_medication(
        wb,
        OTHER,
        subject_id=subject.id,
        values=PREDNISONE | {"dose": "20"},
        medication_id=row.id,
        reason="flare",
        expected_version=saved.version,
    )
    at.text_input(key="CM__indication").input("SLE")
    at.button(key="CM__save").click().run()
    at.text_input(key="CM__reason").input("indication")
    at.button(key="CM__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "20" in at.table[0].value.to_string()


def test_data_manager_reads_only(wb):
    subject = screen(wb)
    save_medication(wb, OTHER, subject_id=subject.id, values=PREDNISONE)
    at = page(subject, "data_manager")
    assert "Read-only" in texts(at) and not [b for b in at.button if b.key == "CM__save"]


def test_curve_builder_is_a_step_line_with_pulse_marks():
    day = date(2025, 1, 1)
    regimens = [
        steroids.Regimen("prednisone", 10, "QD", "ORAL", day, day + timedelta(days=9)),
        steroids.Regimen(
            "methylprednisolone",
            500,
            "ONCE",
            "INTRAVENOUS",
            day + timedelta(days=3),
            None,
            is_pulse=True,
        ),
    ]
    frame = steroid_frame(steroids.daily_series(regimens, day, day + timedelta(days=14)))
    spec = steroid_curve(frame, [(7.5, "LLDAS")], day).to_dict()
    marks = [layer["mark"] for layer in spec["layer"]]
    assert marks[0] == {"type": "line", "interpolate": "step-after"}
    assert marks[1]["shape"] == "triangle-up" and len(spec["layer"]) == 4
    assert frame["pulse_mg"].gt(0).sum() == 1


def test_unticked_prednisone_is_recognised_on_the_page(wb):
    """Issue #10 defect 2: the drug, not only the tick, makes a corticosteroid."""
    subject = screen(wb)
    at = page(subject)
    unticked = {k: v for k, v in PREDNISONE.items() if k != "corticosteroid"}
    fill(at, unticked | {"drug": "Prednisone 20 mg oral", "dose": "20"})
    at.button(key="CM__save").click().run()
    [row] = list_medications(wb, subject.id)
    assert row.corticosteroid and row.prednisone_equivalent_mg_per_day == 20
    assert "Today 20 mg/day" in texts(at)


def test_a_row_no_outcome_can_count_is_a_warning_on_the_page(wb):
    """A legacy row without a frequency (written before validation required one, so inserted
    here with SQL) is shown as a data issue, never skipped silently (issue #10)."""
    from sqlalchemy import insert

    from models import Medication

    subject = screen(wb)
    with wb.engine.begin() as conn:
        conn.execute(insert(Medication).values(
            subject_id=subject.id, drug="prednisolone", dose=10.0, dose_unit="mg", route="ORAL",
            start=START, ongoing=True, corticosteroid=True, pulse=False, version_id=1,
        ))  # fmt: skip
    at = page(subject)
    warnings = [w.value for w in at.warning]
    assert any("Not counted in any steroid outcome" in w and "frequency missing" in w
               for w in warnings)  # fmt: skip


def test_a_duplicate_row_is_marked_entered_in_error_struck_through_and_restored(wb):
    subject = screen(wb)
    for _ in range(2):
        save_medication(wb, fixtures.USERS["investigator"], subject_id=subject.id,
                        values=PREDNISONE)  # fmt: skip
    twin = list_medications(wb, subject.id)[-1]
    at = page(subject)
    assert "Today 20 mg/day" in texts(at)  # the duplicate doubles the dose
    at.selectbox(key="CM__selected").select(twin.id).run()
    name = f"CM__error_{twin.id}"
    at.button(key=f"{name}__apply").click().run()
    assert "Not saved" in errors(at)[-1] and "reason" in errors(at)[-1]
    at.text_input(key=f"{name}__reason").input("entered twice")
    at.button(key=f"{name}__apply").click().run()
    assert "Medication marked entered in error." in texts(at)
    assert "Today 10 mg/day" in texts(at)  # counted once again
    assert "Entered in error: entered twice" in errors(at)
    table = next(d.value for d in at.dataframe if len(d.value) == 2)  # all medications
    in_error = table[table["Entered in error"] == "entered twice"]
    assert (
        len(in_error) == 1
        and in_error["Drug"].iloc[0]
        == "p\u0336r\u0336e\u0336d\u0336n\u0336i\u0336s\u0336o\u0336n\u0336e\u0336"
    )
    assert at.text_input(key="CM__dose").disabled  # read-only while in error
    assert not any(b.key == "CM__save" for b in at.button)
    at.text_input(key=f"{name}__reason").input("not a duplicate: two different prescriptions")
    at.button(key=f"{name}__apply").click().run()
    assert "Medication restored." in texts(at) and "Today 20 mg/day" in texts(at)
    assert list_medications(wb, subject.id)[-1].error_reason is None
    assert not at.text_input(key="CM__dose").disabled


def test_a_reader_sees_the_mark_but_cannot_set_it(wb):
    subject = screen(wb)
    save_medication(wb, fixtures.USERS["investigator"], subject_id=subject.id, values=PREDNISONE)
    [row] = list_medications(wb, subject.id)
    at = page(subject, "data_manager")
    at.selectbox(key="CM__selected").select(row.id).run()
    assert not any(b.key == f"CM__error_{row.id}__apply" for b in at.button)


def test_a_taper_is_shown_as_rows_then_saved_together(wb):
    subject = screen(wb)
    at = page(subject)
    at.text_input(key="TAPER__start_mg").input("20")
    at.text_input(key="TAPER__step_mg").input("0")
    at.button(key="FormSubmitter:TAPER__form-Show the rows").click().run()
    assert any("route" in e or "required" in e for e in errors(at))  # under the fields
    assert at.text_input(key="TAPER__start_mg").value == "20"  # values kept
    first = CONSENT + timedelta(days=2)
    at.selectbox(key="TAPER__route").select("ORAL")
    at.date_input(key="TAPER__start").set_value(first)
    at.text_input(key="TAPER__step_mg").input("5")
    at.text_input(key="TAPER__every_days").input("7")
    at.text_input(key="TAPER__until_mg").input("10")
    at.button(key="FormSubmitter:TAPER__form-Show the rows").click().run()
    assert list_medications(wb, subject.id) == []  # shown, not saved
    shown = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert shown["Dose (mg)"].tolist() == [20, 15, 10]
    at.button(key="TAPER__save").click().run()
    assert "Taper saved: 3 rows." in texts(at)
    rows = list_medications(wb, subject.id)
    assert [(r.dose, r.start, r.ongoing) for r in rows] == [
        (20, first.isoformat(), False),
        (15, (first + timedelta(days=7)).isoformat(), False),
        (10, (first + timedelta(days=14)).isoformat(), True),
    ]
    assert "Today 10 mg/day" in texts(at)
