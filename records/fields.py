"""Parsing of raw form values into typed values, collecting `{field: message}` errors.

Every parser takes whatever a widget or CLI hands over (str, number, date, None) and never
raises for bad input: it records a message for the field and returns None, so a whole form is
checked at once and nothing partial is written.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

Errors = dict[str, str]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(
    errors: Errors, field: str, value: Any, *, required: bool = False, max_length: int = 200
) -> str | None:
    """Trimmed text; refuses control characters (except tab/newline) and over-long input."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if not isinstance(value, str):
        try:
            value = str(value)
        except ValueError:  # e.g. an integer too long to print
            errors[field] = "is not valid text"
            return None
    value = value.strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in value):
        errors[field] = "contains control characters"
        return None
    if len(value) > max_length:
        errors[field] = f"is too long ({len(value)} characters; at most {max_length})"
        return None
    return value


def number(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """A finite number within [minimum, maximum]; text such as '1,5' is refused, not guessed."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, bool):
        errors[field] = "must be a number"
        return None
    try:
        result = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        errors[field] = f"must be a number (got {shown!r})"
        return None
    if not math.isfinite(result):
        errors[field] = "must be a finite number"
        return None
    if minimum is not None and result < minimum:
        errors[field] = f"must be at least {minimum:g}"
        return None
    if maximum is not None and result > maximum:
        errors[field] = f"must be at most {maximum:g}"
        return None
    return result


def integer(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """A whole number within bounds."""
    result = number(errors, field, value, required=required, minimum=minimum, maximum=maximum)
    if result is None:
        return None
    if not result.is_integer():
        errors[field] = "must be a whole number"
        return None
    return int(result)


def choice(
    errors: Errors, field: str, value: Any, allowed: Collection[str], *, required: bool = False
) -> str | None:
    """One of the allowed codes."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if not isinstance(value, str) or value not in allowed:
        errors[field] = f"must be one of: {', '.join(allowed)}"
        return None
    return value


def a_date(
    errors: Errors, field: str, value: Any, *, required: bool = False, not_after: date | None = None
) -> date | None:
    """A calendar date (date object or ISO YYYY-MM-DD text), optionally not after a limit."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            errors[field] = "must be a date as YYYY-MM-DD"
            return None
    if not_after is not None and value > not_after:
        errors[field] = f"cannot be after {not_after.isoformat()}"
        return None
    return value


def a_time(errors: Errors, field: str, value: Any, *, required: bool = False) -> str | None:
    """A clock time HH:MM, kept as text."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    try:
        return time.fromisoformat(str(value).strip()).strftime("%H:%M")
    except ValueError:
        errors[field] = "must be a time as HH:MM"
        return None


def flag(value: Any) -> bool:
    """A checkbox value: True only for True-like input."""
    if isinstance(value, str):
        return value.strip().lower() in ("y", "yes", "true", "1", "on")
    return bool(value)
