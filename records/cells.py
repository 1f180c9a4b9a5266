"""What a stored cell holds: THE "missing" test and THE reading of a stored (partial) date.

Frames read from the database put None, NaN, NaT or pd.NA in an empty cell; every reader (the
listings, the outcomes, the data cut, the regimen conversion) asks these two functions, so an
empty stop date is "ongoing" everywhere and never a parse error somewhere (issue #10).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from scoring.dates import PartialDate, parse_partial_date
from scoring.errors import ScoringInputError


def missing(value: Any) -> bool:
    """True for None, NaN, NaT, pd.NA and blank text (what an empty cell holds)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def stored_date(value: Any) -> PartialDate | None:
    """A stored clinical date (date, datetime or ISO 8601 text, possibly partial), or None.

    Raises ScoringInputError for text that is not a date: the caller decides whether that is a
    data issue to show (a regimen) or a row to keep undated (the data cut).
    """
    if missing(value):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return parse_partial_date(value.isoformat())
    text = str(value).strip()
    return parse_partial_date(text[:10] if len(text) > 10 and text[10] in " T" else text)


def earliest_day(value: Any) -> date | None:
    """The earliest calendar day a stored date can mean; None when missing or not a date."""
    try:
        found = stored_date(value)
    except ScoringInputError:
        return None
    return None if found is None else found.earliest().date()


def latest_day(value: Any) -> date | None:
    """The latest calendar day a stored date can mean; None when missing or not a date."""
    try:
        found = stored_date(value)
    except ScoringInputError:
        return None
    return None if found is None else found.latest().date()
