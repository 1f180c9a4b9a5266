"""Treatment-failure (non-response) triggers of spec/scoring.md §3.3, revised defaults.

Each finder returns the first `Trigger` — the rule, the day from which it applies, and the record
that fired it — or None, so every non-response can name its rule and its record:

- (b) rescue: an IV/IM corticosteroid pulse after day 1; an immunosuppressant or biologic whose
  ingredient was not in use on day 1; a background immunosuppressant raised above its day-1
  daily dose. A new row of a background drug at the same or a lower daily dose is not rescue.
- (c) steroid increase: a daily prednisone-equivalent dose above the dose in force on day 1 on
  any day after day 1 within the 28 days up to the visit; an absolute ceiling (mg/day on N days)
  is an option, off by default.
- (d) withdrawal, lost to follow-up or death, from that date on (the records layer dates it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scoring.steroid_table import ADMINISTRATIONS_PER_DAY, ONCE
from scoring.steroids import SteroidSeries

WINDOW_DAYS = 28
"""[DESIGN] The steroid rules look at the 28 days up to the visit (the BILAG-2004 look-back)."""

RESCUE_INGREDIENTS: Mapping[str, str] = MappingProxyType(
    {
        "cyclophosphamide": "cyclophosphamide",
        "azathioprine": "azathioprine",
        "methotrexate": "methotrexate",
        "mycophenol": "mycophenolate",
        "tacrolimus": "tacrolimus",
        "voclosporin": "voclosporin",
        "ciclosporin": "ciclosporin",
        "cyclosporin": "ciclosporin",
        "leflunomide": "leflunomide",
        "belimumab": "belimumab",
        "anifrolumab": "anifrolumab",
        "rituximab": "rituximab",
        "obinutuzumab": "obinutuzumab",
    }
)
"""[DESIGN] Immunosuppressants and biologics of SLE care (text stem → ingredient), §3.3 (b).
The SFI severe-flare drugs (cyclophosphamide, azathioprine, methotrexate, mycophenolate, §4.4)
plus the calcineurin inhibitors, leflunomide and the SLE biologics; antimalarials are background
therapy, never rescue."""

PULSE_ROUTES = frozenset({"INTRAVENOUS", "IV", "INTRAMUSCULAR", "IM"})


def ingredient_of(drug: object) -> str | None:
    """The immunosuppressant or biologic a drug text names, or None."""
    text = drug.lower() if isinstance(drug, str) else ""
    return next((name for stem, name in RESCUE_INGREDIENTS.items() if stem in text), None)


def per_day(dose: float | None, frequency: str | None) -> float | None:
    """Daily amount of a regimen (dose × administrations per day); None when unknown."""
    code = (frequency or "").strip().upper()
    if dose is None or (code not in ADMINISTRATIONS_PER_DAY and code != ONCE):
        return None
    if code == ONCE:
        return float(dose)
    share = ADMINISTRATIONS_PER_DAY[code]
    return float(dose) * share.numerator / share.denominator


@dataclass(frozen=True, slots=True)
class Trigger:
    """A fired treatment-failure rule: which, from which day, and the record that fired it."""

    rule: str
    on: dt.date
    record: str


@dataclass(frozen=True, slots=True)
class TherapyRow:
    """One medication row as the rescue rule reads it (dates bounded outwards, §6.2)."""

    description: str
    ingredient: str | None
    steroid_pulse: bool
    daily_dose: float | None
    unit: str | None
    start: dt.date
    start_latest: dt.date
    stop: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        """Whether the row may be in use on `day` (ongoing rows have no end)."""
        return self.start <= day and (self.stop is None or day <= self.stop)


def _dose_on(rows: Iterable[TherapyRow], ingredient: str, unit: str | None, day: dt.date) -> float:
    """Total daily dose of one ingredient in one unit on a day."""
    return sum(
        r.daily_dose or 0.0
        for r in rows
        if r.ingredient == ingredient and r.unit == unit and r.active_on(day)
    )


def _rescue_of(row: TherapyRow, rows: tuple[TherapyRow, ...], day1: dt.date) -> str | None:
    """Why a row started after day 1 is rescue therapy, or None when it is not."""
    if row.steroid_pulse:
        return f"IV/IM corticosteroid pulse: {row.description}"
    if row.ingredient is None:
        return None
    background = [r for r in rows if r.ingredient == row.ingredient and r.active_on(day1)]
    if not background:
        return f"new {row.ingredient} (not in use on day 1): {row.description}"
    if row.daily_dose is None:
        return None
    before = _dose_on(rows, row.ingredient, row.unit, day1)
    now = _dose_on(rows, row.ingredient, row.unit, max(row.start, day1 + dt.timedelta(days=1)))
    if now > before:
        return (
            f"{row.ingredient} raised to {now:g} {row.unit or ''}/day above its day-1 "
            f"{before:g}: {row.description}"
        ).replace(" /day", "/day")
    return None


def rescue_trigger(rows: Iterable[TherapyRow], day1: dt.date) -> Trigger | None:
    """The first rescue therapy started after day 1 (§3.3 (b)), or None."""
    therapy = tuple(rows)
    after = day1 + dt.timedelta(days=1)
    found: list[Trigger] = []
    for row in therapy:
        if row.start_latest < after:
            continue
        why = _rescue_of(row, therapy, day1)
        if why is not None:
            found.append(Trigger("rescue_therapy", max(row.start, after), why))
    return min(found, key=lambda t: t.on, default=None)


def _window(series: SteroidSeries, first: dt.date, visit: dt.date) -> list[tuple[dt.date, float]]:
    """(day, mg) of the series from `first` to the visit, within the look-back window."""
    start = max(first, visit - dt.timedelta(days=WINDOW_DAYS - 1), series.start)
    end = min(visit, series.end)
    days = series.days[(start - series.start).days : (end - series.start).days + 1]
    return [(d.day, d.prednisone_equivalent_mg) for d in days] if start <= end else []


def steroid_increase(series: SteroidSeries, day1: dt.date, visit: dt.date) -> Trigger | None:
    """The first day after day 1, in the 28 days up to the visit, above the day-1 dose (§3.3 c)."""
    if not series.start <= day1 <= series.end:
        return None
    baseline = series.on(day1).prednisone_equivalent_mg
    for day, mg in _window(series, day1 + dt.timedelta(days=1), visit):
        if mg > baseline:
            rows = "; ".join(r.describe() for r in series.in_force(day)) or "no row"
            record = (
                f"{mg:g} mg/day prednisone-equivalent on {day.isoformat()} above the day-1 dose "
                f"{baseline:g} mg/day ({day1.isoformat()}); in force: {rows}"
            )
            return Trigger("steroid_above_baseline", day, record)
    return None


def days_above_ceiling(
    series: SteroidSeries, day1: dt.date, visit: dt.date, ceiling_mg: float
) -> tuple[int, str]:
    """Days above an absolute ceiling in the 28 days up to the visit (optional rule), and which."""
    above = [
        day for day, mg in _window(series, day1 + dt.timedelta(days=1), visit) if mg > ceiling_mg
    ]
    if not above:
        return 0, ""
    return len(above), (
        f"{len(above)} day(s) above {ceiling_mg:g} mg/day from {above[0].isoformat()} "
        f"to {above[-1].isoformat()}"
    )
