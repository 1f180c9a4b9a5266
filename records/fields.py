"""Parsing of raw form values into typed values, collecting `{field: message}` errors.

Every parser takes whatever a widget or CLI hands over (str, number, date, None) and never
raises for bad input: it records a message for the field and returns None, so a whole form is
checked at once and nothing partial is written.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

Errors = dict[str, str]

# Strict readings (issue #13): ASCII digits only, one form each. Python's own parsers also accept
# Arabic-Indic and full-width digits, `1_000`, `20250220` and ISO week dates `2025-W08-4`.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2})?", re.ASCII)
EARLIEST_DATE = date(1900, 1, 1)
# Invisible characters that can hide in any text: zero-width space and joiner-free marks, BOM,
# and every direction override or isolate (they reorder what a reader sees).
_HIDDEN = frozenset("\u200b\u2060\ufeff\u200e\u200f\u061c") | frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
)


def _invisible(value: str, strict: bool) -> bool:
    """Hidden characters anywhere; in identifiers and required text every format character."""
    if strict:
        return any(unicodedata.category(ch) == "Cf" for ch in value)
    return any(ch in _HIDDEN for ch in value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = False,
    max_length: int = 200,
    identifier: bool = False,
) -> str | None:
    """Trimmed NFC text; refuses control characters (except tab/newline), invisible and
    direction-changing characters (every format character in identifiers and required text),
    and over-long input."""
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
    value = unicodedata.normalize("NFC", value.strip())
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in value):
        errors[field] = "contains control characters"
        return None
    if _invisible(value, strict=required or identifier):
        errors[field] = "contains invisible or direction-changing characters"
        return None
    if identifier and any(ch.isspace() and ch != " " for ch in value):
        errors[field] = "contains line breaks, tabs or unusual spaces"
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
        if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
            raise ValueError(value)
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
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = False,
    not_after: date | None = None,
    not_before: date = EARLIEST_DATE,
) -> date | None:
    """A calendar date (date object or YYYY-MM-DD text), within [not_before, not_after]."""
    if _blank(value):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            if not _DATE.fullmatch(str(value).strip()):
                raise ValueError(value)
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            errors[field] = "must be a date as YYYY-MM-DD"
            return None
    if value < not_before:
        errors[field] = f"cannot be before {not_before.isoformat()}"
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
        if not _TIME.fullmatch(str(value).strip()):
            raise ValueError(value)
        return time.fromisoformat(str(value).strip()).strftime("%H:%M")
    except ValueError:
        errors[field] = "must be a time as HH:MM"
        return None


def flag(value: Any) -> bool:
    """A checkbox value: True only for True-like input."""
    if isinstance(value, str):
        return value.strip().lower() in ("y", "yes", "true", "1", "on")
    return bool(value)
