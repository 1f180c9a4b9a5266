"""A corticosteroid taper entered once, written as the dated rows it stands for (#14).

Staff give the drug, route, start date and dose, the step down, how often, and the dose it
ends on; `scoring.tapers.taper_steps` writes out the steps, and every step that has begun by
today is saved as a medication row in one audited transaction: the same checks as a row typed
by hand (`records.medications.validate_row`), and either every row is saved or none is. A step
still to come is not written (a medication record is what was taken, and no date may be in the
future): the step in force today is saved as ongoing, and the steps to come are returned so
the page can say they are to be entered as they happen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from models import Actor, Medication
from records import fields
from records.context import Workbench
from records.errors import ValidationFailed
from records.instruments import screen
from records.medications import MedicationRead, check_subject, read_row, validate_row
from records.permissions import require
from records.write_path import audited
from scoring.errors import ScoringInputError
from scoring.steroid_table import ADMINISTRATIONS_PER_DAY
from scoring.tapers import TaperStep, taper_steps

FIELDS = ("drug", "route", "frequency", "indication", "start", "start_mg", "step_mg")
FIELDS += ("every_days", "until_mg")
FREQUENCIES = tuple(ADMINISTRATIONS_PER_DAY)
"""A taper is taken every day at a fixed number of doses (not as needed, not once)."""


@dataclass(frozen=True, slots=True)
class TaperPlan:
    """The steps of a taper: those to save now (begun by today) and those still to come.

    A step in force today is saved ongoing, without the stop it is planned to have (a stop
    date may not be in the future): `running` names it, so the page can say that its stop
    date is to be given when the next step is entered, else the two rows add up."""

    now: tuple[TaperStep, ...]
    later: tuple[TaperStep, ...]
    rows: tuple[dict[str, Any], ...]
    """The medication rows of `now`, checked as a row typed by hand is (the stored fields)."""
    running: TaperStep | None = None


def plan_taper(wb: Workbench, values: Mapping[str, Any], today: date) -> TaperPlan:
    """Check the taper and lay out its rows; ValidationFailed names each wrong field."""
    errors: fields.Errors = {}
    values = screen(values, FIELDS, errors)
    get = values.get
    start = fields.a_date(errors, "start", get("start"), required=True, not_after=today)
    fields.choice(errors, "frequency", get("frequency") or "QD", FREQUENCIES)
    doses = {
        name: fields.number(errors, name, get(name), required=True, minimum=0, maximum=2_000)
        for name in ("start_mg", "step_mg", "until_mg")
    }
    every = fields.integer(errors, "every_days", get("every_days"), required=True, minimum=1,
                           maximum=365)  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    try:
        steps = taper_steps(start, doses["start_mg"], doses["step_mg"], every, doses["until_mg"])  # type: ignore[arg-type]
    except ScoringInputError as err:
        raise ValidationFailed({err.field: f"must be {err.allowed}"}) from err
    now = tuple(s for s in steps if s.start <= today)
    later = tuple(s for s in steps if s.start > today)
    common = {
        "drug": get("drug"),
        "route": get("route"),
        "frequency": get("frequency") or "QD",
        "indication": get("indication"),
        "dose_unit": "mg",
        "corticosteroid": True,
    }
    rows = []
    for step in now:  # every row passes the checks of a row typed by hand
        ongoing = step.stop is None or step.stop > today  # in force today: ongoing
        row = {**common, "dose": step.dose_mg, "start": step.start, "ongoing": ongoing}
        rows.append(validate_row(wb, row | {"stop": None if ongoing else step.stop}, today))
    running = next((s for s, r in zip(now, rows, strict=True) if r["ongoing"] and s.stop), None)
    return TaperPlan(now, later, tuple(rows), running)


def save_taper(
    wb: Workbench,
    actor: Actor,
    *,
    subject_id: int,
    values: Mapping[str, Any],
    today: date | None = None,
) -> tuple[list[MedicationRead], TaperPlan]:
    """Save the rows of the taper begun by today, all in one transaction, or none."""
    require(actor, "write_clinical")
    today = today or date.today()
    plan = plan_taper(wb, values, today)
    with audited(wb, actor) as session:
        check_subject(session, subject_id, plan.rows[0]["start"])
        saved = []
        for row in plan.rows:
            medication = Medication(subject_id=subject_id, **row)
            session.add(medication)
            session.flush()
            saved.append(read_row(session, medication))
        return saved, plan
