"""SDTM rules on the built datasets: --DY (no day 0), partial dates, EPOCH, baseline flags,
domains and keys; and the conformance checks catch each kind of breach."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from records.labs import save_lab_panel
from records.standards import conformance, timing
from records.standards.model import Variable, build
from records.standards.package import read_submission
from records.standards.terms import Codelist, item_test_code
from records.visits import add_visit, record_visit_date
from scoring.dates import date_of_study_day
from tests.records.test_outcomes_data import DAY1, TODAY, Trial
from tests.standards.conftest import EXPORTER

DOMAINS = ("DM", "DS", "SV", "SE", "EX", "SUPPEX", "CM", "AE", "SUPPAE", "MH", "LB", "VS",
           "EG", "PE", "QS", "RS", "TS", "TA", "TE", "TV", "TI")  # fmt: skip


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2025-03-04", 1), ("2025-03-05", 2), ("2025-03-03", -1), ("2025-08-18", 168),
     ("2025-03-04T23:59", 1), ("2025-03", None), ("2025", None), (None, None)],
)  # fmt: skip
def test_study_day_follows_sdtmig_with_no_day_0(day, expected):
    assert timing.study_day(day, "2025-03-04T09:30") == expected


def test_epochs_and_iso_dates():
    assert timing.epoch("2025-03-03", "2025-03-04") == "SCREENING"
    assert timing.epoch("2025-03-04T10:00", "2025-03-04T09:30") == "TREATMENT"
    assert timing.epoch("2025-03-05", "2025-03-04") == "FOLLOW-UP"
    assert timing.dtc(date(2025, 3, 4)) == "2025-03-04"
    assert timing.dtc(pd.Timestamp("2025-03-04 09:30:00")) == "2025-03-04T09:30"
    assert timing.dtc("2019-06") == "2019-06"


def test_all_domains_are_present_in_order(submission):
    assert tuple(d.name for d in submission.sdtm) == DOMAINS
    assert tuple(d.name for d in submission.adam) == ("ADSL", "ADRESP")


def test_our_checks_pass_except_the_race_gap(submission):
    """RACE is not on this study's CRF: ADSL.RACE (Req in ADaMIG) is reported, never invented."""
    assert [str(f) for f in submission.findings] == ["ADSL.RACE [required] 4 record(s) blank"]


def test_every_study_day_agrees_with_dm_rfstdtc_and_none_is_zero(submission):
    dm = submission.dataset("DM").frame.set_index("USUBJID")["RFSTDTC"]
    checked = 0
    for d in submission.sdtm:
        for day_var, dtc_var in conformance._day_pairs(d):
            for u, dtc, day in zip(d.frame["USUBJID"], d.frame[dtc_var], d.frame[day_var],
                                   strict=True):  # fmt: skip
                expected = timing.study_day(dtc, dm.get(u))
                assert (None if pd.isna(day) else int(day)) == expected
                assert day != 0
                checked += 1
    assert checked > 3000


def test_partial_history_dates_are_kept_and_get_no_study_day(submission):
    mh = submission.dataset("MH").frame
    partial = mh[mh["MHSTDTC"].str.len() < 10]
    assert not partial.empty
    assert set(partial["MHSTDTC"].str.len()) <= {4, 7}


def test_dm_reference_dates_and_arms(submission):
    dm = submission.dataset("DM").frame.set_index("SUBJID")
    ex = submission.dataset("EX").frame
    assert sorted(ex["EXSTDTC"]) == sorted(dm["RFSTDTC"].dropna())
    failure = dm[dm["ARMCD"] == "SCRNFAIL"]
    assert len(failure) == 1 and failure["RFSTDTC"].isna().all()
    assert set(dm["ACTARMCD"]) == {"UCMSC", "SCRNFAIL"}


def test_baseline_flags_are_pre_dose_and_one_per_test(submission):
    vs = submission.dataset("VS").frame
    base = vs[vs["VSBLFL"] == "Y"]
    assert base.duplicated(["USUBJID", "VSTESTCD"]).sum() == 0
    assert (base["VSDY"] <= 1).all() and not (base["VSTPT"] == "POST-DOSE").any()
    lb = submission.dataset("LB").frame
    assert (lb[lb["LBBLFL"] == "Y"]["LBDY"] <= 1).all()


def test_suppae_carries_the_treatment_emergent_flag(submission):
    ae, supp = submission.dataset("AE").frame, submission.dataset("SUPPAE").frame
    assert len(supp) == len(ae)
    assert set(supp["QNAM"]) == {"AETRTEM"} and set(supp["IDVAR"]) == {"AESEQ"}
    assert set(supp["QVAL"]) <= {"Y", "N"}


def test_instrument_codes_fit_in_8_characters_and_totals_are_flagged(submission):
    rs, qs = submission.dataset("RS").frame, submission.dataset("QS").frame
    assert {"SLEDAI01", "S2KTOT", "PGA", "BILAGREN"} <= set(rs["RSTESTCD"])
    assert set(rs.loc[rs["RSTESTCD"] == "S2KTOT", "RSDRVFL"]) == {"Y"}
    assert rs["RSTEST"].str.len().max() <= 40 and qs["QSTESTCD"].str.len().max() <= 8
    assert set(qs["QSEVLINT"]) == {"-P7D", "-P4W"}
    assert item_test_code("T_PHYSICAL_FUNCTION", None, "PROMIS29") == "TPF"
    assert item_test_code("RAND_ROLE_PHYSICAL", None, "RAND36") != item_test_code(
        "RAND_ROLE_EMOTIONAL", None, "RAND36"
    )


