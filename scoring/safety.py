"""Adverse events: treatment-emergence, ICH E2A seriousness, SAE reporting clock (spec §9).

Controlled terminology and the CTCAE grade ↔ severity mapping live in `scoring.ae_terms`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from scoring.dates import PartialDate, parse_partial_date
from scoring.errors import ScoringInputError

SAE_REPORT_HOURS_DEFAULT = 24

SERIOUSNESS_CRITERIA: tuple[tuple[str, str], ...] = (
    ("AESDTH", "results in death"),
    ("AESLIFE", "is life-threatening"),
    ("AESHOSP", "requires or prolongs inpatient hospitalisation"),
    ("AESDISAB", "results in persistent or significant disability/incapacity"),
    ("AESCONG", "is a congenital anomaly/birth defect"),
    ("AESMIE", "is an important medical event"),
)

OnsetInput = PartialDate | dt.datetime | dt.date | str
ReportStatus = Literal["pending", "overdue", "on_time", "late"]


@dataclass(frozen=True, slots=True)
class TeaeResult:
    """Treatment-emergent flag; `certain` is False when a partial onset was imputed (§9.5)."""

    emergent: bool
    certain: bool
    onset: str
    reasons: tuple[str, ...]

    @property
    def aetrtem(self) -> str:
        """SUPPAE QNAM=AETRTEM value: "Y" or "N" (records §4.2)."""
        return "Y" if self.emergent else "N"


def _onset_partial(onset: OnsetInput) -> PartialDate:
    """Normalise an onset to a PartialDate; a date without time is partial to the day."""
    if isinstance(onset, PartialDate):
        return onset
    if isinstance(onset, str):
        try:
            return parse_partial_date(onset)
        except ScoringInputError as error:
            raise ScoringInputError("onset", onset, error.allowed) from error
    if isinstance(onset, dt.datetime):
        if onset.tzinfo is not None:
            raise ScoringInputError("onset", onset, "a naive local datetime")
        return PartialDate(
            onset.year, onset.month, onset.day, onset.hour, onset.minute, onset.second
        )
    if isinstance(onset, dt.date):
        return PartialDate(onset.year, onset.month, onset.day)
    raise ScoringInputError("onset", onset, "ISO 8601 text, PartialDate, date or datetime")


def treatment_emergent(
    onset: OnsetInput,
    dose_start: dt.datetime | None,
    *,
    worsened_after_dose: bool = False,
    period_end: dt.date | None = None,
) -> TeaeResult:
    """TEAE iff onset ≥ start of the day-1 dose (or worsening after it) up to `period_end`.

    spec §9.5 [DESIGN]: a partial onset that could fall on/after the dose is emergent, flagged.
    """
    partial = _onset_partial(onset)
    if dose_start is None:
        return TeaeResult(False, True, partial.iso, ("subject not dosed: not treatment-emergent",))
    if not isinstance(dose_start, dt.datetime) or dose_start.tzinfo is not None:
        raise ScoringInputError("dose_start", dose_start, "a naive local datetime of the dose")
    if period_end is not None and partial.certainly_on_or_after(period_end + dt.timedelta(1)):
        return TeaeResult(False, True, partial.iso, (f"onset after the period end {period_end}",))
    if worsened_after_dose:
        return TeaeResult(True, True, partial.iso, ("pre-existing event worsened after the dose",))
    if partial.certainly_on_or_after(dose_start):
        return TeaeResult(True, True, partial.iso, (f"onset on/after dose start {dose_start}",))
    if partial.certainly_before(dose_start):
        return TeaeResult(False, True, partial.iso, (f"onset before dose start {dose_start}",))
    reason = (
        f"onset {partial.iso} is partial and could be on/after dose start {dose_start}: "
        "treated as emergent (conservative imputation)"
    )
    return TeaeResult(True, False, partial.iso, (reason,))


@dataclass(frozen=True, slots=True)
class SeriousnessResult:
    """ICH E2A seriousness: AESER plus the six criterion flags as CDISC NY values."""

    serious: bool
    criteria: tuple[str, ...]
    flags: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]

    @property
    def aeser(self) -> str:
        """AESER: "Y" or "N"."""
        return "Y" if self.serious else "N"

    def flag(self, variable: str) -> str:
        """The Y/N value of one seriousness variable (AESDTH, AESLIFE, …)."""
        values = dict(self.flags)
        if variable not in values:
            raise ScoringInputError("variable", variable, tuple(values))
        return values[variable]


def seriousness(
    *,
    death: bool = False,
    life_threatening: bool = False,
    hospitalisation: bool = False,
    disability: bool = False,
    congenital_anomaly: bool = False,
    important_medical_event: bool = False,
) -> SeriousnessResult:
    """Serious iff any of the six ICH E2A criteria holds; severity never makes an AE serious.

    spec §9.4.
    """
    answers = (
        death,
        life_threatening,
        hospitalisation,
        disability,
        congenital_anomaly,
        important_medical_event,
    )
    met = tuple(var for (var, _), yes in zip(SERIOUSNESS_CRITERIA, answers, strict=True) if yes)
    flags = tuple(
        (var, "Y" if yes else "N")
        for (var, _), yes in zip(SERIOUSNESS_CRITERIA, answers, strict=True)
    )
    if met:
        texts = dict(SERIOUSNESS_CRITERIA)
        reasons = tuple(f"{var}: {texts[var]}" for var in met)
    else:
        reasons = ("none of the six ICH E2A seriousness criteria met",)
    return SeriousnessResult(bool(met), met, flags, reasons)


def sae_report_due(awareness: dt.datetime, hours: int = SAE_REPORT_HOURS_DEFAULT) -> dt.datetime:
    """The deadline for the initial SAE report: awareness + `hours` (default 24) [DESIGN]."""
    if not isinstance(awareness, dt.datetime):
        raise ScoringInputError("awareness", awareness, "a datetime")
    if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
        raise ScoringInputError("hours", hours, "a positive whole number of hours")
    return awareness + dt.timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class SaeReportResult:
    """Whether an initial SAE report met its deadline, or is pending/overdue at `now`."""

    status: ReportStatus
    due: dt.datetime
    reasons: tuple[str, ...]


def sae_report_status(
    awareness: dt.datetime,
    reported: dt.datetime | None,
    now: dt.datetime,
    hours: int = SAE_REPORT_HOURS_DEFAULT,
) -> SaeReportResult:
    """On time iff reported ≤ awareness + `hours`; unreported is pending until due, then overdue."""
    due = sae_report_due(awareness, hours)
    if reported is not None:
        if reported < awareness:
            raise ScoringInputError("reported", reported, "a datetime on/after awareness")
        if reported <= due:
            return SaeReportResult("on_time", due, (f"reported {reported}, due {due}",))
        return SaeReportResult("late", due, (f"reported {reported} after the deadline {due}",))
    if now <= due:
        return SaeReportResult("pending", due, (f"not yet reported; due {due}",))
    return SaeReportResult("overdue", due, (f"not reported by the deadline {due}",))
