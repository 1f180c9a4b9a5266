"""The site's worklist: who comes in today and this week, and what is due, by window close.

Read from the visit measures of the outcome snapshot (each visit's calendar status and window
as the visit calendar computes them), so it costs no extra query and follows every edit.
Visits that will not happen are not listed: those of subjects who completed, failed
screening, withdrew, were lost or died. A visit that happened stays listed while any of its
forms is still to enter, whoever the subject.

A subject's rows depend on that subject alone, so they are derived with its outcomes and kept
per subject (`Outcomes.worklist_rows`, `records.outcomes.per_subject`): after an edit the
worklist is the kept rows sorted by window close, not a pass over every visit of the study.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from records.cells import missing
from records.outcomes.source import StudyData
from study.schema import StudyDefinition

RESOLVED_FORM_STATES = ("complete", "not_done")
"""Form states that count as entered: saved complete, or recorded as not done."""
ACTIVE = ("screening", "enrolled", "dosed")
"""Subject statuses that still have visits to come."""
HORIZON_DAYS = 7
"""A visit whose window opens within this many days is listed (this week)."""
COLUMNS = [
    "Subject", "Visit", "Window opens", "Window closes", "Days left", "State", "Forms to enter",
    "subject_id", "visit_id",
]  # fmt: skip
"""Shown columns, then the keys a row opens (hidden on screen)."""
_READ = [
    "subject", "visit", "visit_code", "visit_id", "subject_id", "subject_status",
    "calendar_status", "window_start", "window_end",
]  # fmt: skip
"""The measures' columns the worklist reads: a row tuple of all 114 costs ten times more."""


def entered_forms(data: StudyData) -> set[tuple[int, str]]:
    """(visit id, form code) of every form entered: saved complete or recorded as not done."""
    resolved = data.forms[data.forms["state"].isin(RESOLVED_FORM_STATES)]
    return set(zip(resolved["visit_id"].tolist(), resolved["form_code"].tolist(), strict=True))


def worklist(
    measures: pd.DataFrame, data: StudyData, study: StudyDefinition, today: date
) -> pd.DataFrame:
    """The worklist of these visits: `worklist_rows` by window close."""
    return by_window_close(worklist_rows(measures, data, study, today))


def by_window_close(rows: pd.DataFrame) -> pd.DataFrame:
    """Worklist rows sorted by window close, then subject (a subject's rows in visit order)."""
    return rows.sort_values(["Window closes", "Subject"], kind="stable").reset_index(drop=True)


def worklist_rows(
    measures: pd.DataFrame, data: StudyData, study: StudyDefinition, today: date
) -> pd.DataFrame:
    """Visits due now (window open), overdue (window closed, no visit date) or opening within
    `HORIZON_DAYS`, of subjects still in the study, and visits done with forms still to
    enter, in the order of `measures`: each with its days left (negative once the window has
    closed) and the forms not yet entered (neither saved complete nor recorded as not done)."""
    entered = entered_forms(data)
    expected = {visit.code: visit.forms for visit in study.visits}
    name_of = {form.code: study.form_name(form.code) for form in study.forms}
    horizon = today + timedelta(days=HORIZON_DAYS)
    rows = []
    for v in measures[_READ].itertuples(index=False):
        forms = [
            name_of.get(f, f) for f in expected[v.visit_code] if (v.visit_id, f) not in entered
        ]
        if v.calendar_status == "done":
            state = "done: forms to enter" if forms else None
        elif v.subject_status in ACTIVE:
            state = _state(v.calendar_status, v.window_start, today, horizon)
        else:
            state = None
        if state is None or missing(v.window_end):
            continue
        rows.append((
            v.subject, v.visit, v.window_start, v.window_end, (v.window_end - today).days, state,
            ", ".join(forms), int(v.subject_id), int(v.visit_id),
        ))  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def _state(status: str, opens: date | None, today: date, horizon: date) -> str | None:
    """How the visit stands for the site, or None when it is not on the worklist."""
    if status == "overdue":
        return "overdue: window closed"
    if status == "due":
        return "due: window open"
    if status == "not_yet_due" and not missing(opens) and opens <= horizon:  # type: ignore[operator]
        return f"window opens in {(opens - today).days} day(s)"  # type: ignore[operator]
    return None


def next_visits(measures: pd.DataFrame) -> dict[int, str]:
    """Each subject's next visit (the first not done, missed or not expected, in schedule
    order) with its window, for the subject list; subjects with none are left out."""
    found: dict[int, str] = {}
    ahead = measures[measures["calendar_status"].isin(("due", "overdue", "not_yet_due"))]
    ahead = ahead.loc[ahead["subject_status"].isin(ACTIVE), [*_READ, "visit_order", "sequence"]]
    for v in ahead.sort_values(["visit_order", "sequence"], kind="stable").itertuples(index=False):
        sid = int(v.subject_id)
        if sid in found:
            continue
        window = (
            f"{v.window_start} to {v.window_end}"
            if not missing(v.window_start) and not missing(v.window_end)
            else "window set by day 1"
        )
        found[sid] = f"{v.visit} · {window}" + (
            " · overdue" if v.calendar_status == "overdue" else ""
        )
    return found
