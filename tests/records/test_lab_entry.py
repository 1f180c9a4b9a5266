"""Lab entry as the report prints it (issue #14 item 4): qualifiers, the units the study allows,
collection time, and critical values that are saved only with the investigator's assessment."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from models import AuditEvent
from records.errors import ValidationFailed
from records.labs import load_lab_panel, preview_entry, save_lab_panel
from records.outcomes.snapshot import build_outcomes
from tests.records.conftest import TODAY, counts
from tests.records.test_outcomes_data import Trial

pytestmark = pytest.mark.req("STU-LIMITS")


def save(wb, actor, visit_id, panel, values, **kw):
    return save_lab_panel(
        wb, actor, visit_id=visit_id, panel=panel, values=values, today=TODAY, **kw
    )


def test_a_bound_is_kept_as_printed_with_no_number_and_placed_when_it_can_be(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"CRPHS": "< 0.5", "K": "4.1"})
    crp = read.results["CRPHS"]
    assert (crp.value, crp.value_num, crp.unit, crp.flag) == ("<0.5", None, "mg/L", "N")
    assert read.results["K"].value_num == 4.1  # exact results keep their number


def test_blq_is_placed_through_the_assays_limit(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"CRPHS": "BLQ"})
    assert (read.results["CRPHS"].value, read.results["CRPHS"].flag) == ("BLQ", "N")


def test_a_bound_above_the_range_is_high_and_needs_cs_or_ncs(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", {"CRPHS": ">200"})
    assert err.value.errors == {"CRPHS.clinical_significance": "the value is high: mark CS or NCS"}
    values = {"CRPHS": {"value": ">200", "clinical_significance": "CS"}}
    assert save(wb, actor, subject.visits["SCR"], "CHEM", values).results["CRPHS"].flag == "H"


def test_an_unplaceable_bound_has_no_flag_and_asks_nothing(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"CRPHS": "<5"})
    assert (
        read.results["CRPHS"].flag is None and read.results["CRPHS"].clinical_significance is None
    )


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"CRPHS": "≤3"}, "CRPHS", "<number, >number or BLQ"),
        ({"CRPHS": "<0,5"}, "CRPHS", "<number"),
        ({"K": "<0.5"}, "K", "physiological limits"),  # the bound itself is impossible
        ({"CREAT": {"value": 80, "unit": "mmol/L"}}, "CREAT.unit", "mg/dL or umol/L"),
        ({"CREAT": {"value": 3000, "unit": "umol/L"}}, "CREAT", "8.84–2652 umol/L"),
    ],
)
def test_refused_entries_say_why_and_write_nothing(wb, actor, subject, values, field, words):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert words in err.value.errors[field]
    assert counts(wb) == before


def test_a_second_unit_converts_the_default_range_and_feeds_egfr(wb, actor, subject):
    read = save(
        wb, actor, subject.visits["SCR"], "CHEM", {"CREAT": {"value": 88.4, "unit": "UMOL/L"}}
    )
    creat = read.results["CREAT"]
    assert (creat.unit, creat.value_num, creat.flag) == ("umol/L", 88.4, "N")
    assert creat.ref_low == pytest.approx(44.2) and creat.ref_high == pytest.approx(97.24)
    assert "EGFR" in read.derived
    in_mg = save(
        wb, actor, subject.visits["SCR"], "CHEM", {"CREAT": {"value": "1.0", "unit": "mg/dL"}},
        reason="re-entered in the default unit", expected_version=read.version,
    )  # fmt: skip
    assert in_mg.results["CREAT"].unit == "mg/dL" and in_mg.results["CREAT"].ref_high == 1.1
    assert read.derived["EGFR"] == pytest.approx(in_mg.derived["EGFR"])


def test_a_critical_value_is_saved_only_with_an_assessment(wb, actor, subject):
    before = counts(wb)
    values = {"K": {"value": "6.3", "clinical_significance": "CS"}}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert err.value.errors == {
        "K.critical_assessment": "6.3 mmol/L is a critical value (≥ 6 mmol/L): record your "
        "assessment (who was told, what was done) to save it"
    }
    assert counts(wb) == before
    note = "Haemolysed sample; repeat 5.1 same day; PI informed 10:20"
    values["K"]["critical_assessment"] = note
    read = save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert read.results["K"].critical_assessment == note
    with wb.engine.connect() as conn:
        audited = (
            conn.execute(
                select(AuditEvent.new_value).where(AuditEvent.field == "critical_assessment")
            )
            .scalars()
            .all()
        )
    assert note in audited


def test_a_bound_that_may_be_critical_is_asked_and_an_ordinary_value_drops_the_note(
    wb, actor, subject
):
    with pytest.raises(ValidationFailed) as err:
        save(
            wb,
            actor,
            subject.visits["SCR"],
            "CHEM",
            {"K": {"value": ">5.5", "clinical_significance": "CS"}},
        )
    assert err.value.errors["K.critical_assessment"].startswith(
        ">5.5 mmol/L may be a critical value"
    )
    read = save(
        wb,
        actor,
        subject.visits["SCR"],
        "CHEM",
        {"K": {"value": "4.0", "critical_assessment": "x"}},
    )
    assert read.results["K"].critical_assessment is None


def test_critical_limits_follow_the_unit_entered(wb, actor, dosed):
    values = {"HGB": {"value": "65", "unit": "g/L", "clinical_significance": "CS"}}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, dosed.visits["V1"], "HEM", values)
    assert "(≤ 70 g/L)" in err.value.errors["HGB.critical_assessment"]
    values["HGB"]["value"] = "75"
    assert save(wb, actor, dosed.visits["V1"], "HEM", values).results["HGB"].flag == "L"


def test_collection_time_is_kept_and_checked(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", {"K": "4.1"}, collected_time="25:00")
    assert "collected_time" in err.value.errors
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"K": "4.1"}, collected_time="08:05")
    assert read.collected_time == "08:05"
    assert load_lab_panel(wb, subject.visits["SCR"], "CHEM").collected_time == "08:05"


def test_the_preview_shows_the_flag_and_the_question_while_typing(wb):
    k = next(t for t in wb.study.lab_tests if t.code == "K")
    typed = preview_entry(wb, k, {"value": "6.3", "critical_assessment": "already typed"})
    assert typed.flag == "H" and typed.critical and "critical value" in typed.critical
    assert preview_entry(wb, k, {"value": "4.4"}) == type(typed)("N", None, {})
    assert "K" in preview_entry(wb, k, {"value": "4..4"}).errors


def test_a_bound_in_an_outcome_lab_is_a_listed_issue_not_a_silent_gap(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("030-001")
    trial.dose(sid)
    visit_id = trial.visit(sid, "V3", 29)
    trial.labs(visit_id, "SERO", {"DSDNA": "<10", "C3": 95})
    outcomes = build_outcomes(wb, TODAY)
    row = outcomes.measures[outcomes.measures["visit_id"] == visit_id].iloc[0]
    assert pd.isna(row["dsdna"]) and row["c3"] == 95
    issues = outcomes.lab_issues
    assert issues[["subject_id", "visit_id", "test_code"]].values.tolist() == [
        [sid, visit_id, "DSDNA"]
    ]
    assert issues["issue"].iloc[0].startswith("DSDNA <10 IU/mL at V3 is a bound, not a number")
