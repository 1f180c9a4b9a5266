"""Issue #10 "one snapshot, one vocabulary": one missing test, one data cut, one read
transaction, and one regimen conversion (property test: outcomes path = medications page)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event

from models import Medication
from records.cells import earliest_day, missing
from records.errors import ValidationFailed
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.medications import save_medication, steroid_series
from records.outcomes.source import load_study_data, read_clinical_data
from records.outcomes.steroids import subject_series
from tests.records.test_outcomes_data import DAY1, TODAY, Trial


@pytest.mark.parametrize("value", [None, math.nan, pd.NaT, pd.NA, "", "  ", float("nan")])
def test_one_missing_test_for_every_empty_cell(value: Any) -> None:
    assert missing(value)


@pytest.mark.parametrize("value", [0, 0.0, "2025", date(2025, 1, 1), False])
def test_values_are_not_missing(value: Any) -> None:
    assert not missing(value)


@pytest.mark.parametrize(
    ("stored", "day"),
    [("2025", date(2025, 1, 1)), ("2025-04", date(2025, 4, 1)), ("2025-04-09", date(2025, 4, 9)),
     ("2025-04-09T10:30", date(2025, 4, 9)), (pd.Timestamp("2025-04-09 10:30"), date(2025, 4, 9)),
     (None, None), (math.nan, None), ("not a date", None)],
)  # fmt: skip
def test_one_reading_of_a_stored_date(stored: Any, day: date | None) -> None:
    assert earliest_day(stored) == day


def test_the_listings_and_the_outcomes_cut_medications_alike(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("040-001")
    trial.steroid(sid, 10, "2025-01", stop="2025-03-31")  # known at the cut
    trial.steroid(sid, 5, "2025-04-01", stop="2025-05-15")  # stop after the cut: ongoing then
    trial.steroid(sid, 2.5, "2025-05-16")  # starts after the cut: unknown then
    cut = date(2025, 4, 30)
    sheets = read_snapshot(wb.engine, wb.study, Scope(data_cut=cut)).sheets
    listed = next(s.frame for s in sheets if s.number == "16.2.9.1")
    with wb.engine.connect() as conn:
        meds = read_clinical_data(conn, wb.study, TODAY, data_cut=cut).medications
    assert sorted(listed["start"]) == sorted(meds["start"]) == ["2025-01", "2025-04-01"]
    as_listed = dict(zip(listed["start"], listed["stop"], strict=True))
    as_derived = dict(zip(meds["start"], meds["stop"], strict=True))
    assert as_listed["2025-01"] == as_derived["2025-01"] == "2025-03-31"
    assert missing(as_listed["2025-04-01"]) and missing(as_derived["2025-04-01"])
    assert listed.set_index("start").loc["2025-04-01", "ongoing"] == "Y"
    assert bool(meds.set_index("start").loc["2025-04-01", "ongoing"])


def test_the_outcomes_snapshot_reads_through_one_connection(wb, actor):
    """Adverse events and eligibility used to open sessions of their own (source.py)."""
    trial = Trial(wb, actor)
    trial.dose(trial.subject("041-001"))
    trial.ae(trial.subject("041-002"))
    checkouts: list[object] = []

    def counted(*args: object) -> None:
        checkouts.append(args)

    event.listen(wb.engine, "checkout", counted)
    try:
        data = load_study_data(wb, TODAY)
    finally:
        event.remove(wb.engine, "checkout", counted)
    assert len(data.adverse_events) == 1 and len(data.eligibility) == 2
    assert len(checkouts) == 1


DRUGS = ("prednisone", "Prednisolone 5 mg tablets", "methylprednisolone", "dexamethasone")


@st.composite
def histories(draw: Any) -> list[dict[str, Any]]:
    """Ongoing rows, taper steps, one-day pulses and partial dates around day 1."""
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        start = DAY1 + timedelta(days=draw(st.integers(-120, 60)))
        precision = draw(st.sampled_from((10, 10, 7, 4)))
        frequency = draw(st.sampled_from(("QD", "BID", "QOD", "QW", "ONCE")))
        stop = None
        if frequency != "ONCE" and draw(st.booleans()):
            stop = (start + timedelta(days=draw(st.integers(0, 90)))).isoformat()
        dose = draw(st.sampled_from((1, 2.5, 5, 7.5, 10, 15, 20, 500)))
        rows.append({
            "drug": draw(st.sampled_from(DRUGS)), "dose": dose, "dose_unit": "mg",
            "route": draw(st.sampled_from(("ORAL", "INTRAVENOUS", "TOPICAL"))),
            "frequency": frequency, "pulse": frequency == "ONCE",
            "start": start.isoformat()[:precision] if frequency != "ONCE" else start.isoformat(),
            "stop": stop, "ongoing": stop is None,
        })  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A dosed subject seen at V1 and V7 (day 56): the outcomes series runs to day 56."""
    from models import Actor
    from models.db import make_engine, upgrade
    from records.context import Workbench
    from study import load_study

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'prop.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    actor = Actor(user_id=None, username="inv", full_name="Ivy Investigator", role="investigator")
    trial = Trial(wb, actor)
    sid = trial.subject("050-001")
    trial.dose(sid)
    trial.visit(sid, "V7", 56)
    yield wb, actor, sid
    engine.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=histories())
def test_outcomes_and_medications_page_give_the_same_daily_series(followed, history):
    wb, actor, sid = followed
    with wb.engine.begin() as conn:
        conn.execute(delete(Medication).where(Medication.subject_id == sid))
    saved = 0
    for values in history:
        try:
            save_medication(wb, actor, subject_id=sid, values=values, today=TODAY)
            saved += 1
        except ValidationFailed:
            continue
    assume(saved > 0)
    with wb.engine.connect() as conn:
        data = read_clinical_data(conn, wb.study, TODAY, subject_ids=(sid,))
    outcome = subject_series(data)[sid]
    page = steroid_series(wb, sid, outcome.start, outcome.end)
    assert outcome.end == DAY1 + timedelta(days=55)
    assert [d.prednisone_equivalent_mg for d in outcome.days] == [
        d.prednisone_equivalent_mg for d in page.days
    ]
    assert outcome.pulse_days == page.pulse_days
