"""Outcomes recomputed per edited subject equal a full recomputation, after any edit sequence.

Random sequences of the edits a site makes (forms, corrections with a reason, labs, steroids,
AEs, withdrawals, visit dates, new subjects), each through the records use cases on a real
SQLite file; after every edit the memo's outcomes must equal `build_outcomes` exactly (values,
dtypes, row order, every response result) and must have recomputed the edited subject only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models import Actor
from models.db import make_engine, upgrade
from records.assessments import load_assessment, save_assessment
from records.context import Workbench
from records.labs import load_lab_panel, save_lab_panel
from records.outcomes.per_subject import OutcomeMemo
from records.outcomes.snapshot import Outcomes, build_outcomes, outcomes_of
from records.outcomes.source import read_study_data
from records.outcomes.subject_keys import subject_keys
from records.outcomes.worklist import by_window_close, worklist
from records.visits import CalendarRow, calendar
from scoring import sledai
from study import load_study
from tests.records.test_outcomes_data import TODAY, Trial, small_study

ACTOR = Actor(user_id=None, username="inv", full_name="Ivy Investigator", role="investigator")
Edit = Callable[[Trial, random.Random, list[int]], int]
"""An edit: applies itself to one subject (chosen from the list) and returns that subject."""


def assert_same(memo: Outcomes, full: Outcomes) -> None:
    """Exact equality of everything the outcome pages and exports read."""
    for f in fields(full.data):
        expected = getattr(full.data, f.name)
        if isinstance(expected, pd.DataFrame):
            got = getattr(memo.data, f.name)
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=f.name)
    for name in ("measures", "baseline", "steroid_issues", "lab_issues", "worklist_rows"):
        got, expected = getattr(memo, name), getattr(full, name)
        pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=name)
    whole = worklist(full.measures, full.data, full.study, full.data.today)  # one pass, sorted
    pd.testing.assert_frame_equal(by_window_close(memo.worklist_rows), whole, check_exact=True)
    pd.testing.assert_frame_equal(memo.responses.frame, full.responses.frame, check_exact=True)
    assert memo.responses.cells == full.responses.cells
    assert memo.responses.indices == full.responses.indices
    assert memo.series == full.series
    assert memo.events == full.events
    assert memo.data.today == full.data.today


def _activity(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    """SLEDAI-2K, PGA and BILAG at a visit of a subject (new or replacing what is there)."""
    sid = rng.choice(subjects)
    visit_id = _dated_visit(trial, rng, sid, rng.choice(("V1", "V5", "V6", "V7", "V9")))
    present = tuple(rng.sample(sledai.DESCRIPTORS, rng.randint(0, 3)))
    pga, grades = rng.choice(("0.50", "1.00", "2.25")), rng.choice(("CCCCCCCCC", "CBCCCCCCC"))
    if load_assessment(trial.wb, visit_id, "PGA") is None:
        trial.activity(visit_id, present=present, pga=pga, grades=grades)
    else:
        _correct_pga(trial, visit_id, pga)
    return sid


def _dated_visit(trial: Trial, rng: random.Random, sid: int, code: str) -> int:
    """The visit's id, its date recorded first (near its target day) when it has none."""
    if any(r.visit_code == code and r.actual_date for r in _calendar(trial, sid)):
        return trial.visit_id(sid, code)
    target = trial.wb.study.visit(code).target_day or 1
    return trial.visit(sid, code, target + rng.randint(-2, 2))


def _correct_pga(trial: Trial, visit_id: int, pga: str) -> None:
    saved = load_assessment(trial.wb, visit_id, "PGA")
    assert saved is not None
    save_assessment(trial.wb, trial.actor, visit_id=visit_id, form_code="PGA",
                    values={"PGA": "3.00" if saved.values.get("PGA") == pga else pga},
                    reason="transcription error", expected_version=saved.version,
                    today=TODAY)  # fmt: skip


