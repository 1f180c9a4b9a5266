"""AppTest: the outcome pages on the demo study, their numbers checked against records/scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from charts.swimmer import LANE_PX
from demo.events import INVESTIGATOR
from models import LabResult
from records.adverse_events import save_adverse_event
from records.labs import load_lab_panel, save_lab_panel
from records.outcomes import dashboard, efficacy, safety, timeline
from records.outcomes.explain import status_grid
from records.outcomes.per_subject import MEMO
from tests.pages.conftest import demo_app

PAGES = Path(__file__).resolve().parents[2] / "app_pages"
OUTCOME_PAGES = ("home.py", "timeline.py", "responses.py", "efficacy.py", "safety.py")


def _open(page: str, role: str = "investigator") -> AppTest:
    at = demo_app(role)
    at.switch_page(str(PAGES / page)).run()
    assert not at.exception, at.exception
    return at


def _frame(at: AppTest, columns: list[str]) -> pd.DataFrame:
    """The first dataframe on the page with exactly these columns."""
    for element in at.dataframe:
        if list(element.value.columns) == columns:
            return element.value.reset_index(drop=True)
    raise AssertionError(f"no table with columns {columns}")


def _view(at: AppTest, key: str, view: str) -> None:
    at.segmented_control(key=key).set_value(view).run()
    assert not at.exception, at.exception


def _charts(at: AppTest) -> list[object]:
    return [e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


@pytest.mark.parametrize("page", OUTCOME_PAGES)
def test_each_outcome_page_renders_for_a_monitor(demo, page):
    at = _open(page, "monitor")
    assert at.title and not at.error


def test_home_shows_the_four_headline_charts_first(demo, expected):
    at = _open("home.py", "monitor")
    charts = _charts(at)
    assert len(charts) == 4 and not at.info
    specs = {_title(_spec(chart)): _spec(chart) for chart in charts}
    assert set(specs) == {
        "Enrolment over time",
        "SLEDAI-2K change from baseline",
        "SRI-4 responders by visit",
        "Treatment-emergent AEs",
    }
    teae = specs["Treatment-emergent AEs"]["layer"][0]["encoding"]["x"]["title"]
    assert teae == f"Subjects (of N = {expected.safety_n} dosed)"
    assert [e.label for e in at.expander][:1] == ["Subjects by status"]  # the table, folded


def _title(spec: dict) -> str:
    title = spec["title"]
    return title["text"] if isinstance(title, dict) else title


def test_home_dashboard_matches_records(demo, expected):
    at = _open("home.py")
    board = dashboard.study_dashboard(expected)
    pd.testing.assert_frame_equal(_frame(at, list(board.funnel.columns)), board.funnel)
    _view(at, "dashboard_view", "Visit compliance")
    shown = _frame(at, list(board.compliance.columns))
    assert shown.set_index("Visit").loc["All visits"].tolist() == (
        board.compliance.set_index("Visit").loc["All visits"].tolist()
    )
    _view(at, "dashboard_view", "Forms outstanding")
    grid = _frame(at, list(board.grid.columns)).set_index("subject")
    wanted = board.grid.set_index("subject")
    assert grid.fillna(-1).astype(int).equals(wanted.fillna(-1).astype(int))
    _view(at, "dashboard_view", "Data-entry lag")
    # The demo builder loads every form at once (audit origin cli): its save times say when the
    # build ran, so no lag is reported and the page says how many forms were left out.
    assert board.bulk_entries == len(board.lags) > 0
    assert any(f"Left out: {board.bulk_entries} form(s)" in c.value for c in at.caption)
    assert any("No form entered in the app" in i.value for i in at.info)


def test_safety_page_matches_the_teae_summary(demo, expected):
    at = _open("safety.py")
    table = safety.teae_summary(expected.data, expected.study)
    shown = _frame(at, list(table.frame.columns))
    pd.testing.assert_frame_equal(shown, table.frame, check_dtype=False)
    assert any(m.value == f"N = {expected.safety_n}" for m in at.metric)
    _view(at, "safety_view", "By SOC and PT")
    soc = safety.by_soc_pt(expected.data).frame
    pd.testing.assert_frame_equal(_frame(at, list(soc.columns)), soc, check_dtype=False)
    _view(at, "safety_view", "Adverse events by subject")
    assert len(_charts(at)) == 1  # the AE swimmer


def _spec(chart: object) -> dict:
    return json.loads(chart.proto.spec)  # type: ignore[attr-defined]


def _lanes(spec: dict) -> list[str]:
    return spec["layer"][0]["encoding"]["y"]["scale"]["domain"]


def test_safety_swimmer_has_a_labelled_lane_per_dosed_subject(demo, expected):
    at = _open("safety.py", "monitor")
    _view(at, "safety_view", "Adverse events by subject")
    dosed = expected.data.subjects.dropna(subset=["dose_date"])["subject"].tolist()
    (chart,) = _charts(at)
    spec = _spec(chart)
    assert _lanes(spec) == sorted(dosed)
    assert spec["height"] == {"step": LANE_PX}
    dash = spec["layer"][1]["encoding"]["strokeDash"]
    assert dash["legend"]["values"] == ["treatment-emergent"]  # TEAEs only by default
    lanes = timeline.ae_lanes(expected.data)
    assert (~lanes["teae"]).any()  # the demo has a pre-dose event to hide
    at.checkbox(key="swimmer_pre_dose").check().run()
    (chart,) = _charts(at)
    assert _lanes(_spec(chart)) == sorted(dosed)
    dash = _spec(chart)["layer"][1]["encoding"]["strokeDash"]
    assert dash["legend"]["values"] == ["treatment-emergent", "pre-dose"]


def test_efficacy_page_matches_endpoint_and_change_summary(demo, expected):
    at = _open("efficacy.py")
    endpoint = efficacy.sri_endpoint(expected.responses, expected.study, expected.safety_n)
    pd.testing.assert_frame_equal(_frame(at, list(endpoint.counts.columns)), endpoint.counts)
    _view(at, "efficacy_view", "Change from baseline")
    summary = efficacy.change_summary(expected.measures, "sledai").round(2)
    pd.testing.assert_frame_equal(
        _frame(at, list(summary.columns)), summary, check_dtype=False, check_exact=False
    )
    at.selectbox(key="efficacy_measure").select("egfr").run()
    egfr = efficacy.change_summary(expected.measures, "egfr").round(2)
    assert _frame(at, list(egfr.columns))["mean"].tolist() == pytest.approx(egfr["mean"].tolist())
    assert len(_charts(at)) == 1  # the spaghetti plot
    _view(at, "efficacy_view", "BILAG grades")
    grades = efficacy.bilag_grades(expected.measures, expected.baseline)
    pd.testing.assert_frame_equal(_frame(at, list(grades.columns)), grades, check_dtype=False)


def test_response_grid_and_one_explanation(demo, expected):
    at = _open("responses.py")
    grid = status_grid(expected.responses, "SRI-4")
    pd.testing.assert_frame_equal(_frame(at, list(grid.columns)), grid, check_dtype=False)
    at.segmented_control(key="responses_index").set_value("BICLA").run()
    bicla = status_grid(expected.responses, "BICLA")
    pd.testing.assert_frame_equal(_frame(at, list(bicla.columns)), bicla, check_dtype=False)
    row = expected.responses.frame.iloc[-1]
    at.toggle(key="responses_pick").set_value(True).run()
    at.selectbox(key="responses_subject").select(row["subject"]).run()
    at.selectbox(key="responses_visit").select(row["visit"]).run()
    result = expected.responses.explain(int(row["subject_id"]), int(row["visit_id"]), "BICLA")
    assert any(result.reasons[0] in m.value for m in at.markdown)
    assert any("Baseline" in m.value for m in at.markdown)
    assert any("| criterion | status | reason |" in m.value for m in at.markdown)


def test_the_first_cell_is_explained_without_choosing(demo, expected):
    at = _open("responses.py")
    row = expected.responses.frame.iloc[0]
    result = expected.responses.explain(int(row["subject_id"]), int(row["visit_id"]), "SRI-4")
    assert any(result.reasons[0] in m.value for m in at.markdown)
    assert not at.selectbox  # the pickers are shown on demand


def test_more_sri_thresholds_on_demand(demo, expected):
    at = _open("responses.py")
    at.multiselect(key="responses_sri").select("SRI-6").run()
    at.segmented_control(key="responses_index").set_value("SRI-6").run()
    grid = status_grid(expected.with_sri((4, 6)), "SRI-6")
    pd.testing.assert_frame_equal(_frame(at, list(grid.columns)), grid, check_dtype=False)


def test_subject_timeline_matches_the_casebook(demo, expected):
    at = _open("timeline.py")
    subject_id = int(expected.data.subjects["subject_id"].iloc[0])
    book = timeline.subject_timeline(expected, subject_id)
    assert len(_charts(at)) == 1
    _view(at, "timeline_view", "Visits and measures")
    shown = _frame(at, list(book.table.columns))
    assert shown["SLEDAI-2K"].tolist() == pytest.approx(
        book.table["SLEDAI-2K"].tolist(), nan_ok=True
    )
    _view(at, "timeline_view", "Adverse events")
    assert _frame(at, list(book.lanes.columns))["label"].tolist() == book.lanes["label"].tolist()


def test_pages_never_show_stale_data_after_an_edit(demo, expected):
    at = _open("safety.py")
    before = safety.teae_summary(expected.data, expected.study).frame
    subject = int(expected.data.subjects.dropna(subset=["dose_date"])["subject_id"].iloc[0])
    dose = expected.data.subjects.set_index("subject_id").loc[subject, "dose_date"]
    values = {"term": "Nausea", "onset": dose.isoformat(), "end": dose.isoformat(),
              "severity": "MILD", "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
              "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
    save_adverse_event(demo, INVESTIGATOR, subject_id=subject, values=values)
    at.run()
    after = _frame(at, list(before.columns))
    events = after.set_index("Row").loc["Subjects with ≥1 TEAE", "Events"]
    assert events == before.set_index("Row").loc["Subjects with ≥1 TEAE", "Events"] + 1


def test_timeline_follows_an_edit_of_its_subject_recomputing_that_subject_only(demo, expected):
    """The casebook is cached per subject (its newest audit row): an edit to the subject shown
    appears on the next run, and only that subject's outcomes were derived again (#18)."""
    at = _open("timeline.py")
    subject_id = int(expected.data.subjects["subject_id"].iloc[0])
    columns = list(timeline.subject_timeline(expected, subject_id).lanes.columns)
    _view(at, "timeline_view", "Adverse events")
    before = _frame(at, columns)
    dose = expected.data.subjects.set_index("subject_id").loc[subject_id, "dose_date"]
    values = {"term": "Nausea", "onset": dose.isoformat(), "end": dose.isoformat(),
              "severity": "MILD", "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
              "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
    save_adverse_event(demo, INVESTIGATOR, subject_id=subject_id, values=values)
    at.run()
    assert MEMO.recomputed == (subject_id,)
    assert len(_frame(at, columns)) == len(before) + 1


def test_a_bound_in_an_outcome_lab_is_named_on_the_response_page(demo, expected):
    """An anti-dsDNA printed "<10" has no number: the response page says so instead of
    showing a silent gap (#14 item 4)."""
    with demo.engine.connect() as conn:
        visit_id, subject_id = conn.execute(
            select(LabResult.visit_id, LabResult.subject_id).where(LabResult.test_code == "DSDNA")
        ).first()
    saved = load_lab_panel(demo, visit_id, "SERO")
    assert saved is not None
    values = {c: {"value": r.value, "clinical_significance": r.clinical_significance}
              for c, r in saved.results.items()} | {"DSDNA": "<10"}  # fmt: skip
    save_lab_panel(demo, INVESTIGATOR, visit_id=visit_id, panel="SERO", values=values,
                   reason="report re-read: below the assay's range",
                   expected_version=saved.version)  # fmt: skip
    at = _open("responses.py")
    warning = next(str(w.value) for w in at.warning if "printed as a bound" in str(w.value))
    name = expected.data.subjects.set_index("subject_id").loc[subject_id, "subject"]
    assert f"- {name}: DSDNA <10 IU/mL at " in warning
