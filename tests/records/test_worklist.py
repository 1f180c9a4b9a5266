"""The site's worklist and each subject's next visit (#14 item 1), on a trial built through
the use cases: windows from the visit calendar, forms still to enter, subjects who left or
finished not listed."""

from __future__ import annotations

from datetime import date

from records.outcomes.snapshot import build_outcomes
from records.outcomes.worklist import next_visits, worklist
from records.subjects import set_status
from tests.records.test_outcomes_data import Trial


def _worklist(wb, today: date):
    o = build_outcomes(wb, today=today)
    return worklist(o.measures, o.data, o.study, today), next_visits(o.measures)


def test_due_overdue_and_this_weeks_visits_sorted_by_window_close(wb, actor):
    trial = Trial(wb, actor)
    a, gone = trial.subject("010-001"), trial.subject("010-002")
    for sid in (a, gone):
        trial.dose(sid)  # day 1 = 2025-03-03
        trial.visit(sid, "V2", 2)
        trial.visit(sid, "V3", 4)
    trial.withdraw(gone, 5)

    listed, nexts = _worklist(wb, date(2025, 3, 15))
    done = listed[listed["State"] == "done: forms to enter"]
    visits = ("SCR", "V1", "V2", "V3")  # done, only eligibility and dose entered
    assert sorted(zip(done["Subject"], done["Visit"], strict=True)) == sorted(
        (s, v) for s in ("010-001", "010-002") for v in visits
    )
    frame = listed[listed["State"] != "done: forms to enter"].reset_index(drop=True)
    assert set(frame["Subject"]) == {"010-001"}  # the withdrawn subject has nothing to come
    assert frame["Visit"].tolist() == ["V4", "V5"]  # by window close
    assert listed["Window closes"].is_monotonic_increasing
    v4, v5 = frame.iloc[0], frame.iloc[1]
    assert (v4["Window opens"], v4["Window closes"]) == (date(2025, 3, 8), date(2025, 3, 10))
    assert v4["Days left"] == -5 and v4["State"] == "overdue: window closed"
    assert (v5["Window opens"], v5["Window closes"]) == (date(2025, 3, 14), date(2025, 3, 18))
    assert v5["Days left"] == 3 and v5["State"] == "due: window open"
    assert v5["visit_id"] == trial.visit_id(a, "V5") and v5["subject_id"] == a
    assert nexts == {a: "V4 · 2025-03-08 to 2025-03-10 · overdue"}

    later, _ = _worklist(wb, date(2025, 3, 21))
    v6 = later[later["Visit"] == "V6"].iloc[0]  # day 28 ± 3: opens 2025-03-27
    assert v6["State"] == "window opens in 6 day(s)" and v6["Days left"] == 12
    assert "V7" not in set(later["Visit"])  # opens after this week


def test_a_done_visit_stays_listed_while_forms_are_to_enter(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("011-001")
    trial.dose(sid)
    v5 = trial.visit(sid, "V5", 14)
    pga = wb.study.form_name("PGA")
    first, _ = _worklist(wb, date(2025, 3, 17))
    row = first[first["visit_id"] == v5].iloc[0]
    assert row["State"] == "done: forms to enter" and pga in row["Forms to enter"]
    trial.form(v5, "PGA", {"PGA": "1.00"})
    second, _ = _worklist(wb, date(2025, 3, 17))
    assert pga not in second[second["visit_id"] == v5].iloc[0]["Forms to enter"]
    every = [wb.study.form_name(f) for f in wb.study.visit("V5").forms if f != "PGA"]
    assert second[second["visit_id"] == v5].iloc[0]["Forms to enter"] == ", ".join(every)


def test_a_completed_subject_lists_only_visits_done_with_forms_to_enter(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("012-001")
    trial.dose(sid)
    set_status(wb, actor, sid, "completed", date(2025, 3, 5), "completed early by protocol")
    frame, nexts = _worklist(wb, date(2025, 3, 15))
    assert sorted(frame["Visit"]) == ["SCR", "V1"]  # seen, forms still to enter
    assert set(frame["State"]) == {"done: forms to enter"}
    assert nexts == {}  # nothing to come: V2… are not listed, not overdue