def _visit(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = rng.choice(subjects)
    _dated_visit(trial, rng, sid, rng.choice(("V2", "V4", "V6", "V8")))
    return sid


def _calendar(trial: Trial, sid: int) -> list[CalendarRow]:
    return calendar(trial.wb, sid, today=TODAY)


def _labs(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = rng.choice(subjects)
    visit_id = _dated_visit(trial, rng, sid, rng.choice(("V3", "V7", "V9")))
    upcr = rng.choice((0.2, 0.6, 1.4, "<0.1"))  # a bound: no measure, a lab issue
    saved = load_lab_panel(trial.wb, visit_id, "UA")
    if saved is None:
        trial.labs(visit_id, "UA", {"UPCR": upcr})
    else:
        before = saved.results["UPCR"].value
        options = [v for v in ("<0.1", "0.3", "0.9", "2.5") if v != before]
        entries = {"UPCR": {"value": rng.choice(options), "clinical_significance": "NCS"}}
        save_lab_panel(trial.wb, trial.actor, visit_id=visit_id, panel="UA", values=entries,
                       reason="lab report corrected", expected_version=saved.version,
                       today=TODAY)  # fmt: skip
    return sid


def _steroid(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = rng.choice(subjects)
    start = rng.choice(("2025-03-20", "2025-05-01", "2025-06-15"))
    trial.steroid(sid, rng.choice((5, 12.5, 30)), start, ongoing=True)
    return sid


def _ae(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = rng.choice(subjects)
    trial.ae(sid, term=rng.choice(("Nausea", "Fatigue", "Cough")),
             onset=rng.choice(("2025-03-01", "2025-04-10")), end=None,
             outcome="NOT RECOVERED/NOT RESOLVED")  # fmt: skip
    return sid


def _withdraw(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = rng.choice(subjects)
    trial.withdraw(sid, rng.randint(30, 90))
    subjects.remove(sid)
    return sid


def _new_subject(trial: Trial, rng: random.Random, subjects: list[int]) -> int:
    sid = trial.subject(f"002-{len(subjects) + rng.randint(100, 999):03d}")
    if rng.random() < 0.7:
        trial.dose(sid)
        subjects.append(sid)
    return sid


EDITS: tuple[Edit, ...] = (_activity, _activity, _visit, _labs, _steroid, _ae, _new_subject)


@pytest.fixture
def study_wb(tmp_path: Path) -> Workbench:
    engine = make_engine(f"sqlite:///{tmp_path / 'per-subject.db'}")
    upgrade(engine)
    return Workbench(engine, load_study())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_memo_equals_full_recomputation_after_random_edits(study_wb, seed):
    wb, rng, memo = study_wb, random.Random(seed), OutcomeMemo(chunk=2)  # cold: 2 chunks
    ids = small_study(wb, ACTOR)
    trial, dosed = Trial(wb, ACTOR), [ids["A"], ids["B"]]
    assert_same(memo.outcomes(wb, TODAY), build_outcomes(wb, TODAY))
    for step in range(12):
        edit = _withdraw if step == 7 and len(dosed) > 1 else rng.choice(EDITS)
        edited = edit(trial, rng, dosed)
        got = memo.outcomes(wb, TODAY)
        assert memo.recomputed == (edited,), (step, edit.__name__)
        assert_same(got, build_outcomes(wb, TODAY))
    assert memo.outcomes(wb, TODAY) is got  # nothing changed: nothing recomputed


def test_a_new_day_or_another_cut_is_a_new_context(study_wb):
    """Today's date and the data cut are part of what a subject's rows depend on."""
    wb, memo = study_wb, OutcomeMemo()
    small_study(wb, ACTOR)
    memo.outcomes(wb, TODAY)
    later = TODAY.replace(year=TODAY.year + 1)
    assert_same(memo.outcomes(wb, later), build_outcomes(wb, later))
    assert len(memo.recomputed) == 3
    cut = TODAY.replace(month=4, day=1)
    assert_same(memo.outcomes(wb, TODAY, data_cut=cut), _full_at_cut(wb, cut))


def _full_at_cut(wb: Workbench, cut: date) -> Outcomes:
    with wb.engine.connect() as conn:
        return outcomes_of(read_study_data(conn, wb, TODAY, data_cut=cut), wb.study)


def test_subject_keys_move_with_that_subjects_writes_only(study_wb):
    wb = study_wb
    ids = small_study(wb, ACTOR)
    with wb.engine.connect() as conn:
        before = subject_keys(conn)
    Trial(wb, ACTOR).ae(ids["B"], term="Cough")
    with wb.engine.connect() as conn:
        after = subject_keys(conn)
    assert after[ids["B"]] != before[ids["B"]]
    assert {k: v for k, v in after.items() if k != ids["B"]} == {
        k: v for k, v in before.items() if k != ids["B"]
    }
