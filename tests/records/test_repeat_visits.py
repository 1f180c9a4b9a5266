"""Two unscheduled visits on the same day stay two visits in every read: the listings, the
casebook and the SDTM findings (a repeat is keyed by its visit code and repeat number)."""

from __future__ import annotations

from models import Actor
from records.casebook import read_casebook
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.visits import add_visit, record_visit_date
from scoring.dates import date_of_study_day
from tests.records.test_outcomes_data import DAY1, TODAY, Trial

MONITOR = Actor(user_id=None, username="mon", full_name="Mo Monitor", role="monitor", origin="cli")


def test_two_unscheduled_visits_on_one_day_are_two_visits(wb, actor):
    trial = Trial(wb, actor)
    subject_id = trial.subject("021-001")
    trial.dose(subject_id)
    for present in (("arthritis",), ("rash", "alopecia", "fever")):
        visit_id = add_visit(wb, actor, subject_id, "UNS")
        record_visit_date(wb, actor, visit_id, date_of_study_day(30, DAY1), today=TODAY)
        trial.activity(visit_id, present=present)
    sheets = {s.number: s for s in read_snapshot(wb.engine, wb.study, Scope((subject_id,))).sheets}
    by_visit = sheets["16.2.6.1"].frame
    unscheduled = by_visit[by_visit["visit_code"] == "UNS"]
    assert list(unscheduled["visit_sequence"]) == [1, 2]
    assert list(unscheduled["total"]) == [4, 5]  # arthritis 4; rash 2 + alopecia 2 + fever 1
    book = read_casebook(wb, MONITOR, subject_id)
    headings = [s.heading for s in book.sections if s.heading.startswith("Visit UNS")]
    assert [h.split(" · ")[0] for h in headings] == ["Visit UNS", "Visit UNS #2"]
