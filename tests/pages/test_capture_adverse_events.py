"""AppTest of the adverse-event log: entry, refusal that keeps input, SAE clock, edit, conflict."""

from __future__ import annotations

from datetime import timedelta

from records.adverse_events import list_adverse_events, save_adverse_event
from records.entered_in_error import mark_entered_in_error
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import (
    DOSE_DAY,
    OTHER,
    TODAY,
    dose,
    errors,
    open_page,
    screen,
    texts,
)

wb = fixtures.wb  # the shared database fixture

ONSET = (DOSE_DAY + timedelta(days=3)).isoformat()
VALID = {
    "term": "Headache",
    "onset": ONSET,
    "severity": "MILD",
    "relationship": "POSSIBLY RELATED",
    "action_taken": "NOT APPLICABLE",
    "outcome": "RECOVERING/RESOLVING",
}


def fill(at, values: dict) -> None:
    for name, value in values.items():
        if name in ("term", "onset", "end", "treatment_note", "pt", "soc"):
            at.text_input(key=f"AE__{name}").input(value)
        elif isinstance(value, bool):
            at.checkbox(key=f"AE__{name}").set_value(value)
        elif name == "awareness_date":
            at.date_input(key=f"AE__{name}").set_value(value)
        else:
            at.selectbox(key=f"AE__{name}").select(value)


def page(subject, role: str = "investigator"):
    return open_page(role, "adverse_events.py", subject_id=subject.id)


def test_new_ae_is_saved_with_derived_teae(wb):
    subject = screen(wb)
    dose(wb, subject)
    at = page(subject)
    fill(at, VALID | {"ctcae_grade": 1})
    at.button(key="AE__save").click().run()
    [ae] = list_adverse_events(wb, subject.id)
    assert ae.values["term"] == "Headache" and ae.teae
    table = at.dataframe[0].value
    assert table.loc[0, "TEAE"] == "yes"
    assert at.text_input(key="AE__term").value == "", "the form is ready for the next event"


def test_invalid_ae_keeps_every_value_and_names_the_field(wb):
    subject = screen(wb)
    at = page(subject)
    fill(at, VALID | {"end": (DOSE_DAY - timedelta(days=150)).isoformat(), "ctcae_grade": 3})
    at.button(key="AE__save").click().run()
    found = errors(at)
    assert any("before the onset" in e for e in found)
    assert any("grade 3 is SEVERE" in e for e in found)
    assert at.text_input(key="AE__term").value == "Headache"
    assert at.selectbox(key="AE__relationship").value == "POSSIBLY RELATED"
    assert list_adverse_events(wb, subject.id) == []


def test_serious_event_shows_the_24_hour_clock(wb):
    subject = screen(wb)
    dose(wb, subject)
    at = page(subject)
    fill(at, VALID | {"sae_hospitalisation": True, "severity": "SEVERE", "ctcae_grade": 3})
    at.button(key="AE__save").click().run()
    assert any("awareness" in e.lower() or "required" in e for e in errors(at))
    fill(at, {"awareness_date": TODAY})
    at.button(key="AE__save").click().run()
    [ae] = list_adverse_events(wb, subject.id)
    at.selectbox(key="AE__selected").select(ae.id).run()
    assert "Serious adverse event" in texts(at)
    assert "SAE report due" in texts(at) and "h left" in texts(at)


def test_edit_asks_a_reason_and_a_stale_edit_conflicts(wb):
    subject = screen(wb)
    dose(wb, subject)
    ae = save_adverse_event(wb, OTHER, subject_id=subject.id, values=VALID)
    at = page(subject)
    at.selectbox(key="AE__selected").select(ae.id).run()
    at.selectbox(key="AE__severity").select("MODERATE")
    at.button(key="AE__save").click().run()
    assert "MODERATE" in at.table[0].value.to_string()
    at.text_input(key="AE__reason").input("PI reassessed")
    at.button(key="AE__confirm").click().run()
    [saved] = list_adverse_events(wb, subject.id)
    assert saved.values["severity"] == "MODERATE"
    save_adverse_event(
        wb,
        OTHER,
        subject_id=subject.id,
        values=VALID | {"severity": "SEVERE"},
        ae_id=ae.id,
        reason="per source",
        expected_version=saved.version,
    )
    at.text_input(key="AE__treatment_note").input("paracetamol")
    at.checkbox(key="AE__treatment_given").check()
    at.button(key="AE__save").click().run()
    at.text_input(key="AE__reason").input("treatment added")
    at.button(key="AE__confirm").click().run()
    assert any("someone else" in e for e in errors(at))
    assert "SEVERE" in at.table[0].value.to_string() and "Otto Other" in texts(at)


def test_monitor_reads_the_log_only(wb):
    subject = screen(wb)
    ae = save_adverse_event(wb, OTHER, subject_id=subject.id, values=VALID)
    at = page(subject, "monitor")
    assert "Read-only" in texts(at)
    at.selectbox(key="AE__selected").select(ae.id).run()
    assert at.text_input(key="AE__term").disabled
    assert not [b for b in at.button if b.key == "AE__save"]
    at.toggle(key="AE__audit").set_value(True).run()
    assert "Headache" in at.dataframe[-1].value.to_string()


def test_an_event_entered_in_error_is_struck_through_read_only_and_counts_nowhere(wb):
    subject = screen(wb)
    dose(wb, subject)
    serious = {**VALID, "term": "Pneumonia", "sae_hospitalisation": True,
               "awareness_date": TODAY}  # fmt: skip
    ae = save_adverse_event(wb, OTHER, subject_id=subject.id, values=serious)
    why = "belongs to subject 001-009"
    mark_entered_in_error(wb, OTHER, entity="adverseevent", record_id=ae.id, reason=why,
                          expected_version=ae.version)  # fmt: skip
    at = page(subject)
    table = at.dataframe[0].value
    assert table["Term"].iloc[0] == "".join(f"{c}\u0336" for c in "Pneumonia")
    assert table["Entered in error"].iloc[0] == "belongs to subject 001-009"
    assert table["SAE report due"].iloc[0] == ""  # no clock for an event in error
    at.selectbox(key="AE__selected").select(ae.id).run()
    assert (
        "Entered in error: AE 1: Pneumonia" in at.selectbox(key="AE__selected").format_func(ae.id)
        or at.selectbox(key="AE__selected").value == ae.id
    )
    assert "Entered in error: belongs to subject 001-009" in errors(at)
    assert not any("Serious adverse event" in e for e in errors(at))
    assert at.text_input(key="AE__term").disabled


def test_a_coordinator_is_told_only_the_investigator_withdraws_a_serious_event(wb):
    subject = screen(wb)
    dose(wb, subject)
    serious = VALID | {"sae_hospitalisation": "yes", "awareness_date": TODAY.isoformat(),
                       "severity": "SEVERE", "ctcae_grade": 3}  # fmt: skip
    save_adverse_event(wb, fixtures.USERS["investigator"], subject_id=subject.id, values=serious)
    [event] = list_adverse_events(wb, subject.id)
    at = page(subject, "coordinator")
    at.selectbox(key="AE__selected").select(event.id).run()
    assert "Only the investigator may mark a serious adverse event entered in error" in texts(at)
    assert not any(b.key == f"AE__error_{event.id}__apply" for b in at.button)
    at = page(subject, "investigator")
    at.selectbox(key="AE__selected").select(event.id).run()
    assert any(b.key == f"AE__error_{event.id}__apply" for b in at.button)
