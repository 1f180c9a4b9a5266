"""A tiny trial built through the records use cases, shared by the outcome tests; and its checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from models import Actor
from models.db import make_engine, upgrade
from records.adverse_events import save_adverse_event
from records.assessments import save_assessment
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.labs import save_lab_panel
from records.medications import save_medication
from records.outcomes.snapshot import Outcomes, build_outcomes
from records.outcomes.source import load_study_data
from records.subjects import screen_subject, set_status
from records.visits import calendar, record_visit_date
from scoring import bilag, sledai
from scoring.dates import date_of_study_day
from study import load_study

TODAY = date(2025, 12, 1)
DAY1 = date(2025, 3, 3)


class Trial:
    """Builds subjects, visits and forms with the same functions the pages call."""

    def __init__(self, wb: Workbench, actor: Actor) -> None:
        self.wb, self.actor = wb, actor

    def subject(self, number: str, *, sex: str = "F", birth_year: int = 1980) -> int:
        values = {"screening_number": number, "sex": sex, "birth_year": birth_year}
        values["consent_date"] = DAY1 - timedelta(days=14)
        return screen_subject(self.wb, self.actor, values, today=TODAY).id

    def visit_id(self, subject_id: int, code: str) -> int:
        rows = calendar(self.wb, subject_id, today=TODAY)
        return next(r.visit_id for r in rows if r.visit_code == code)

    def visit(self, subject_id: int, code: str, day: int) -> int:
        """Record visit `code` on study day `day` (day 1 = DAY1)."""
        visit_id = self.visit_id(subject_id, code)
        when = date_of_study_day(day, DAY1)
        record_visit_date(self.wb, self.actor, visit_id, when, today=TODAY)
        return visit_id

    def dose(self, subject_id: int) -> None:
        """Eligible at screening, then dosed at V1 on DAY1."""
        self.visit(subject_id, "SCR", -10)
        answers = {c.code: "Y" if c.kind == "inclusion" else "N" for c in self.wb.study.eligibility}
        scr = self.visit_id(subject_id, "SCR")
        save_eligibility(self.wb, self.actor, visit_id=scr, values=answers, today=TODAY)
        values = {
            "lot": "L1",
            "cells_total": 1e8,
            "route": "SUBCUTANEOUS",
            "started_at": datetime(2025, 3, 3, 10, 0),
        }
        record_dose(self.wb, self.actor, visit_id=self.visit_id(subject_id, "V1"), values=values)

    def activity(self, visit_id: int, *, present: tuple[str, ...] = (), pga: str = "1.00",
                 grades: str = "CCCCCCCCC", **items: str) -> None:  # fmt: skip
        """PGA, SLEDAI-2K (descriptors present) and BILAG-2004 (9 grade letters) at a visit."""
        save = self._save(visit_id)
        save("PGA", {"PGA": pga})
        save("SLEDAI2K", {k: "Y" if k in present else "N" for k in sledai.DESCRIPTORS})
        codes = dict(zip(bilag.GRADE_CODES.values(), grades, strict=True))
        coded = {code: "0" for code in bilag.ORDINAL_ITEMS}  # every item coded (spec §2.7)
        save("BILAG2004", {**coded, **codes, **items})

    def form(self, visit_id: int, form: str, values: dict[str, Any]) -> None:
        self._save(visit_id)(form, values)

    def _save(self, visit_id: int) -> Any:
        def save(form: str, values: dict[str, Any]) -> None:
            save_assessment(
                self.wb, self.actor, visit_id=visit_id, form_code=form, values=values, today=TODAY
            )

        return save

    def labs(self, visit_id: int, panel: str, values: dict[str, float]) -> None:
        """Numeric results; out-of-range ones are marked not clinically significant."""
        entries = {k: {"value": v, "clinical_significance": "NCS"} for k, v in values.items()}
        save_lab_panel(self.wb, self.actor, visit_id=visit_id, panel=panel, values=entries,
                       today=TODAY)  # fmt: skip

    def steroid(self, subject_id: int, dose: float, start: str, **extra: Any) -> None:
        values = {"drug": "prednisone", "dose": dose, "dose_unit": "mg", "route": "ORAL",
                  "frequency": "QD", "start": start, "corticosteroid": True, **extra}  # fmt: skip
        save_medication(self.wb, self.actor, subject_id=subject_id, values=values, today=TODAY)

    def ae(self, subject_id: int, **values: Any) -> None:
        base = {"term": "Headache", "onset": "2025-03-10", "severity": "MILD",
                "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
                "outcome": "RECOVERED/RESOLVED", "end": "2025-03-12"}  # fmt: skip
        save_adverse_event(
            self.wb, self.actor, subject_id=subject_id, values={**base, **values}, today=TODAY
        )

    def withdraw(self, subject_id: int, day: int) -> None:
        when = date_of_study_day(day, DAY1)
        set_status(self.wb, self.actor, subject_id, "early_termination", when, "withdrew consent")


def test_trial_builder_writes_a_dosed_subject_with_scored_forms(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("001-001")
    trial.dose(sid)
    v1 = trial.visit_id(sid, "V1")
    trial.activity(v1, present=("arthritis", "rash"), pga="1.50", grades="CBCCCCCCC")
    data = load_study_data(wb, today=TODAY)
    assert data.subjects.loc[0, "dose_date"] == DAY1
    assert set(data.items["form_code"]) == {"PGA", "SLEDAI2K", "BILAG2004"}
    assert data.eligibility.loc[0, "eligibility"] == "eligible"
    assert len(data.doses) == 1


def built_outcomes(
    tmp_path_factory: pytest.TempPathFactory, folder: str
) -> Iterator[tuple[Outcomes, dict[str, int]]]:
    """For a module fixture: the small study in a fresh migrated file, its outcomes as of
    TODAY and the ids `small_study` returns."""
    engine = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp(folder)) / 'outcomes.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    actor = Actor(user_id=None, username="inv", full_name="Ivy Investigator", role="investigator")
    ids = small_study(wb, actor)
    yield build_outcomes(wb, TODAY), ids
    engine.dispose()


def small_study(wb: Workbench, actor: Actor) -> dict[str, int]:
    """Three subjects: A responds at V5 then misses visits, B withdraws on day 20, C screened only.

    A at V1: SLEDAI-2K 8 (arthritis, rash, low complement), PGA 1.50, mucocutaneous B; labs;
    prednisone 10 mg/day then 5 mg/day from 2 April. A at V5 (day 14): SLEDAI-2K 2, PGA 1.00,
    all C. A's V6 (day 28) is done with nothing entered; V2–V4 and V7–V11 are overdue.
    """
    trial = Trial(wb, actor)
    a, b, c = trial.subject("001-001"), trial.subject("001-002"), trial.subject("001-003")
    for subject in (a, b):
        trial.dose(subject)
    v1 = trial.visit_id(a, "V1")
    trial.activity(v1, present=("arthritis", "rash", "low_complement"), pga="1.50",
                   grades="CBCCCCCCC")  # fmt: skip
    trial.labs(v1, "CHEM", {"CREAT": 0.9})
    trial.labs(v1, "UA", {"UPCR": 1.2})
    trial.labs(v1, "SERO", {"C3": 80, "C4": 9, "DSDNA": 50})
    trial.steroid(a, 10, "2025-01-01", stop="2025-04-01")
    trial.steroid(a, 5, "2025-04-02", ongoing=True)
    v5 = trial.visit(a, "V5", 14)
    trial.activity(v5, present=("low_complement",), pga="1.00")
    trial.labs(v5, "CHEM", {"CREAT": 0.95})
    trial.labs(v5, "UA", {"UPCR": 0.4})
    trial.visit(a, "V6", 28)
    trial.activity(trial.visit_id(b, "V1"), present=("arthritis",), pga="0.50")
    trial.withdraw(b, 20)
    trial.ae(a)
    trial.ae(b, term="Fever", severity="SEVERE", ctcae_grade=3, onset="2025-03-05", end=None,
             outcome="RECOVERING/RESOLVING", relationship="POSSIBLY RELATED")  # fmt: skip
    trial.ae(a, term="Rash before dosing", onset="2025-02-25", end="2025-02-27")
    return {"A": a, "B": b, "C": c, "A_V1": v1, "A_V5": v5}