VARS = (
    Variable("USUBJID", "Subject", core="Req"),
    Variable("XXTESTCD", "Code", codelist="CL"),
    Variable("XXDTC", "Date", "datetime"),
    Variable("XXDY", "Day", "integer"),
)


def _broken(rows):
    return build(("XX", "Test", "FINDINGS", "s"), ("USUBJID", "XXTESTCD"), VARS, rows)


def test_the_checks_catch_each_breach():
    rows = [
        {"USUBJID": "S1", "XXTESTCD": "A", "XXDTC": "2025-03-04", "XXDY": 1},
        {"USUBJID": "S1", "XXTESTCD": "A", "XXDTC": "2025-03-03", "XXDY": 0},
        {"USUBJID": None, "XXTESTCD": "NINECHARS", "XXDTC": "2025-03-05", "XXDY": 2},
    ]
    dm = build(("DM", "Demographics", "SPECIAL PURPOSE", "s"), ("USUBJID",),
               (Variable("USUBJID", "S"), Variable("RFSTDTC", "R", "datetime")),
               [{"USUBJID": "S1", "RFSTDTC": "2025-03-04T09:00"}])  # fmt: skip
    lists = {"CL": Codelist("CL", None, (("A", "a"),))}
    rules = {f.rule for f in conformance.check([dm, _broken(rows)], lists)}
    assert rules == {"required", "test-length", "controlled-terms", "key-unique", "study-day"}
    clean = [{"USUBJID": "S1", "XXTESTCD": "A", "XXDTC": "2025-03-03", "XXDY": -1}]
    assert conformance.check([dm, _broken(clean)], lists) == []


def test_repeated_unscheduled_visits_keep_their_own_visitnum(wb, actor):
    """A second unscheduled visit is 99.1 in the findings domains as in SV, never 99 twice
    (which would merge two visits' results under one key)."""
    trial = Trial(wb, actor)
    subject_id = trial.subject("020-001")
    trial.dose(subject_id)
    for day, creatinine in ((20, 0.8), (40, 1.1)):
        visit_id = add_visit(wb, actor, subject_id, "UNS")
        record_visit_date(wb, actor, visit_id, date_of_study_day(day, DAY1), today=TODAY)
        trial.labs(visit_id, "CHEM", {"CREAT": creatinine})
    package = read_submission(wb, EXPORTER, TODAY)
    sv = package.dataset("SV").frame
    assert sorted(sv.loc[sv["VISIT"] == "Unscheduled", "VISITNUM"]) == [99.0, 99.1]
    lb = package.dataset("LB").frame
    unscheduled = lb[(lb["VISIT"] == "Unscheduled") & (lb["LBTESTCD"] == "CREAT")]
    assert dict(zip(unscheduled["VISITNUM"], unscheduled["LBORRES"], strict=True)) == {
        99.0: "0.8", 99.1: "1.1"}  # fmt: skip
    keys = lb[["USUBJID", "LBTESTCD", "VISITNUM"]]
    assert not keys.duplicated().any()


def test_results_as_printed_keep_their_bound_and_the_collection_time(wb, actor):
    """LBORRES is the result as printed; a bound has no LBSTRESN and its LBSTRESC is the bound
    in the standard unit; BLQ becomes <LLOQ; LBDTC carries the collection time (#14 item 4)."""
    trial = Trial(wb, actor)
    subject_id = trial.subject("020-001")
    trial.dose(subject_id)
    visit_id = add_visit(wb, actor, subject_id, "UNS")
    record_visit_date(wb, actor, visit_id, date_of_study_day(20, DAY1), today=TODAY)
    values = {"CREAT": {"value": "<0.5", "clinical_significance": "NCS"}, "CRPHS": "BLQ",
              "K": "4.4"}  # fmt: skip
    save_lab_panel(wb, actor, visit_id=visit_id, panel="CHEM", values=values,
                   collected_time="07:45", today=TODAY)  # fmt: skip
    lb = read_submission(wb, EXPORTER, TODAY).dataset("LB").frame
    rows = lb[lb["VISIT"] == "Unscheduled"].set_index("LBTESTCD")
    day = date_of_study_day(20, DAY1).isoformat()
    assert rows.loc["CREAT", ["LBORRES", "LBORRESU", "LBSTRESC", "LBSTRESU"]].tolist() == [
        "<0.5", "mg/dL", "<44.2", "umol/L"]  # fmt: skip
    assert pd.isna(rows.loc["CREAT", "LBSTRESN"]) and rows.loc["CREAT", "LBNRIND"] == "LOW"
    assert rows.loc["CRPHS", ["LBORRES", "LBSTRESC"]].tolist() == ["BLQ", "<0.2"]
    assert rows.loc["K", ["LBSTRESC", "LBSTRESN"]].tolist() == ["4.4", 4.4]
    assert set(rows["LBDTC"]) == {f"{day}T07:45"}
