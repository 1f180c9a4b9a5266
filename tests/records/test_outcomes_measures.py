"""Per-visit measures, baselines and changes computed from what the records layer stored."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from models import Actor
from models.db import make_engine, upgrade
from records.assessments import save_assessment
from records.context import Workbench
from records.derived import age_on, derive
from records.outcomes.baseline import baseline_rule, baselines
from records.outcomes.snapshot import Outcomes, build_outcomes
from records.outcomes.source import load_study_data
from scoring import renal
from study import load_study
from tests.records.test_outcomes_data import DAY1, TODAY, Trial, built_outcomes, small_study


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcomes, dict[str, int]]]:
    yield from built_outcomes(tmp_path_factory, "measures")


def _row(o: Outcomes, subject: int, visit: str) -> dict:
    rows = o.measures[(o.measures["subject_id"] == subject) & (o.measures["visit"] == visit)]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_sledai_and_pga_come_from_the_saved_forms(built):
    o, ids = built
    v1 = _row(o, ids["A"], "V1")
    assert (v1["sledai"], v1["clinical_sledai"]) == (8, 6)
    assert v1["pga"] == 1.5 and v1["pga_text"] == "1.50"
    assert v1["bilag_score"] == 8 * 1 + 8  # eight C domains (1 each) and one B (8)
    assert v1["bilag_mucocutaneous"] == "B" and v1["bilag_overall"] == "B"
    assert set(v1["sledai_descriptors"]) == {"arthritis", "rash", "low_complement"}
    assert _row(o, ids["A"], "V5")["sledai"] == 2


def test_a_visit_without_forms_is_missing_never_zero(built):
    o, ids = built
    v6 = _row(o, ids["A"], "V6")
    assert v6["calendar_status"] == "done"
    for key in ("sledai", "bilag_score", "pga", "egfr", "upcr"):
        assert math.isnan(v6[key]), key
    assert math.isnan(_row(o, ids["B"], "V5")["sledai"])


def test_labs_give_egfr_upcr_and_serology(built):
    o, ids = built
    v1 = _row(o, ids["A"], "V1")
    expected = renal.egfr_ckd_epi_2021(0.9, "mg/dL", age_on(None, 1980, DAY1), "F")
    assert v1["egfr"] == pytest.approx(expected)
    assert v1["upcr"] == pytest.approx(1.2)
    assert (v1["c3"], v1["c4"], v1["dsdna"]) == (80, 9, 50)


def test_prednisone_is_the_dose_in_force_on_the_visit_date(built):
    o, ids = built
    assert _row(o, ids["A"], "V1")["prednisone_mg"] == 10
    assert _row(o, ids["A"], "V5")["prednisone_mg"] == 10
    assert _row(o, ids["B"], "V1")["prednisone_mg"] == 0
    assert math.isnan(_row(o, ids["A"], "V7")["prednisone_mg"])  # no visit date


def test_calendar_status_and_study_day(built):
    o, ids = built
    assert _row(o, ids["A"], "V5")["study_day"] == 14
    assert _row(o, ids["A"], "SCR")["study_day"] == -10
    assert _row(o, ids["A"], "V2")["calendar_status"] == "overdue"
    assert _row(o, ids["C"], "V1")["calendar_status"] == "not_yet_due"


def test_change_from_baseline(built):
    o, ids = built
    v5 = _row(o, ids["A"], "V5")
    assert v5["sledai_baseline"] == 8 and v5["sledai_change"] == -6
    assert v5["pga_change"] == pytest.approx(-0.5)
    assert math.isnan(_row(o, ids["A"], "V6")["sledai_change"])
    base = o.baseline.set_index("subject_id")
    assert base.loc[ids["A"], "sledai_from"] == "V1"
    assert math.isnan(base.loc[ids["C"], "sledai"])


def test_baseline_falls_back_to_screening_and_names_it(wb, actor):
    trial = Trial(wb, actor)
    subject = trial.subject("002-001")
    trial.dose(subject)
    trial.activity(trial.visit_id(subject, "SCR"), present=("rash",), pga="0.80")
    o = build_outcomes(wb, TODAY)
    base = o.baseline.set_index("subject_id").loc[subject]
    assert (base["sledai"], base["sledai_from"], base["pga_text"]) == (2, "SCR", "0.80")
    assert "SCR" in baseline_rule(wb.study).text and "V1" in baseline_rule(wb.study).text
    assert baselines(o.measures, baseline_rule(wb.study)).shape[0] == 1


def test_a_form_in_progress_is_not_scored(wb, actor):
    trial = Trial(wb, actor)
    subject = trial.subject("003-001")
    trial.dose(subject)
    v1 = trial.visit_id(subject, "V1")
    trial.form(v1, "PGA", {"PGA": "1.00"})
    save_assessment(wb, actor, visit_id=v1, form_code="SLEDAI2K", values={"rash": "Y"},
                    state="in_progress", today=TODAY)  # fmt: skip
    row = build_outcomes(wb, TODAY).measures.query("visit == 'V1'").iloc[0]
    assert math.isnan(row["sledai"]) and row["pga"] == 1.0


def test_snapshot_of_an_empty_study(wb):
    o = build_outcomes(wb, date(2025, 1, 1))
    assert o.measures.empty and o.responses.frame.empty and o.safety_n == 0


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The stored item values of the small study (the outcomes keep only what they derived)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('items') / 'outcomes.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    small_study(wb, Actor(user_id=None, username="inv", full_name="Ivy", role="investigator"))
    found = load_study_data(wb, TODAY).items
    engine.dispose()
    return found


def test_scores_agree_with_what_the_visit_page_derives(built, items):
    """Same scoring calls as records.derived: every scored form gives the visit page's numbers."""
    o, _ = built
    for form, column, key in (
        ("SLEDAI2K", "sledai", "total"),
        ("BILAG2004", "bilag_score", "numeric_score"),
        ("PGA", "pga_text", "pga"),
    ):
        for visit_id, group in items[items["form_code"] == form].groupby("visit_id"):
            values = dict(zip(group["item_code"], group["value"], strict=True))
            row = o.measures[o.measures["visit_id"] == visit_id].iloc[0]
            assert row[column] == derive(o.study, form, values).values[key], (form, visit_id)
