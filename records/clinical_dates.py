"""Clinical dates and times as entered: partial ISO 8601 dates, site-local clock times in UTC.

One reading of every date and time a form takes, so every use case refuses the same input with
the same message next to the field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from records import fields
from records.context import Workbench
from scoring.dates import PartialDate, parse_partial_date
from scoring.errors import ScoringInputError

_DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (partial dates allowed)"


def partial_date(
    errors: fields.Errors,
    field: str,
    value: Any,
    *,
    required: bool = False,
    with_time: bool = False,
    not_after: date | None = None,
) -> PartialDate | None:
    """A (partial) ISO 8601 date, or date and hh:mm with `with_time`; messages name `field`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = "is required"
        return None
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%dT%H:%M") if with_time else value.date().isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str) or len(value) > 30 or not value.isascii():
        errors[field] = f"must be a date as {_DATE_FORMS}"
        return None
    try:
        parsed = parse_partial_date(value)
    except ScoringInputError:
        parsed = None
    if parsed is None or parsed.year < 1900 or (parsed.hour is not None and not with_time):
        errors[field] = f"must be a date as {_DATE_FORMS}" + (", with hh:mm" if with_time else "")
        return None
    if parsed.second is not None or (parsed.hour is not None and parsed.minute is None):
        errors[field] = "give a time as hh:mm"
        return None
    if not_after is not None and parsed.certainly_on_or_after(not_after + timedelta(days=1)):
        errors[field] = f"cannot be after {not_after.isoformat()}"
        return None
    return parsed


def before_birth(
    birth_date: date | None, birth_year: int | None, starts: dict[str, str | None]
) -> fields.Errors:
    """`{field: message}` for each (partial) date that certainly lies before the birth."""
    birth = birth_date or (date(birth_year, 1, 1) if birth_year else None)
    errors: fields.Errors = {}
    for field, value in starts.items():
        if birth is None or not value:
            continue
        if parse_partial_date(value).certainly_before(birth):
            errors[field] = f"is before the subject's birth ({birth_date or birth_year})"
    return errors


def ends_before(start: PartialDate | None, end: PartialDate | None) -> bool:
    """True when `end` certainly lies before `start` (comparable partial dates only)."""
    return start is not None and end is not None and end.latest() < start.earliest()


def site_zone(wb: Workbench) -> ZoneInfo:
    """The site's time zone: clinical clock times are entered in it and stored as UTC."""
    return ZoneInfo(wb.study.site.timezone)


def a_datetime(
    errors: fields.Errors, field: str, value: Any, zone: tzinfo, *, required: bool = False
) -> datetime | None:
    """A site-local date and time ('YYYY-MM-DD HH:MM' or a datetime) as an aware UTC datetime."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = "is required"
        return None
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str) and len(value.strip()) in (16, 19):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None or not 1900 <= parsed.year <= 9000:
        errors[field] = "must be a date and time as YYYY-MM-DD HH:MM"
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.replace(second=0, microsecond=0).astimezone(UTC)


def local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored UTC time as the site's naive wall-clock time (what was entered)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)
