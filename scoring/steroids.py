"""Prednisone-equivalent glucocorticoid dose from dated regimens (spec/scoring.md §6).

Each regimen is a dated row with an inclusive stop date (the last day taken; `None` = ongoing,
run to the series end given by the caller). Per-day values come first; current dose, averages,
cumulative and pulse figures are all read from that per-day series (spec Decisions: Steroids).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from scoring.errors import ScoringInputError
from scoring.steroid_table import (
    ADMINISTRATIONS_PER_DAY,
    DRUG_ALIASES,
    FREQUENCIES,
    HIGH_MAX,
    LOW_MAX,
    MEDIUM_MAX,
    NO_SYSTEMIC_EQUIVALENCE,
    ONCE,
    PREDNISONE_EQUIVALENT_FACTORS,
    PULSE_MIN,
    SYSTEMIC_ROUTES,
    corticosteroid_in,
)

FactorTable = Mapping[str, float]
Band = Literal["none", "low", "medium", "high", "very_high", "pulse"]


def _check_dose(dose_mg: float, field: str = "dose_mg") -> float:
    """A finite, non-negative dose in mg."""
    number = isinstance(dose_mg, int | float) and not isinstance(dose_mg, bool)
    if not number or not math.isfinite(dose_mg) or dose_mg < 0:
        raise ScoringInputError(field, dose_mg, "a finite number of mg ≥ 0")
    return float(dose_mg)


def _check_frequency(frequency: str) -> str:
    """Upper-cased frequency code from QD, BID, TID, QID, QOD, QW, ONCE."""
    code = frequency.strip().upper() if isinstance(frequency, str) else ""
    if code not in FREQUENCIES:
        raise ScoringInputError("frequency", frequency, FREQUENCIES)
    return code


def prednisone_factor(drug: str, table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS) -> float:
    """mg prednisone per mg of `drug` (generic name, any case); spec §6.1."""
    name = drug.strip().lower() if isinstance(drug, str) else ""
    name = DRUG_ALIASES.get(name, name)
    if name in table:
        return table[name]
    named = corticosteroid_in(name)
    if named is not None and named in table:
        return table[named]
    if name in NO_SYSTEMIC_EQUIVALENCE:
        raise ScoringInputError("drug", drug, "a drug with a systemic equivalence (not budesonide)")
    raise ScoringInputError("drug", drug, sorted(table))


def daily_prednisone_equivalent(
    drug: str,
    dose_mg: float,
    frequency: str,
    table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS,
) -> float:
    """mg/day = dose × administrations per day × factor; QOD = dose/2, QW = dose/7 (spec §6.2).

    `ONCE` (a single pulse) gives the whole converted dose, counted on the day it is given.
    """
    factor = prednisone_factor(drug, table)
    dose = _check_dose(dose_mg)
    code = _check_frequency(frequency)
    if code == ONCE:
        return dose * factor
    per_day = ADMINISTRATIONS_PER_DAY[code]
    return dose * factor * per_day.numerator / per_day.denominator


@dataclass(frozen=True, slots=True)
class Regimen:
    """One dated corticosteroid row; `stop` is the last day taken (inclusive), None if ongoing."""

    drug: str
    dose_mg: float
    frequency: str
    route: str
    start: dt.date
    stop: dt.date | None = None
    is_pulse: bool = False

    def __post_init__(self) -> None:
        for field, name in (("drug", self.drug), ("route", self.route)):
            if not isinstance(name, str) or not name.strip():
                raise ScoringInputError(field, name, "a non-empty name")
        if isinstance(self.start, dt.datetime) or not isinstance(self.start, dt.date):
            raise ScoringInputError("start", self.start, "a date")
        _check_dose(self.dose_mg)
        code = _check_frequency(self.frequency)
        if self.stop is not None and self.stop < self.start:
            raise ScoringInputError("stop", self.stop, f"a date on/after start {self.start}")
        if code == ONCE and self.stop not in (None, self.start):
            raise ScoringInputError("stop", self.stop, f"None or the start date for {ONCE}")

    @property
    def is_systemic(self) -> bool:
        """True when the route counts towards systemic prednisone-equivalent (spec §6.1)."""
        route_ok = self.route.strip().upper() in SYSTEMIC_ROUTES
        return route_ok and self.drug.strip().lower() not in NO_SYSTEMIC_EQUIVALENCE

    def active_on(self, day: dt.date, end: dt.date) -> bool:
        """Whether this regimen contributes on `day`; ongoing rows run to `end`."""
        if _check_frequency(self.frequency) == ONCE:
            return day == self.start
        last = self.stop if self.stop is not None else end
        return self.start <= day <= last

    def describe(self) -> str:
        """Short text naming the row, used in reasons (a single dose is one day, not ongoing)."""
        once = self.frequency.strip().upper() == ONCE
        stop = self.stop.isoformat() if self.stop else "ongoing"
        days = self.start.isoformat() if once else f"{self.start.isoformat()}–{stop}"
        pulse = " pulse" if self.is_pulse else ""
        dosing = f"{self.dose_mg:g} mg {self.frequency.upper()} {self.route}{pulse}"
        return f"{self.drug} {dosing} {days}"


@dataclass(frozen=True, slots=True)
class SteroidDay:
    """The prednisone-equivalent mg of one calendar day; `pulse_mg` is the part from pulses."""

    day: dt.date
    prednisone_equivalent_mg: float
    pulse_mg: float


@dataclass(frozen=True, slots=True)
class SteroidSeries:
    """Per-day prednisone-equivalent series over [start, end], inclusive (spec §6.2)."""

    start: dt.date
    end: dt.date
    days: tuple[SteroidDay, ...]
    excluded: tuple[Regimen, ...]
    reasons: tuple[str, ...]
    counted: tuple[Regimen, ...] = ()

    def in_force(self, day: dt.date) -> tuple[Regimen, ...]:
        """The counted regimens contributing on `day` (the records behind a dose)."""
        return tuple(r for r in self.counted if r.active_on(day, self.end))

    def on(self, day: dt.date) -> SteroidDay:
        """The entry for `day`; raises ScoringInputError outside the series."""
        if not self.start <= day <= self.end:
            raise ScoringInputError("day", day, f"a date from {self.start} to {self.end}")
        return self.days[(day - self.start).days]

    @property
    def cumulative_mg(self) -> float:
        """Sum of the daily values (pulses included)."""
        return math.fsum(d.prednisone_equivalent_mg for d in self.days)

    @property
    def average_mg_per_day(self) -> float:
        """Cumulative mg ÷ days in the interval (spec §6.2, Lupus-Cruces approach)."""
        return self.cumulative_mg / len(self.days)

    @property
    def pulse_days(self) -> tuple[dt.date, ...]:
        """Days on which a pulse regimen contributed."""
        return tuple(d.day for d in self.days if d.pulse_mg > 0)

    @property
    def cumulative_pulse_mg(self) -> float:
        """Sum of the pulse part of the daily values."""
        return math.fsum(d.pulse_mg for d in self.days)

    def days_above(self, ceiling_mg: float) -> tuple[dt.date, ...]:
        """Days whose total dose is strictly above `ceiling_mg`."""
        return tuple(d.day for d in self.days if d.prednisone_equivalent_mg > ceiling_mg)

    def longest_run_above(self, ceiling_mg: float) -> int:
        """The longest run of consecutive days strictly above `ceiling_mg`."""
        best = run = 0
        for d in self.days:
            run = run + 1 if d.prednisone_equivalent_mg > ceiling_mg else 0
            best = max(best, run)
        return best


def _exclusion_reason(regimen: Regimen) -> str:
    """Why a row is left out of the systemic total and flagged for review."""
    return f"excluded, flagged for review (not systemic): {regimen.describe()}"


def daily_series(
    regimens: Iterable[Regimen],
    start: dt.date,
    end: dt.date,
    table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS,
) -> SteroidSeries:
    """Per-day prednisone-equivalent mg; overlapping regimens add up (spec §6.2)."""
    if end < start:
        raise ScoringInputError("end", end, f"a date on/after start {start}")
    rows = tuple(regimens)
    counted = tuple(r for r in rows if r.is_systemic)
    excluded = tuple(r for r in rows if not r.is_systemic)
    per_row = {
        id(r): daily_prednisone_equivalent(r.drug, r.dose_mg, r.frequency, table) for r in counted
    }
    days = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        active = [r for r in counted if r.active_on(day, end)]
        total = math.fsum(per_row[id(r)] for r in active)
        pulse = math.fsum(per_row[id(r)] for r in active if r.is_pulse)
        days.append(SteroidDay(day, total, pulse))
    reasons = (*(f"counted: {r.describe()}" for r in counted), *map(_exclusion_reason, excluded))
    return SteroidSeries(start, end, tuple(days), excluded, reasons, counted)


@dataclass(frozen=True, slots=True)
class DoseSummary:
    """A dose figure read from the series, with the rows that made it."""

    mg: float
    start: dt.date
    end: dt.date
    pulse_mg: float
    pulse_days: tuple[dt.date, ...]
    reasons: tuple[str, ...]


def current_dose(
    regimens: Iterable[Regimen], on: dt.date, table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS
) -> DoseSummary:
    """The dose in force on the assessment date (taper step of that day), spec §6.2."""
    rows = tuple(regimens)
    series = daily_series(rows, on, on, table)
    today = series.days[0]
    active = [f"in force: {r.describe()}" for r in rows if r.is_systemic and r.active_on(on, on)]
    excluded = [_exclusion_reason(r) for r in series.excluded]
    head = f"{today.prednisone_equivalent_mg:g} mg/day prednisone-equivalent on {on.isoformat()}"
    mg = today.prednisone_equivalent_mg
    return DoseSummary(mg, on, on, today.pulse_mg, series.pulse_days, (head, *active, *excluded))


def average_daily_dose(
    regimens: Iterable[Regimen],
    start: dt.date,
    end: dt.date,
    table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS,
) -> DoseSummary:
    """Average mg/day over [start, end] = cumulative ÷ days; pulses included (spec §6.2)."""
    series = daily_series(regimens, start, end, table)
    note = (
        f"{series.cumulative_mg:g} mg over {len(series.days)} day(s), "
        f"of which pulses {series.cumulative_pulse_mg:g} mg"
    )
    pulse_mg, reasons = series.cumulative_pulse_mg, (note, *series.reasons)
    return DoseSummary(series.average_mg_per_day, start, end, pulse_mg, series.pulse_days, reasons)


def cumulative_dose(
    regimens: Iterable[Regimen],
    start: dt.date,
    end: dt.date,
    table: FactorTable = PREDNISONE_EQUIVALENT_FACTORS,
) -> float:
    """Cumulative prednisone-equivalent mg over [start, end] = sum of the daily series."""
    return daily_series(regimens, start, end, table).cumulative_mg


@dataclass(frozen=True, slots=True)
class DoseBand:
    """Buttgereit 2002 dose category of a daily dose (spec §6.2)."""

    band: Band
    mg_per_day: float
    reasons: tuple[str, ...]


def dose_band(mg_per_day: float, *, is_pulse: bool = False) -> DoseBand:
    """none 0; low ≤7.5; medium ≤30; high ≤100; very high >100; pulse ≥250 given as a pulse."""
    mg = _check_dose(mg_per_day, "mg_per_day")
    limits: tuple[tuple[float, Band, str], ...] = (
        (0.0, "none", "no glucocorticoid"),
        (LOW_MAX, "low", f"≤{LOW_MAX:g} mg/day"),
        (MEDIUM_MAX, "medium", f">{LOW_MAX:g}–{MEDIUM_MAX:g} mg/day"),
        (HIGH_MAX, "high", f">{MEDIUM_MAX:g}–{HIGH_MAX:g} mg/day"),
    )
    if is_pulse and mg >= PULSE_MIN:
        return DoseBand("pulse", mg, (f"pulse ≥{PULSE_MIN:g} mg/day",))
    for top, band, text in limits:
        if mg <= top:
            return DoseBand(band, mg, (text,))
    return DoseBand("very_high", mg, (f">{HIGH_MAX:g} mg/day",))


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two rows of one corticosteroid by one route taken on the same days (`last` None: both
    ongoing); `first` and `second` are their positions in the rows given, earlier start first."""

    first: int
    second: int
    start: dt.date
    last: dt.date | None


