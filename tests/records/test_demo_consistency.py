"""Issue #10: on the demo study every derived value shown in two places agrees.

The demo (seed 5, as in the issue's recomputation, 12 subjects to keep the run short) is written
through the audited use cases into a real SQLite file; the listings are read as the export
reads them, the pages' frames as the pages read them (`build_outcomes`, `casebook`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from demo import build_demo
from models.db import make_engine, upgrade
from records.cells import earliest_day, latest_day, missing
from records.context import Workbench
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.outcomes.efficacy import change_summary
from records.outcomes.snapshot import build_outcomes
from records.outcomes.timeline import subject_timeline
from study import load_study

TODAY = date(2026, 12, 4)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo10') / 'demo.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    build_demo(wb, subjects=12, seed=5, today=TODAY)
    sheets = {s.number: s.frame for s in read_snapshot(engine, wb.study, Scope()).sheets}
    yield wb, build_outcomes(wb, TODAY), sheets
    engine.dispose()


def _dose_from_listing(steroids: pd.DataFrame, subject: str, day: date) -> float:
    """The corticosteroid listing's mg/day rows in force on a day, added up (§6.2)."""
    total = 0.0
    for row in steroids[steroids["subject"] == subject].itertuples(index=False):
        start = earliest_day(row.start)
        stop = start if row.frequency == "ONCE" else latest_day(row.stop)
        if missing(row.pred_eq) or start is None or start > day:
            continue
        if stop is None or day <= stop:
            total += float(row.pred_eq)
    return total


def _visit_doses(responses: pd.DataFrame) -> pd.DataFrame:
    """One row per visit done (a visit not done has no date and no dose)."""
    cells = responses[["subject", "visit_code", "visit_date", "prednisone_mg"]]
    cells = cells[[not missing(d) for d in cells["visit_date"]]]
    return cells.drop_duplicates(["subject", "visit_code", "visit_date"])


def test_the_demo_has_steroid_data_and_no_uninterpretable_row(demo):
    _, o, sheets = demo
    assert o.steroid_issues.empty
    assert (_visit_doses(sheets["16.2.6.4"])["prednisone_mg"] > 0).sum() > 20


def test_response_listing_dose_equals_the_corticosteroid_listing_on_that_date(demo):
    _, _, sheets = demo
    steroids = sheets["16.2.9.1"]
    for row in _visit_doses(sheets["16.2.6.4"]).itertuples(index=False):
        expected = _dose_from_listing(steroids, row.subject, row.visit_date)
        assert row.prednisone_mg == pytest.approx(expected), (row.subject, row.visit_code)


def test_timeline_and_response_listing_agree(demo):
    _, o, sheets = demo
    ids = dict(zip(o.data.subjects["subject"], o.data.subjects["subject_id"], strict=True))
    for subject, rows in _visit_doses(sheets["16.2.6.4"]).groupby("subject"):
        book = subject_timeline(o, int(ids[subject]))
        table = book.table.set_index("Date")
        steps = book.steps.sort_values("study_day")
        for row in rows.itertuples(index=False):
            shown = table.loc[row.visit_date]
            assert shown["Prednisone mg/day"] == pytest.approx(row.prednisone_mg)
            step = steps[steps["study_day"] <= int(shown["Study day"])]["prednisone_mg"].iloc[-1]
            assert step == pytest.approx(row.prednisone_mg), (subject, row.visit_code)


def test_efficacy_summary_n_equals_the_listing(demo):
    _, o, sheets = demo
    responses = sheets["16.2.6.4"]
    sri = responses[(responses["index"] == "SRI-4") & responses["sledai_total"].notna()]
    summary = change_summary(o.measures, "sledai").set_index("visit")
    for visit, n in sri.groupby("visit_code")["subject"].nunique().items():
        assert summary.loc[visit, "n"] == n, visit
