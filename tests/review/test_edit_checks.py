"""Automatic queries from the edit checks: raised on save and by a run, closed when fixed."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from records.adverse_events import save_adverse_event
from records.assessments import save_assessment
from records.edit_checks import findings, run_checks
from records.entered_in_error import mark_entered_in_error
from records.labs import save_lab_panel
from records.medications import save_medication
from records.queries import list_queries, transition
from records.visits import calendar, record_visit_date
from tests.records.conftest import TODAY
from tests.review.conftest import COORDINATOR, MONITOR

REPO = Path(__file__).resolve().parents[2]
ASSESSED = "critical value: PI informed, repeat count ordered"


def _version(wb, subject_id: int, visit_id: int) -> int:
    """The visit's version as a page would have read it (corrections need it, #13)."""
    return next(r.version_id for r in calendar(wb, subject_id, TODAY) if r.visit_id == visit_id)


def _auto(wb, check):
    return [q for q in list_queries(wb) if q.origin == "auto" and q.check_code == check]


def test_out_of_window_visit_raises_a_query_on_save_that_closes_when_fixed(wb, actor, dosed):
    v3 = dosed.visits["V3"]
    record_visit_date(wb, actor, v3, date(2025, 3, 1), today=TODAY)
    (q,) = _auto(wb, "VISIT_WINDOW")
    assert q.status == "open" and q.entity == "visit" and q.field == "actual_date"
    assert q.thread[0].user_role == "system" and "outside its window" in q.text
    record_visit_date(wb, actor, v3, date(2025, 3, 1), reason="same", today=TODAY,
                      expected_version=_version(wb, dosed.id, v3))  # fmt: skip
    assert len(_auto(wb, "VISIT_WINDOW")) == 1  # no second query for the same finding
    record_visit_date(wb, actor, v3, date(2025, 2, 23), reason="typo in the year", today=TODAY,
                      expected_version=_version(wb, dosed.id, v3))  # fmt: skip
    (q,) = _auto(wb, "VISIT_WINDOW")
    assert q.status == "closed" and q.thread[-1].action == "auto_close"


def test_missing_response_assessments_found_by_a_run_and_closed_by_the_entry(wb, actor, dosed):
    run = run_checks(wb, raise_only=["RESPONSE_ASSESSMENTS"])
    assert run.raised == 2 and run.closed == 0
    assert {q.form_code for q in _auto(wb, "RESPONSE_ASSESSMENTS")} == {"PGA", "SLEDAI2K"}
    assert run_checks(wb, raise_only=["RESPONSE_ASSESSMENTS"]).raised == 0  # already queried
    save_assessment(
        wb, actor, visit_id=dosed.visits["V1"], form_code="PGA", values={"PGA": "1.3"},
        today=TODAY,
    )  # fmt: skip
    states = {q.form_code: q.status for q in _auto(wb, "RESPONSE_ASSESSMENTS")}
    assert states == {"PGA": "closed", "SLEDAI2K": "open"}


def test_a_query_a_person_answered_is_left_to_the_monitor(wb, actor, dosed):
    run_checks(wb, raise_only=["RESPONSE_ASSESSMENTS"])
    (q,) = [q for q in _auto(wb, "RESPONSE_ASSESSMENTS") if q.form_code == "PGA"]
    transition(wb, COORDINATOR, q.id, "answer", "PGA not done at V1, see note")
    save_assessment(
        wb, actor, visit_id=dosed.visits["V1"], form_code="PGA", values={"PGA": "1.3"},
        today=TODAY,
    )  # fmt: skip
    (q,) = [q for q in _auto(wb, "RESPONSE_ASSESSMENTS") if q.form_code == "PGA"]
    assert q.status == "answered"


def test_screening_is_not_a_response_visit(wb, actor, subject):
    assert not findings(wb, codes=["RESPONSE_ASSESSMENTS"])


