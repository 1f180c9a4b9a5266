"""THE data cut: what was known at a cut date, for the listings and the outcomes alike.

Rows dated after the cut are left out; undated or unparsable rows are kept (conservative: a row
is never dropped because its date cannot be read); an end date after the cut was not yet known,
so it is blanked and the row reads ongoing. `records.listings.frames` and `records.outcomes.cut`
both call these (issue #10: one data cut, one date reading, one missing test).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from records.cells import earliest_day


def after_cut(value: Any, cut: date) -> bool:
    """True when a (possibly partial) stored date certainly falls after the cut."""
    day = earliest_day(value)
    return day is not None and day > cut


def known_rows(frame: pd.DataFrame, column: str, cut: date | None) -> pd.DataFrame:
    """Rows whose date in `column` is not after the cut (an empty frame keeps its columns)."""
    if cut is None or frame.empty:
        return frame
    keep = [not after_cut(value, cut) for value in frame[column].tolist()]
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)]


def unknown_ends(
    frame: pd.DataFrame, end: str, cut: date | None, ongoing: str | None = None
) -> pd.DataFrame:
    """Blank end dates after the cut (not known then); mark the row `ongoing` when given."""
    if cut is None or frame.empty:
        return frame
    late = [after_cut(value, cut) for value in frame[end].tolist()]
    frame = frame.copy()
    frame[end] = frame[end].astype(object)
    frame.loc[late, end] = None
    if ongoing is not None:
        frame.loc[late, ongoing] = True
    return frame
