"""A corticosteroid taper as the dated rows it stands for (spec/scoring.md §6, "Tapers").

The spec stores every regimen as a dated row, so a taper is a sequence of rows. Staff describe
it the way a prescription does (start dose, step down, every so many days, until a dose) and
this pure function writes out the rows, each with the days it covers: the daily
prednisone-equivalent series then reads them like any other rows. Doses are in the drug's own
mg (the rows are converted to prednisone equivalents later, per drug).

- The first step starts on `start` at `start_mg`; each following step is `step_mg` lower and
  starts `every_days` after the previous one; each step stops the day before the next starts.
- The last step is `until_mg`, reached exactly: when the steps do not land on it, the final
  step goes straight to it (30 → 22.5 → 15 → 10 with steps of 7.5 until 10), never below.
- `until_mg` above 0 is a maintenance dose: its row is left ongoing (no stop). `until_mg` 0
  means stopping: the last dose above 0 gets its stop date and no 0 mg row is written.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from scoring.errors import ScoringInputError

MAX_STEPS = 100
"""More rows than any real taper: a guard against a step typed as 0.01 mg."""


@dataclass(frozen=True, slots=True)
class TaperStep:
    """One row of a taper: the dose from `start` to `stop` (inclusive; None = ongoing)."""

    dose_mg: float
    start: dt.date
    stop: dt.date | None
    why: str


def _mg(value: object, field: str, positive: bool) -> float:
    allowed = "a finite number of mg > 0" if positive else "a finite number of mg ≥ 0"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScoringInputError(field, value, allowed)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ScoringInputError(field, value, allowed)
    return float(value)


def taper_steps(
    start: dt.date, start_mg: float, step_mg: float, every_days: int, until_mg: float
) -> tuple[TaperStep, ...]:
    """The rows of a taper from `start_mg` down by `step_mg` every `every_days` to `until_mg`."""
    first, step, last = (
        _mg(start_mg, "start_mg", True),
        _mg(step_mg, "step_mg", True),
        _mg(until_mg, "until_mg", False),
    )
    if isinstance(every_days, bool) or not isinstance(every_days, int) or every_days < 1:
        raise ScoringInputError("every_days", every_days, "a whole number of days ≥ 1")
    if last >= first:
        raise ScoringInputError("until_mg", until_mg, f"a dose below the start dose {first:g} mg")
    if not isinstance(start, dt.date):
        raise ScoringInputError("start", start, "a date")
    doses = [first]
    while doses[-1] > last:
        doses.append(max(last, round(doses[-1] - step, 6)))
        if len(doses) > MAX_STEPS:
            raise ScoringInputError("step_mg", step_mg, f"a step giving at most {MAX_STEPS} rows")
    if last == 0:
        doses.pop()  # stopping: no 0 mg row
    steps = []
    for n, dose in enumerate(doses):
        begins = start + dt.timedelta(days=n * every_days)
        final = n == len(doses) - 1
        stop = None if final and last > 0 else begins + dt.timedelta(days=every_days - 1)
        if final and last > 0:
            why = f"{dose:g} mg from {begins}: the dose the taper ends on, ongoing"
        elif final:
            why = f"{dose:g} mg {begins} to {stop}: the last dose, then stopped"
        else:
            why = f"{dose:g} mg {begins} to {stop}: step {n + 1} of the taper"
        steps.append(TaperStep(dose, begins, stop, why))
    return tuple(steps)
