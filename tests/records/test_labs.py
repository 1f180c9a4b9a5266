"""Lab panels: limits, units, editable ranges, H/L flags with CS/NCS, free list, eGFR, edits."""

from __future__ import annotations

import pytest

from records.errors import ConflictError, ValidationFailed
from records.labs import load_lab_panel, save_lab_panel, sledai_suggestions, visit_labs
from scoring.renal import egfr_ckd_epi_2021
from tests.records.conftest import TODAY, counts

pytestmark = pytest.mark.req("STU-LIMITS")


def save(wb, actor, visit_id, panel, values, **kw):
    return save_lab_panel(
        wb, actor, visit_id=visit_id, panel=panel, values=values, today=TODAY, **kw
    )


def test_panel_saved_with_flags_units_and_default_ranges(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"K": "4.2", "SODIUM": 140})
    k = read.results["K"]
    assert (k.value, k.value_num, k.unit, k.ref_low, k.ref_high, k.flag) == (
        "4.2",
        4.2,
        "mmol/L",
        3.5,
        5.1,
        "N",
    )
    assert k.clinical_significance is None and read.collected_on.isoformat() == "2025-02-04"
    assert read.version == 2  # one row each, version 1 each
    assert load_lab_panel(wb, subject.visits["SCR"], "CHEM").results.keys() == {"K", "SODIUM"}


def test_out_of_range_needs_cs_or_ncs(wb, actor, subject):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", {"K": 5.9})
    assert err.value.errors == {"K.clinical_significance": "the value is high: mark CS or NCS"}
    assert counts(wb) == before
    read = save(
        wb, actor, subject.visits["SCR"], "CHEM",
        {"K": {"value": 5.9, "clinical_significance": "CS"}},
    )  # fmt: skip
    assert (read.results["K"].flag, read.results["K"].clinical_significance) == ("H", "CS")


def test_in_range_value_drops_a_stray_cs(wb, actor, subject):
    values = {"K": {"value": 4.0, "clinical_significance": "CS"}}
    read = save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert read.results["K"].clinical_significance is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"K": 11}, "K"),  # physiological limit
        ({"K": -1}, "K"),
        ({"K": "4,2"}, "K"),
        ({"K": float("nan")}, "K"),
        ({"K": {"value": 4, "unit": "mg/dL"}}, "K.unit"),
        ({"K": {"value": 4, "ref_low": 6, "ref_high": 5}}, "K.ref_low"),
        ({"K": {"value": 4, "ref_high": "high"}}, "K.ref_high"),
        ({"K": {"value": 6, "clinical_significance": "MAYBE"}}, "K.clinical_significance"),
        ({"K": {"value": 4, "colour": "red"}}, "K.colour"),
        ({"K": {"value": 4, "not_done": True}}, "K"),
        ({"WBC": 5}, "WBC"),  # another panel's test
        ({"IL99": {"value": 1, "unit": "pg/mL"}}, "IL99"),  # free list only on CYTO
    ],
)
def test_each_invalid_entry_named_and_nothing_written(wb, actor, subject, values, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert field in err.value.errors
    assert counts(wb) == before


def test_choice_results_from_codelist(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "INF", {"HIV": "maybe"})
    assert "HIV" in err.value.errors
    read = save(wb, actor, subject.visits["SCR"], "INF", {"HIV": "negative", "TBIGRA": "POSITIVE"})
    assert read.results["HIV"].value == "NEGATIVE" and read.results["HIV"].flag is None


def test_editable_reference_range_changes_the_flag(wb, actor, subject):
    values = {"CREAT": {"value": 1.2, "ref_low": 0.6, "ref_high": 1.3}}
    read = save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert read.results["CREAT"].flag == "N" and read.results["CREAT"].ref_high == 1.3


def test_not_done_test(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "CHEM", {"MG": {"not_done": True}})
    assert read.results["MG"].not_done and read.results["MG"].value is None


def test_empty_panel_refused(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "CHEM", {"K": ""})
    assert "values" in err.value.errors


def test_panel_must_be_collected_at_visit_and_exist(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V2"], "INF", {"HIV": "NEGATIVE"})
    assert "panel" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "'; DROP TABLE subject;--", {})
    assert "panel" in err.value.errors


def test_collection_date_checked(wb, actor, subject):
    for value in ("2025-01-01", "2099-01-01", "tomorrow"):
        with pytest.raises(ValidationFailed) as err:
            save(wb, actor, subject.visits["SCR"], "CHEM", {"K": 4}, collected_on=value)
        assert "collected_on" in err.value.errors


def test_egfr_derived_from_creatinine_age_and_sex(wb, actor, subject):
    values = {"CREAT": {"value": 1.4, "clinical_significance": "NCS"}}
    read = save(wb, actor, subject.visits["SCR"], "CHEM", values)
    assert read.derived["EGFR"] == pytest.approx(egfr_ckd_epi_2021(1.4, "mg/dL", 44, "F"))
    assert "CKD-EPI 2021" in read.reasons[0]


def test_cytokine_free_list_with_units(wb, actor, subject):
    visit = subject.visits["V1"]
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "CYTO", {"IL10": 4.2, "il-17": {"value": 1, "unit": "pg/mL"}})
    assert err.value.errors.keys() == {"IL10.unit", "il-17"}
    read = save(wb, actor, visit, "CYTO", {"IL6": 12, "IL10": {"value": 4.2, "unit": "pg/mL"}})
    assert read.results["IL10"].unit == "pg/mL" and read.results["IL6"].unit == "pg/mL"
    assert read.results["IL6"].flag is None  # no reference range defined


def test_edit_needs_reason_then_version_conflict(wb, actor, subject):
    visit = subject.visits["SCR"]
    first = save(wb, actor, visit, "CHEM", {"K": 4.0})
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "CHEM", {"K": 4.4}, expected_version=first.version)
    assert "reason" in err.value.errors
    save(wb, actor, visit, "CHEM", {"K": 4.4}, expected_version=first.version, reason="re-run")
    with pytest.raises(ConflictError) as conflict:
        save(wb, actor, visit, "CHEM", {"K": 4.8}, expected_version=first.version, reason="x")
    assert conflict.value.current["results"]["K"]["value"] == "4.4"


def test_adding_a_result_to_a_saved_panel_needs_no_reason(wb, actor, subject):
    visit = subject.visits["SCR"]
    first = save(wb, actor, visit, "CHEM", {"K": 4.0})
    second = save(wb, actor, visit, "CHEM", {"K": 4.0, "SODIUM": 139}, expected_version=1)
    assert second.version > first.version and "SODIUM" in second.results


def test_clearing_a_result_keeps_its_row_and_needs_a_reason(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "CHEM", {"K": 4.0, "SODIUM": 139})
    read = save(wb, actor, visit, "CHEM", {"K": 4.0}, expected_version=2, reason="wrong tube")
    assert read.results["SODIUM"].value is None


def test_sledai_suggestions_and_visit_labs(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "SERO", {"C3": {"value": 70, "clinical_significance": "CS"}})
    save(wb, actor, visit, "UA", {"UCAST": "RBC"})
    found = {s.descriptor for s in sledai_suggestions(wb, visit)}
    assert found == {"low_complement", "urinary_casts"}
    assert set(visit_labs(wb, visit)) == {"SERO", "UA"}
