"""A taper entered once: its rows saved together through the medication checks, or none; steps
still to come are not written; the daily steroid series reads the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from records.errors import NotFound, ValidationFailed
from records.medications import list_medications, steroid_series
from records.tapers import save_taper
from tests.records.conftest import TODAY, counts

pytestmark = pytest.mark.req("SCO-STEROIDS")

TAPER = {"drug": "prednisone", "route": "ORAL", "start_mg": "30", "step_mg": "10",
         "every_days": "7", "until_mg": "0", "indication": "SLE flare"}  # fmt: skip


def _taper(wb, actor, subject_id, **values):
    return save_taper(wb, actor, subject_id=subject_id, values={**TAPER, **values}, today=TODAY)


def test_a_finished_taper_is_saved_as_its_rows(wb, actor, subject):
    start = TODAY - timedelta(days=40)
    saved, plan = _taper(wb, actor, subject.id, start=start)
    rows = [(r.dose, r.start, r.stop, r.ongoing) for r in list_medications(wb, subject.id)]
    day = [(start + timedelta(days=n)).isoformat() for n in range(21)]
    assert rows == [(30, day[0], day[6], False), (20, day[7], day[13], False),
                    (10, day[14], day[20], False)]  # fmt: skip
    assert [r.prednisone_equivalent_mg_per_day for r in saved] == [30, 20, 10]
    assert not plan.later and all(r.corticosteroid and r.frequency == "QD" for r in saved)
    series = steroid_series(wb, subject.id, start, TODAY)
    mg = {d.day: d.prednisone_equivalent_mg for d in series.days}
    at = [start + timedelta(days=n) for n in (0, 7, 20, 21)]
    assert [mg[d] for d in at] == [30, 20, 10, 0]


def test_a_taper_under_way_saves_what_has_begun_the_current_step_ongoing(wb, actor, subject):
    start = TODAY - timedelta(days=9)  # step 2 (20 mg) began 2 days ago
    saved, plan = _taper(wb, actor, subject.id, start=start)
    assert [(r.dose, r.stop, r.ongoing) for r in saved] == [
        (30, (start + timedelta(days=6)).isoformat(), False),
        (20, None, True),
    ]
    assert [s.dose_mg for s in plan.later] == [10]  # still to come: not written
    assert plan.running is not None and plan.running.dose_mg == 20  # its stop is to be given


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_mg": "thirty"}, "start_mg"),
        ({"step_mg": "0"}, "step_mg"),
        ({"every_days": "0"}, "every_days"),
        ({"until_mg": "30"}, "until_mg"),
        ({"start": None}, "start"),
        ({"route": None}, "route"),  # every row gets the checks of a row typed by hand
        ({"drug": ""}, "drug"),
        ({"colour": "red"}, "colour"),
        ({"frequency": "PRN"}, "frequency"),  # a taper is taken every day
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(wb, actor, subject, change, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as refused:
        _taper(wb, actor, subject.id, **{"start": TODAY - timedelta(days=30), **change})
    assert field in refused.value.errors and counts(wb) == before


def test_a_taper_of_an_unknown_subject_writes_no_row(wb, actor):
    before = counts(wb)
    with pytest.raises(NotFound):
        _taper(wb, actor, 999, start=TODAY - timedelta(days=30))
    assert counts(wb) == before
