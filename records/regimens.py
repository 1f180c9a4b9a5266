"""THE conversion of a stored medication row into a corticosteroid regimen, or a data issue.

The medications page, the corticosteroid listing and every outcome (timeline, LLDAS, DORIS, the
treatment-failure rules, the flare index) read regimens through `read_regimen`, so they cannot
disagree (issue #10). A corticosteroid is recognised from its drug (`scoring.steroid_table`,
spec/scoring.md §6.1) as well as from the tick box. A row that cannot be converted is never
skipped silently: its `issue` says why, and pages and listings show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from records.cells import missing, stored_date
from scoring import steroids
from scoring.errors import ScoringInputError
from scoring.steroid_table import ONCE, corticosteroid_in


def _get(row: Any, name: str) -> Any:
    """A field of an ORM row, a frame row (namedtuple) or a mapping; missing cells → None."""
    value = row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)
    return None if missing(value) else value


def is_corticosteroid(row: Any) -> bool:
    """Ticked as a corticosteroid, or its drug names a systemic corticosteroid (§6.1)."""
    return bool(_get(row, "corticosteroid")) or corticosteroid_in(_get(row, "drug")) is not None


@dataclass(frozen=True, slots=True)
class RegimenReading:
    """One corticosteroid row: its regimen, or the issue that kept it out of every total."""

    medication_id: int | None
    subject_id: int | None
    drug: str
    regimen: steroids.Regimen | None
    issue: str | None

    def issue_text(self) -> str:
        """The issue with the row named, for pages, reasons and listings."""
        return f"medication {self.medication_id} ({self.drug}): {self.issue}"


def _checked(row: Any) -> steroids.Regimen:
    """The regimen of a corticosteroid row; ScoringInputError/ValueError say what is wrong."""
    dose, frequency, unit = _get(row, "dose"), _get(row, "frequency"), _get(row, "dose_unit")
    if dose is None:
        raise ValueError("dose missing: not counted in any steroid outcome")
    if frequency is None:
        raise ValueError("frequency missing: not counted in any steroid outcome")
    if unit is not None and str(unit).strip().lower() != "mg":
        raise ValueError(f"dose unit {unit!r} is not mg: not counted")
    start = stored_date(_get(row, "start"))
    if start is None:
        raise ValueError("start date missing: not counted")
    stop = stored_date(_get(row, "stop"))
    first = start.earliest().date()
    last = None if stop is None else stop.latest().date()
    if str(frequency).strip().upper() == ONCE:
        last = first
    drug = str(_get(row, "drug") or "")
    steroids.prednisone_factor(drug)
    route = str(_get(row, "route") or "")
    return steroids.Regimen(
        drug, float(dose), str(frequency), route, first, last, is_pulse=bool(_get(row, "pulse"))
    )


def read_regimen(row: Any) -> RegimenReading:
    """The regimen of one corticosteroid row, or why it cannot be interpreted (§6.2)."""
    ident, subject = _get(row, "id"), _get(row, "subject_id")
    ident = None if ident is None else int(ident)
    subject = None if subject is None else int(subject)
    drug = str(_get(row, "drug") or "")
    try:
        return RegimenReading(ident, subject, drug, _checked(row), None)
    except (ScoringInputError, ValueError) as error:
        return RegimenReading(ident, subject, drug, None, str(error))


def steroid_readings(rows: Iterable[Any]) -> list[RegimenReading]:
    """The reading of every corticosteroid row among `rows` (others are left out)."""
    return [read_regimen(row) for row in rows if is_corticosteroid(row)]


def daily_mg(reading: RegimenReading) -> tuple[float | None, str]:
    """The row's prednisone-equivalent mg per day (on the day, for ONCE) and how it was made."""
    reg = reading.regimen
    if reg is None:
        return None, f"not interpreted: {reading.issue}"
    if not reg.is_systemic:
        return None, f"route {reg.route or 'not given'} is not systemic: not counted (§6.1)"
    try:
        mg = steroids.daily_prednisone_equivalent(reg.drug, reg.dose_mg, reg.frequency)
    except ScoringInputError as error:
        return None, f"not interpreted: {error}"
    per = "on the day given" if reg.frequency.upper() == ONCE else "per day"
    return mg, f"{reg.dose_mg:g} mg {reg.drug} {reg.frequency} = {mg:g} mg prednisone {per}"
