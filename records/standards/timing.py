"""ISO 8601 --DTC values, study days and epochs for SDTM (records §4.3, §4.4).

Dates stay as collected: partial dates are right-truncated text, never imputed (imputation
belongs to ADaM). Clock times are the site's wall-clock time, as the listings show them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from scoring import dates

EPOCHS = ("SCREENING", "TREATMENT", "FOLLOW-UP")
"""EPOCH values (CT C99079): screening before day 1, treatment on day 1, follow-up after."""


def missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def dtc(value: Any) -> str | None:
    """ISO 8601 text: dates as YYYY-MM-DD, datetimes to the minute, partial text unchanged."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace(" ", "T")[:16] or None


def complete_date(value: Any) -> date | None:
    """The calendar date of a --DTC value when the day is known, else None (partial)."""
    text = dtc(value)
    if text is None or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def study_day(value: Any, reference: Any) -> int | None:
    """--DY: the SDTMIG rule (no day 0) on the date part; None for partial dates or undosed."""
    day, ref = complete_date(value), complete_date(reference)
    if day is None or ref is None:
        return None
    return dates.study_day(day, ref)


def epoch(value: Any, reference: Any) -> str | None:
    """SCREENING before day 1, TREATMENT on day 1, FOLLOW-UP after; None when not knowable."""
    text = dtc(value)
    if text is None:
        return None
    day = study_day(text, reference)
    if day is None:
        return "SCREENING" if missing(reference) and complete_date(text) else None
    if day < 1:
        return "SCREENING"
    return "TREATMENT" if day == 1 else "FOLLOW-UP"