def test_forms_still_missing_after_the_window_closed(wb, actor, subject):
    # Screening (consent 2025-02-03, 28-day window) closed long ago; nothing but the date is in.
    missing = {f.form_code for f in findings(wb, codes=["FORM_MISSING"])}
    planned = set(wb.study.visit("SCR").forms) - {"MH", "SLEHX", "PGA", "SLEDAI2K"}
    assert missing == planned
    save_assessment(
        wb, actor, visit_id=subject.visits["SCR"], form_code="ECG",
        values={}, state="not_done", not_done_reason="machine broken", today=TODAY,
    )  # fmt: skip
    assert "ECG" not in {f.form_code for f in findings(wb, codes=["FORM_MISSING"])}


def test_cli_checks_run(wb, db_url, dosed):
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "--db", db_url, "checks", "run"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert " raised, 0 closed" in done.stdout
    assert len(_auto(wb, "RESPONSE_ASSESSMENTS")) == 2
    assert _auto(wb, "FORM_MISSING")


def _neutropenia(wb, actor, subject_id, grade, **edit):
    values = {"term": "Neutropenia", "onset": "2025-03-05", "end": "2025-03-20",
              "severity": "MODERATE" if grade == 2 else "MILD" if grade == 1 else "SEVERE",
              "ctcae_grade": grade, "relationship": "NOT RELATED",
              "action_taken": "NOT APPLICABLE", "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
    return save_adverse_event(wb, actor, subject_id=subject_id, values=values, today=TODAY,
                              **edit)  # fmt: skip


def test_a_ctcae_grade_the_lab_values_contradict_is_queried_until_corrected(wb, actor, dosed):
    """Neutrophils 0.8 ×10⁹/L on day 14 is CTCAE grade 3; an AE "Neutropenia" graded 1 over
    those days is queried on save (naming the value) and the query closes at the correction."""
    v3 = dosed.visits["V3"]
    record_visit_date(wb, actor, v3, date(2025, 3, 6), today=TODAY)
    save_lab_panel(wb, actor, visit_id=v3, panel="HEM", today=TODAY,
                   values={"NEUT": {"value": 0.8, "clinical_significance": "CS"}})  # fmt: skip
    event = _neutropenia(wb, actor, dosed.id, 1)
    (q,) = _auto(wb, "CTCAE_LAB")
    assert (q.status, q.entity, q.record_id, q.field) == ("open", "adverseevent", event.id,
                                                         "ctcae_grade")  # fmt: skip
    assert "graded 1 but the lab values reach grade 3" in q.text
    assert "NEUT 0.8" in q.text and "2025-03-06" in q.text
    _neutropenia(wb, actor, dosed.id, 3, ae_id=event.id, expected_version=event.version,
                 reason="grade per the day-14 count")  # fmt: skip
    (q,) = _auto(wb, "CTCAE_LAB")
    assert q.status == "closed" and q.thread[-1].action == "auto_close"


def test_values_outside_the_event_or_of_other_terms_raise_nothing(wb, actor, dosed):
    v3 = dosed.visits["V3"]
    record_visit_date(wb, actor, v3, date(2025, 3, 25), today=TODAY)  # after the event ended
    save_lab_panel(wb, actor, visit_id=v3, panel="HEM", today=TODAY,
                   values={"NEUT": {"value": 0.3, "clinical_significance": "CS",
                                   "critical_assessment": ASSESSED}})  # fmt: skip
    _neutropenia(wb, actor, dosed.id, 1)
    save_adverse_event(wb, actor, subject_id=dosed.id, today=TODAY, values={
        "term": "Headache", "onset": "2025-03-24", "severity": "MILD", "ctcae_grade": 1,
        "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
        "outcome": "RECOVERED/RESOLVED", "end": "2025-03-26"})  # fmt: skip
    assert findings(wb, codes=["CTCAE_LAB"]) == []


def test_a_finding_a_person_closed_is_not_raised_again_until_it_reads_differently(wb, actor, dosed):
    """The PI confirms grade 1 against the count; later saves of the subject do not raise the
    same query again, but a new worse value (another finding text) does."""
    v3 = dosed.visits["V3"]
    record_visit_date(wb, actor, v3, date(2025, 3, 6), today=TODAY)
    count = {"NEUT": {"value": 0.8, "clinical_significance": "CS"}}
    panel = save_lab_panel(wb, actor, visit_id=v3, panel="HEM", today=TODAY, values=count)
    _neutropenia(wb, actor, dosed.id, 1)
    (q,) = _auto(wb, "CTCAE_LAB")
    transition(wb, COORDINATOR, q.id, "answer", "PI confirms grade 1: repeat count was normal")
    transition(wb, MONITOR, q.id, "close", "Accepted")
    _neutropenia(wb, actor, dosed.id, 1)  # any later save of the subject runs the check again
    assert [x.status for x in _auto(wb, "CTCAE_LAB") if x.record_id == q.record_id] == ["closed"]
    save_lab_panel(wb, actor, visit_id=v3, panel="HEM", today=TODAY, reason="re-read",
                   expected_version=panel.version,
                   values={"NEUT": {"value": 0.4, "clinical_significance": "CS",
                                   "critical_assessment": ASSESSED}})  # fmt: skip
    states = sorted(x.status for x in _auto(wb, "CTCAE_LAB") if x.record_id == q.record_id)
    assert states == ["closed", "open"]


def _prednisone(wb, actor, subject_id, start, stop=None, dose=10, **edit):
    values = {"drug": "Prednisone", "dose": dose, "dose_unit": "mg", "route": "ORAL",
              "frequency": "QD", "start": start, "stop": stop, "corticosteroid": True}  # fmt: skip
    return save_medication(wb, actor, subject_id=subject_id, values=values, today=TODAY, **edit)


def test_a_dose_change_entered_without_ending_the_old_row_is_queried_until_ended(wb, actor, dosed):
    """Two prednisone rows on the same days add up in every outcome: the later row gets a query
    naming both, which closes once the earlier row is given its stop date."""
    old = _prednisone(wb, actor, dosed.id, "2025-03-01")
    assert not _auto(wb, "STEROID_OVERLAP")
    new = _prednisone(wb, actor, dosed.id, "2025-04-01", dose=5)
    (q,) = _auto(wb, "STEROID_OVERLAP")
    assert (q.status, q.entity, q.record_id, q.field) == ("open", "medication", new.id, "start")
    assert f"overlaps medication {old.id}" in q.text and "from 2025-04-01 on" in q.text
    _prednisone(wb, actor, dosed.id, "2025-03-01", "2025-03-31", medication_id=old.id,
                expected_version=old.version, reason="dose changed on 1 April")  # fmt: skip
    (q,) = _auto(wb, "STEROID_OVERLAP")
    assert q.status == "closed" and q.thread[-1].action == "auto_close"


def test_a_split_dose_confirmed_by_a_person_is_not_queried_again(wb, actor, dosed):
    _prednisone(wb, actor, dosed.id, "2025-03-01", "2025-05-31")
    evening = _prednisone(wb, actor, dosed.id, "2025-03-01", "2025-05-31", dose=5)
    (q,) = _auto(wb, "STEROID_OVERLAP")
    transition(wb, COORDINATOR, q.id, "answer", "10 mg mornings and 5 mg evenings")
    transition(wb, MONITOR, q.id, "close", "Split dose confirmed in the source")
    assert run_checks(wb, raise_only=["STEROID_OVERLAP"]).raised == 0
    mark_entered_in_error(
        wb,
        actor,
        entity="medication",
        record_id=evening.id,
        reason="duplicate of the morning row",
        expected_version=evening.version,
    )
    assert not findings(wb, codes=["STEROID_OVERLAP"])
