"""Dashboard, safety and efficacy summaries: n (%) arithmetic, denominators."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import pytest

from models.audit import Actor
from records.changes import change_counter
from records.outcomes import dashboard, efficacy, headline, safety, timeline
from records.outcomes.catalogue import n_pct
from records.outcomes.snapshot import Outcomes, build_outcomes
from tests.records.test_outcomes_data import DAY1, TODAY, Trial, built_outcomes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcomes, dict[str, int]]]:
    yield from built_outcomes(tmp_path_factory, "summaries")


def _lookup(frame: pd.DataFrame, category: str, row: str, column: str = "Subjects n (%)") -> object:
    hit = frame[(frame["Category"] == category) & (frame["Row"] == row)]
    assert len(hit) == 1, (category, row)
    return hit.iloc[0][column]


@pytest.mark.parametrize(
    ("n", "total", "text"),
    [
        (1, 3, "1 (33.3)"),
        (2, 2, "2 (100.0)"),
        (0, 5, "0 (0.0)"),
        (0, 0, "0 (—)"),
        (2, 3, "2 (66.7)"),
    ],
)
def test_n_pct(n, total, text):
    assert n_pct(n, total) == text


def test_teae_incidence_counts_subjects_once_over_the_dosed_n(built):
    o, _ = built
    table = safety.teae_summary(o.data, o.study)
    frame = table.frame
    assert table.n == 2
    assert _lookup(frame, "Any TEAE", "Subjects with ≥1 TEAE") == "2 (100.0)"
    assert _lookup(frame, "Any TEAE", "Subjects with ≥1 TEAE", "Events") == 2  # pre-dose AE out
    assert _lookup(frame, "Maximum severity", "Severe") == "1 (50.0)"
    assert _lookup(frame, "Maximum severity", "Moderate") == "0 (0.0)"
    assert _lookup(frame, "Maximum CTCAE grade", "Grade 3") == "1 (50.0)"
    assert _lookup(frame, "Maximum CTCAE grade", "Not graded") == "1 (50.0)"
    assert _lookup(frame, "Relationship", "Related (any)") == "1 (50.0)"
    assert _lookup(frame, "Serious", "Serious TEAE (SAE)") == "0 (0.0)"
    assert _lookup(frame, "Outcome", "Recovering/resolving", "Events") == 1
    assert any("N = 2" in note for note in table.notes)


def test_teae_by_soc_falls_back_to_verbatim_terms(built):
    o, _ = built
    frame = safety.by_soc_pt(o.data).frame
    assert set(frame["System organ class"]) == {safety.NOT_CODED}
    terms = set(frame["Preferred term (or verbatim)"])
    assert {"(verbatim) Fever", "(verbatim) Headache"} <= terms
    assert "(verbatim) Rash before dosing" not in terms


def test_related_codes_follow_the_study_codelist(built):
    o, _ = built
    assert safety.related_codes(o.study) == {"POSSIBLY RELATED", "PROBABLY RELATED", "RELATED"}


def test_change_summary_statistics_and_missing_visits(built):
    o, _ = built
    summary = efficacy.change_summary(o.measures, "sledai").set_index("visit")
    assert summary.loc["V1", "n"] == 2 and summary.loc["V1", "mean"] == 6
    assert summary.loc["V1", "sd"] == pytest.approx(2**0.5 * 2)
    assert (summary.loc["V1", "min"], summary.loc["V1", "max"]) == (4, 8)
    assert summary.loc["V5", "n"] == 1 and math.isnan(summary.loc["V5", "sd"])
    assert summary.loc["V5", "change_mean"] == -6
    assert "V6" not in summary.index  # a visit with no value is not a zero


def test_bilag_grade_counts_and_improvement(built):
    o, _ = built
    grades = efficacy.bilag_grades(o.measures, o.baseline)
    muco = grades[(grades["visit"] == "V5") & (grades["domain"] == "mucocutaneous")].iloc[0]
    assert (muco["C"], muco["improved"], muco["worse"]) == (1, 1, 0)
    v1 = grades[(grades["visit"] == "V1") & (grades["domain"] == "mucocutaneous")].iloc[0]
    assert (v1["B"], v1["C"]) == (1, 1)


def test_sri_endpoint_counts_non_responders_with_reasons(built):
    o, _ = built
    summary = efficacy.sri_endpoint(o.responses, o.study, o.safety_n)
    counts = dict(summary.counts.to_numpy())
    assert summary.visit == "V11"
    assert counts["Non-responders"] == "2 (100.0)" and counts["Responders"] == "0 (0.0)"
    assert set(summary.non_responders["subject"]) == {"001-001", "001-002"}
    assert summary.non_responders["reasons"].str.contains("rule").all()


def test_sri_endpoint_before_anyone_reaches_it(wb, actor):
    trial = Trial(wb, actor)
    trial.dose(trial.subject("006-001"))
    o = build_outcomes(wb, DAY1)
    counts = dict(efficacy.sri_endpoint(o.responses, o.study, o.safety_n).counts.to_numpy())
    assert counts["Endpoint visit not reached yet"] == "1 (100.0)"
    assert counts["Not evaluable"] == "0 (0.0)"


def test_funnel_and_compliance(built):
    o, _ = built
    funnel = dashboard.funnel(o.data).set_index("Stage")["Subjects"]
    assert funnel["Screened"] == 3 and funnel["Dosed (day 1)"] == 2
    assert funnel["Eligible (or override)"] == 2
    assert funnel["Early termination / lost / died"] == 1 and funnel["In follow-up"] == 1
    compliance = dashboard.compliance(o.measures, o.study).set_index("Visit")
    assert compliance.loc["V1", "done"] == 2 and compliance.loc["V2", "overdue"] == 2
    # B left on day 20: V6–V11 are not expected (issue #10), neither overdue nor counted.
    assert compliance.loc["All visits", "expected so far"] == 16
    assert compliance.loc["All visits", dashboard.NOT_EXPECTED] == 6


def test_outstanding_forms_and_grid(built):
    o, _ = built
    missing = dashboard.outstanding(o.measures, o.data, o.study)
    a_v6 = set(missing[(missing["subject"] == "001-001") & (missing["visit"] == "V6")]["form"])
    assert {"PGA", "SLEDAI2K", "BILAG2004"} <= a_v6
    a_v5 = set(missing[(missing["subject"] == "001-001") & (missing["visit"] == "V5")]["form"])
    assert not {"PGA", "SLEDAI2K", "BILAG2004", "CHEM", "UA"} & a_v5
    grid = dashboard.outstanding_grid(o.measures, missing).set_index("subject")
    assert grid.loc["001-001", "V6"] == len(a_v6)
    assert pd.isna(grid.loc["001-003", "V5"])  # not open yet: blank, not zero


def test_entry_lag_in_days_from_the_visit_date(built):
    o, _ = built
    lags = dashboard.entry_lag(o.data, o.measures, o.study)
    row = lags[(lags["subject"] == "001-001") & (lags["form_code"] == "SLEDAI2K")]
    v1 = row[row["visit"] == "V1"].iloc[0]
    assert v1["lag_days"] == (v1["entered_on"] - v1["actual_date"]).days
    summary = dashboard.lag_summary(lags).set_index("Form")
    assert summary.loc["All forms", "Forms entered"] == len(lags)


def test_timeline_frames_of_a_subject(built):
    o, ids = built
    book = timeline.subject_timeline(o, ids["A"])
    assert book.dosed and book.subject == "001-001"
    assert set(book.measures["key"]) >= {"sledai", "pga", "egfr", "upcr", "c3"}
    assert list(book.table["Visit"]) == ["SCR", "V1", "V5", "V6"]
    assert book.steps["prednisone_mg"].tolist()[:2] == [10.0, 10.0]
    assert book.lanes["label"].tolist() == ["AE 1: Headache", "AE 2: Rash before dosing"]
    assert book.bilag.query("domain == 'mucocutaneous' and visit == 'V1'")["grade"].item() == "B"
    assert not timeline.subject_timeline(o, ids["C"]).dosed


def test_change_counter_moves_with_every_write(wb, actor):
    before = change_counter(wb.engine)
    Trial(wb, actor).subject("007-001")
    assert change_counter(wb.engine) > before


def test_every_summary_of_an_empty_study(wb):
    o = build_outcomes(wb, DAY1)
    board = dashboard.study_dashboard(o)
    assert board.funnel["Subjects"].tolist() == [0] * len(board.funnel)
    assert board.funnel["n (% of screened)"].iloc[0] == "0 (—)"
    assert board.compliance.set_index("Visit").loc["All visits", "expected so far"] == 0
    assert board.grid.empty and board.outstanding.empty and board.lags.empty
    table = safety.teae_summary(o.data, o.study)
    assert table.n == 0 and set(table.frame["Subjects n (%)"]) == {"0 (—)"}
    assert safety.by_soc_pt(o.data).frame.empty
    assert efficacy.change_summary(o.measures, "sledai").empty
    assert efficacy.bilag_grades(o.measures, o.baseline).empty
    counts = dict(efficacy.sri_endpoint(o.responses, o.study, 0).counts.to_numpy())
    assert counts["Responders"] == "0 (—)"


def test_follow_up_runs_from_day_1_to_today_or_the_last_day_on_study(built):
    o, _ = built
    stay = timeline.follow_up(o.data).set_index("subject")
    assert list(stay.index) == ["001-001", "001-002"]  # dosed subjects only, C was not dosed
    assert stay.loc["001-001", "end_day"] == (TODAY - DAY1).days + 1  # in follow-up: to today
    assert stay.loc["001-002", "end_day"] == 20  # withdrew on day 20
    assert set(stay["start_day"]) == {1}


def test_headline_enrolment_is_cumulative_by_stage(built):
    o, _ = built
    frame = headline.enrolment_over_time(o.data)
    screened = frame[frame["stage"] == "Screened"]["subjects"].tolist()
    dosed = frame[frame["stage"] == "Dosed"]["subjects"].tolist()
    assert screened[-1] == 3 and dosed[-1] == 2  # A, B dosed; C screened only
    assert screened == sorted(screened) and dosed == sorted(dosed)


def test_headline_sledai_change_and_responders_by_visit(built):
    o, _ = built
    change = headline.sledai_change(o.measures).set_index("visit")
    assert change.loc["V5", "n"] == 1 and change.loc["V5", "mean"] == -6  # A: 8 → 2
    table = headline.responders_by_visit(o.responses).set_index("visit")
    labels = o.responses.frame.groupby("visit")["SRI-4"].value_counts()
    for visit, row in table.iterrows():
        counts = labels[visit]
        assert row["responders"] == counts.get("responder", 0)
        assert row["evaluable"] == row["responders"] + counts.get("non-responder", 0)
    assert (table["pct"].dropna().between(0, 100)).all()


def test_headline_teaes_by_worst_severity(built):
    o, _ = built
    frame = headline.teae_by_severity(o.data).set_index("severity")
    teae = safety.teae_frame(o.data)
    assert frame["events"].sum() == len(teae)  # the pre-dose AE is not counted
    assert frame["subjects"].sum() == teae["subject_id"].nunique()
    assert frame.loc["SEVERE", "subjects"] == 1


def test_entry_lag_leaves_bulk_loads_out_and_counts_them(built, wb):
    o, _ = built
    assert not dashboard.entry_lag(o.data, o.measures, o.study)["bulk"].any()  # typed in the app
    loader = Actor(None, "demo.investigator", "Ivy Investigator", "investigator", origin="cli")
    trial = Trial(wb, loader)
    subject = trial.subject("002-001")
    trial.dose(subject)
    trial.activity(trial.visit_id(subject, "V1"), present=("arthritis",), pga="1.00")
    board = dashboard.study_dashboard(build_outcomes(wb, TODAY))
    assert len(board.lags) > 0 and board.lags["bulk"].all()
    assert board.bulk_entries == len(board.lags)
    assert board.lag_summary.empty  # nothing typed at the site: no lag to report
