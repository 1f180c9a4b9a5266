"""Who last changed a record and when, in the site's time zone (timestamps are stored in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st


def local_time(moment: Any, zone: str) -> str:
    """A UTC timestamp (ISO text or datetime) as 'YYYY-MM-DD HH:MM TZ' in `zone`."""
    if not moment:
        return "—"
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if not isinstance(moment, datetime):
        return str(moment)
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def last_changed(who: str | None, when: Any, zone: str) -> None:
    """The 'last changed by X at T' line under a form."""
    if who is None:
        st.caption("Not saved yet.")
    else:
        st.text(f"Last changed by {who} at {local_time(when, zone)}.")  # a name is text