def same_drug_overlaps(regimens: Iterable[Regimen]) -> list[Overlap]:
    """Pairs of rows of the same drug by the same route whose days overlap.

    Overlapping rows add up (spec §6.2), which is right for a split dose entered as two rows
    (10 mg in the morning, 5 mg at night) and doubles the dose when a change was entered as a
    new row without ending the old one. Only a person can tell which, so the pair is found for a
    query, never merged or dropped here. A single dose or a pulse is given on top of a regimen
    by design and is not paired.
    """
    rows = [
        (n, r)
        for n, r in enumerate(regimens)
        if not r.is_pulse and _check_frequency(r.frequency) != ONCE
    ]
    found = []
    for i, (n, a) in enumerate(rows):
        for m, b in rows[i + 1 :]:
            if _name(a.drug) != _name(b.drug) or a.route.strip().upper() != b.route.strip().upper():
                continue
            start = max(a.start, b.start)
            ends = [r.stop for r in (a, b) if r.stop is not None]
            last = min(ends) if ends else None
            if last is None or start <= last:
                first, second = (n, m) if (a.start, n) <= (b.start, m) else (m, n)
                found.append(Overlap(first, second, start, last))
    return found


def _name(drug: str) -> str:
    """The drug a row names, for pairing (the ingredient when the table knows it)."""
    return corticosteroid_in(drug) or drug.strip().lower()
