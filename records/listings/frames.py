"""Frame steps every listing shares: joining subject/visit, data cut, study day, decodes, order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from records.cells import earliest_day, missing
from records.data_cut import known_rows, unknown_ends
from records.listings.codelists import decoder
from records.listings.model import ListingSource
from scoring import dates

SUBJECT_COLUMNS = ("subject_id", "subject", "site", "dose_date")
VISIT_COLUMNS = ("visit_id", "visit_code", "visit_name", "visit_order", "visit_sequence")


def with_subject(
    frame: pd.DataFrame, src: ListingSource, extra: Iterable[str] = ()
) -> pd.DataFrame:
    """Keep rows of in-scope subjects and add their label and study-day reference."""
    wanted = list(dict.fromkeys((*SUBJECT_COLUMNS, *extra)))
    return frame.merge(src.subjects[wanted], on="subject_id", how="inner")


def with_visit(frame: pd.DataFrame, src: ListingSource, extra: Iterable[str] = ()) -> pd.DataFrame:
    """Add the visit code, name and schedule order (rows of unknown visits are kept, unordered)."""
    wanted = list(dict.fromkeys((*VISIT_COLUMNS, *extra)))
    return frame.merge(src.visits[wanted], on="visit_id", how="left")


def site_local(series: pd.Series, src: ListingSource) -> pd.Series:
    """Stored UTC instants as the site's wall-clock time, as entered (naive, no offset)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert(src.zone).dt.tz_localize(None).astype(object)
    return series.map(lambda v: None if missing(v) else to_site_local(v, src))


def to_site_local(value: Any, src: ListingSource) -> Any:
    """One stored instant (aware, or naive meaning UTC) as naive site wall-clock time."""
    if not isinstance(value, datetime):
        return value
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(src.zone).replace(tzinfo=None)


def cut_rows(frame: pd.DataFrame, src: ListingSource, column: str) -> pd.DataFrame:
    """Drop rows dated after the data cut (`records.data_cut`); undated rows are kept."""
    return known_rows(frame, column, src.scope.data_cut).reset_index(drop=True)


def rows_where(frame: pd.DataFrame, keep: list[bool]) -> pd.DataFrame:
    """The rows whose flag is True (an empty list selects no rows, never no columns)."""
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)]


def cut_end(frame: pd.DataFrame, src: ListingSource, end: str, ongoing: str) -> pd.DataFrame:
    """An end date after the data cut was not known at the cut: blank it and mark ongoing."""
    return unknown_ends(frame, end, src.scope.data_cut, ongoing)


def study_day(frame: pd.DataFrame, column: str, reference: str = "dose_date") -> pd.Series:
    """Study day of each complete date (scoring.dates.study_day); partial or missing → blank.

    The rule runs once per distinct (date, reference) pair: listings repeat both heavily.
    """
    gone = (frame[column].isna() | frame[reference].isna()).tolist()
    cache: dict[tuple[Any, Any], int | None] = {}
    days: list[int | None] = []
    for value, ref, skip in zip(
        frame[column].tolist(), frame[reference].tolist(), gone, strict=True
    ):
        if skip:
            days.append(None)
            continue
        key = (value, ref)
        if key not in cache:
            day = earliest_day(value)
            partial = isinstance(value, str) and len(value) < 10
            cache[key] = None if day is None or partial else dates.study_day(day, ref)
        days.append(cache[key])
    return pd.Series(days, index=frame.index, dtype=object)


def decode(frame: pd.DataFrame, src: ListingSource, column: str, codelist: str) -> pd.Series:
    """The label of each code (the code itself when unknown), via the study's codelists."""
    label = decoder(src.study, codelist)
    series = frame[column]
    return series.map({code: label(code) for code in series.dropna().unique()})


def yes_no(series: pd.Series) -> pd.Series:
    """Booleans as CDISC NY codes Y/N (blank stays blank)."""
    return series.map({True: "Y", False: "N"})


def flag_y(series: pd.Series) -> pd.Series:
    """A CDISC-style flag: "Y" when true, blank otherwise (like --DRVFL, --STAT)."""
    return series.map({True: "Y"})


def ordered(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """Stable sort, missing values last: subject → visit → date → parameter (records §5.1).

    Each key column must hold one comparable type (dates as ISO text, orders as numbers).
    """
    present = [k for k in keys if k in frame.columns]
    if frame.empty or not present:
        return frame.reset_index(drop=True)
    return frame.sort_values(present, kind="stable", na_position="last").reset_index(drop=True)


def lookup(series: pd.Series, table: Mapping[Any, Any]) -> pd.Series:
    """Map values through a table, keeping unknown values as they are."""
    return series.map(table).fillna(series)
