"""Issue #10 defects 1–2: every corticosteroid row counts in every outcome, or says why not.

Real SQLite file per test; the outcome cells are read through the response listing (16.2.6.4)
and the corticosteroid listing (16.2.9.1) as an export reads them.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert

from models import Medication
from records.errors import ValidationFailed
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.medications import list_medications, save_medication, steroid_series
from records.outcomes.snapshot import build_outcomes
from tests.records.test_outcomes_data import DAY1, TODAY, Trial


def _listing(wb: Any, number: str) -> Any:
    sheets = read_snapshot(wb.engine, wb.study, Scope()).sheets
    return next(s.frame for s in sheets if s.number == number)


def _response_rows(wb: Any, subject: str, visit: str, index: str) -> Any:
    frame = _listing(wb, "16.2.6.4")
    rows = frame[(frame["subject"] == subject) & (frame["visit_code"] == visit)]
    return rows[rows["index"] == index].iloc[0]


@pytest.fixture
def doris_subject(wb: Any, actor: Any) -> tuple[Trial, int]:
    """Dosed subject in clinical remission at V7 (day 56): clinical SLEDAI 0, PGA 0.20."""
    trial = Trial(wb, actor)
    sid = trial.subject("010-001")
    trial.dose(sid)
    trial.activity(trial.visit_id(sid, "V1"), present=("arthritis", "rash"), grades="CBCCCCCCC")
    trial.activity(trial.visit(sid, "V7", 56), pga="0.20", grades="DDDDDDDDD")
    return trial, sid


def test_an_ongoing_regimen_counts_in_the_response_listing_and_doris(wb, doris_subject):
    """Defect 1: 7.5 mg ongoing since before day 1 read as 0 mg ("DORIS remission with 0.0")."""
    trial, sid = doris_subject
    trial.steroid(sid, 10, "2025-01", stop="2025-02-28")  # a stopped step beside it: the
    trial.steroid(sid, 7.5, "2025-03-01")  # frame's stop column then holds NaN, not None
    row = _response_rows(wb, "010-001", "V7", "DORIS")
    assert row["prednisone_mg"] == 7.5
    assert row["result"] == "N" and "prednisone 7.5 mg/day > 5" in row["reasons"]
    assert "prednisone: failed" in row["components"]
    lldas = _response_rows(wb, "010-001", "V7", "LLDAS")
    assert "prednisone 7.5 mg/day ≤ 7.5" in lldas["reasons"]
    o = build_outcomes(wb, TODAY)
    v7 = o.measures[(o.measures["subject_id"] == sid) & (o.measures["visit_code"] == "V7")]
    assert v7["prednisone_mg"].iloc[0] == 7.5


def test_a_corticosteroid_is_recognised_from_the_drug_without_the_tick(wb, actor, doris_subject):
    """Defect 2: "Prednisone 20 mg oral" saved unticked was invisible to every steroid outcome."""
    _, sid = doris_subject
    values = {"drug": "Prednisone 20 mg oral", "dose": 20, "dose_unit": "mg", "route": "ORAL",
              "frequency": "QD", "start": "2025-04-20", "stop": "2025-04-30"}  # fmt: skip
    saved = save_medication(wb, actor, subject_id=sid, values=values, today=TODAY)
    assert saved.corticosteroid and saved.prednisone_equivalent_mg_per_day == 20
    series = steroid_series(wb, sid, DAY1, TODAY)
    assert series.on(series.start.replace(month=4, day=25)).prednisone_equivalent_mg == 20
    steroids = _listing(wb, "16.2.9.1")
    assert steroids.loc[steroids["drug"] == "Prednisone 20 mg oral", "pred_eq"].tolist() == [20]
    assert "Prednisone 20 mg oral" not in set(_listing(wb, "16.2.9.2")["drug"])
    row = _response_rows(wb, "010-001", "V7", "SRI-4")
    assert row["prednisone_mg"] == 20  # V7 = day 56 = 27 April, inside 20–30 April
    assert "rule:steroid_above_baseline" in row["decided_by"]


def test_a_recognised_corticosteroid_needs_a_frequency(wb, actor, doris_subject):
    _, sid = doris_subject
    values = {"drug": "dexamethasone", "dose": 4, "dose_unit": "mg", "route": "ORAL",
              "start": "2025-04-20"}  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        save_medication(wb, actor, subject_id=sid, values=values, today=TODAY)
    assert "frequency" in refused.value.errors


def test_a_one_day_pulse_is_one_day_not_ongoing(wb, actor, doris_subject):
    _, sid = doris_subject
    values = {"drug": "methylprednisolone", "dose": 500, "dose_unit": "mg", "route": "INTRAVENOUS",
              "frequency": "ONCE", "start": "2025-04-02", "pulse": True}  # fmt: skip
    saved = save_medication(wb, actor, subject_id=sid, values=values, today=TODAY)
    assert (saved.stop, saved.ongoing) == ("2025-04-02", False)
    series = steroid_series(wb, sid, DAY1, TODAY)
    assert series.pulse_days == (series.start.replace(month=4, day=2),)
    assert all("ongoing" not in reason for reason in series.reasons)
    listed = _listing(wb, "16.2.9.1")
    pulse = listed[listed["drug"] == "methylprednisolone"].iloc[0]
    assert (pulse["stop"], pulse["ongoing"], pulse["pred_eq"]) == ("2025-04-02", "N", 625)


def test_a_row_that_cannot_be_interpreted_is_a_visible_data_issue(wb, doris_subject):
    """A legacy row (no frequency) is never skipped silently: page, outcomes and both listings."""
    _, sid = doris_subject
    with wb.engine.begin() as conn:
        conn.execute(insert(Medication).values(
            subject_id=sid, drug="prednisolone", dose=10.0, dose_unit="mg", route="ORAL",
            frequency=None, start="2025-02", ongoing=True, corticosteroid=True, pulse=False,
            version_id=1,
        ))  # fmt: skip
    read = list_medications(wb, sid)[0]
    assert read.prednisone_equivalent_mg_per_day is None
    assert "frequency missing" in (read.steroid_issue or "")
    o = build_outcomes(wb, TODAY)
    assert o.steroid_issues["issue"].str.contains("frequency missing").tolist() == [True]
    note = _listing(wb, "16.2.9.1").iloc[0]["pred_eq_note"]
    assert note.startswith("not interpreted: frequency missing")
    row = _response_rows(wb, "010-001", "V7", "DORIS")
    assert "prednisolone" in row["steroid_issues"] and "frequency missing" in row["steroid_issues"]
