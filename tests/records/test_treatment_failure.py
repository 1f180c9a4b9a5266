"""Issue #10 defect 3: the §3.3 treatment-failure rules as revised (spec/scoring.md §3.3).

Each test writes a real study into a migrated SQLite file and reads the verdict as the response
listing (16.2.6.4) and the response page (`build_outcomes`) show it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from records.context import Workbench
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.medications import save_medication
from records.outcomes.dashboard import outstanding
from records.outcomes.snapshot import build_outcomes
from records.visits import calendar
from tests.records.test_outcomes_data import TODAY, Trial

pytestmark = pytest.mark.req("SCO-TREATMENT-FAILURE")


def _rows(wb: Workbench, subject: str, visit: str) -> Any:
    sheets = read_snapshot(wb.engine, wb.study, Scope()).sheets
    frame = next(s.frame for s in sheets if s.number == "16.2.6.4")
    rows = frame[(frame["subject"] == subject) & (frame["visit_code"] == visit)]
    return rows.set_index("index")


def _med(trial: Trial, sid: int, drug: str, dose: float, start: str, **extra: Any) -> None:
    values = {"drug": drug, "dose": dose, "dose_unit": "mg", "route": "ORAL", "frequency": "BID",
              "start": start, **extra}  # fmt: skip
    save_medication(trial.wb, trial.actor, subject_id=sid, values=values, today=TODAY)


@pytest.fixture
def responder(wb: Workbench, actor: Any) -> tuple[Trial, int]:
    """SLEDAI-2K 8 → 2 at V7 (day 56), mucocutaneous B → C, PGA steady: SRI-4 and BICLA."""
    trial = Trial(wb, actor)
    sid = trial.subject("020-001")
    trial.dose(sid)
    trial.activity(
        trial.visit_id(sid, "V1"), present=("arthritis", "rash", "low_complement"),
        grades="CBCCCCCCC",
    )  # fmt: skip
    trial.activity(trial.visit(sid, "V7", 56), present=("low_complement",))
    return trial, sid


def test_a_taper_from_the_entry_dose_is_not_a_treatment_failure(wb, responder):
    """001-031's case: 15 mg on day 1 tapering to 10 mg; the old fixed 10 mg ceiling made every
    such subject a non-responder, no published definition does (§3.3 (c) revised)."""
    trial, sid = responder
    trial.steroid(sid, 15, "2025-01-01", stop="2025-03-31")
    trial.steroid(sid, 10, "2025-04-01")
    rows = _rows(wb, "020-001", "V7")
    assert rows.loc["SRI-4", "result"] == "Y"
    assert re.search(r"rules not fired: [^;]*steroid-increase", rows.loc["SRI-4", "reasons"])
    assert "rule:steroid_ceiling" not in rows.loc["SRI-4", "components"]


def test_a_dose_above_the_day1_dose_fails_every_index_and_names_the_row(wb, responder):
    trial, sid = responder
    trial.steroid(sid, 5, "2025-01-01", stop="2025-04-10")
    trial.steroid(sid, 7.5, "2025-04-11", stop="2025-04-20")
    trial.steroid(sid, 5, "2025-04-21")
    rows = _rows(wb, "020-001", "V7")  # V7 = 27 April; 11–20 April is in the 28 days
    for index in ("SRI-4", "BICLA", "LLDAS", "DORIS", "KDIGO"):
        assert "rule:steroid_above_baseline" in rows.loc[index, "decided_by"], index
    reasons = rows.loc["SRI-4", "reasons"]
    assert "7.5 mg/day prednisone-equivalent on 2025-04-11 above the day-1 dose 5 mg/day" in reasons
    assert "prednisone 7.5 mg QD ORAL 2025-04-11–2025-04-20" in reasons


def test_an_increase_older_than_28_days_is_outside_the_window(wb, responder):
    trial, sid = responder
    trial.steroid(sid, 5, "2025-01-01", stop="2025-03-20")
    trial.steroid(sid, 20, "2025-03-21", stop="2025-03-30")  # ends day 28 before V7
    trial.steroid(sid, 5, "2025-03-31")
    assert _rows(wb, "020-001", "V7").loc["SRI-4", "result"] == "Y"


def test_the_absolute_ceiling_stays_available_as_an_option(wb, responder):
    trial, sid = responder
    trial.steroid(sid, 15, "2025-01-01", stop="2025-03-31")
    trial.steroid(sid, 12.5, "2025-04-01")
    protocol = replace(wb.study.protocol, steroid_ceiling_mg=10.0, steroid_ceiling_days=3)
    study = replace(wb.study, protocol=protocol)
    o = build_outcomes(Workbench(wb.engine, study), TODAY)
    frame = o.responses.frame
    v7 = frame[(frame["subject_id"] == sid) & (frame["visit_code"] == "V7")]
    vid = int(v7["visit_id"].iloc[0])
    result = o.responses.explain(sid, vid, "SRI-4")
    assert result is not None and result.decided_by == ("rule:steroid_ceiling",)
    assert "28 day(s) above 10 mg/day" in " ".join(result.reasons)


def test_background_rows_at_the_same_or_lower_dose_are_not_rescue(wb, responder):
    """§3.3 (b): a new row of a background drug at the same or lower dose is not rescue."""
    trial, sid = responder
    _med(trial, sid, "mycophenolate mofetil", 1000, "2024-06", stop="2025-03-31")
    _med(trial, sid, "mycophenolate mofetil", 1000, "2025-04-01", stop="2025-04-10")
    _med(trial, sid, "mycophenolate mofetil", 500, "2025-04-11")
    rows = _rows(wb, "020-001", "V7")
    assert (rows.loc["SRI-4", "result"], rows.loc["BICLA", "result"]) == ("Y", "Y")
    assert "rule:rescue_therapy: met" in rows.loc["SRI-4", "components"]
    assert "therapy: met" in rows.loc["LLDAS", "components"]


def test_a_background_drug_raised_above_its_day1_dose_is_rescue(wb, responder):
    trial, sid = responder
    _med(trial, sid, "mycophenolate mofetil", 1000, "2024-06", stop="2025-03-31")
    _med(trial, sid, "mycophenolate mofetil", 1500, "2025-04-01")
    rows = _rows(wb, "020-001", "V7")
    assert rows.loc["SRI-4", "decided_by"] == "rule:rescue_therapy"
    raised = "mycophenolate raised to 3000 mg/day above its day-1 2000"
    assert raised in rows.loc["SRI-4", "reasons"]
    assert "therapy" in rows.loc["DORIS", "decided_by"]


def test_a_new_immunosuppressant_is_rescue_and_named(wb, responder):
    trial, sid = responder
    _med(trial, sid, "azathioprine", 50, "2025-04-15", frequency="QD")
    rows = _rows(wb, "020-001", "V7")
    assert rows.loc["SRI-4", "decided_by"] == "rule:rescue_therapy"
    assert "new azathioprine (not in use on day 1): medication" in rows.loc["SRI-4", "reasons"]
    assert rows.loc["KDIGO", "verdict"] == "no response"


def test_withdrawal_ends_lldas_doris_and_the_renal_response_with_the_reason(wb, actor):
    """§3.3 (d): after withdrawal LLDAS/DORIS are "not attained" and KDIGO "no response";
    later scheduled visits are "not expected": not overdue, no forms outstanding."""
    trial = Trial(wb, actor)
    sid = trial.subject("030-001")
    trial.dose(sid)
    trial.activity(trial.visit_id(sid, "V1"), present=("arthritis",))
    trial.withdraw(sid, 20)
    rows = _rows(wb, "030-001", "V11")
    assert rows.loc["LLDAS", "verdict"] == "not in LLDAS"
    assert rows.loc["DORIS", "verdict"] == "not in remission"
    assert rows.loc["KDIGO", "verdict"] == "no response"
    for index in ("LLDAS", "DORIS", "KDIGO"):
        assert "early termination on 2025-03-22 (withdrew consent)" in rows.loc[index, "reasons"]
    statuses = {r.visit_code: r.status for r in calendar(wb, sid, today=TODAY)}
    assert [statuses[f"V{n}"] for n in range(6, 12)] == ["not_expected"] * 6
    assert statuses["V2"] == "overdue"  # its window closed before the withdrawal
    o = build_outcomes(wb, TODAY)
    forms = outstanding(o.measures, o.data, wb.study)
    assert not set(forms[forms["subject"] == "030-001"]["visit"]) & {"V6", "V7", "V11"}
