"""What a listing is: a sorted frame plus the column metadata the workbook and dictionary need.

Listings are pure reads (Core selects into pandas, never ORM objects) run inside one read
transaction, so every sheet of an export sees the same database snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, Select, select

from models import Site, Subject, Visit
from study.schema import StudyDefinition

T = TypeVar("T")
Kind = Literal["id", "text", "longtext", "code", "date", "datetime", "int", "float", "day"]
Origin = Literal["collected", "derived", "assigned"]

STUDY_DAY_RULE = (
    "Study day = date − day 1 + 1 on/after day 1, else date − day 1 (no day 0); "
    "day 1 = the UC-MSC dose date (records §4.4)"
)


@dataclass(frozen=True, slots=True)
class Column:
    """One listing column: frame key, header label, value kind, codelist and provenance."""

    name: str
    label: str
    kind: Kind = "text"
    codelist: str | None = None
    origin: Origin = "collected"
    rule: str = ""
    key: bool = False


@dataclass(frozen=True, slots=True)
class Scope:
    """Which data a listing covers: all subjects or a selection, up to an optional data cut."""

    subject_ids: tuple[int, ...] | None = None
    data_cut: date | None = None


FrameWindows = Callable[[int], Iterator[pd.DataFrame]]


@dataclass(frozen=True)
class Listing:
    """A finished listing: ICH E3 16.2 number, titles, columns and the sorted frame.

    A listing too long to hold in memory (the audit trail) is read later, in windows:
    `frame` is then empty, `windows(size)` yields its frames in order and `streamed_rows`
    says how many rows they hold, fixed when the snapshot was taken.
    """

    number: str
    sheet: str
    title: str
    population: str
    source: str
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    windows: FrameWindows | None = None
    streamed_rows: int = 0

    def __post_init__(self) -> None:
        missing = [c.name for c in self.columns if c.name not in self.frame.columns]
        if missing:
            raise ValueError(f"listing {self.number}: frame lacks columns {missing}")

    @property
    def row_count(self) -> int:
        """How many rows the listing has (read or still to be read)."""
        return self.streamed_rows if self.windows is not None else len(self.frame)

    def frames(self, size: int) -> Iterator[pd.DataFrame]:
        """The rows in order, as frames of at most `size` rows when read in windows."""
        if self.windows is None:
            yield self.frame
        else:
            yield from self.windows(size)


def empty_frame(columns: tuple[Column, ...]) -> pd.DataFrame:
    """A 0-row frame with the listing's columns, for listings with nothing entered yet."""
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in columns})


class ListingSource:
    """The read context of one export: connection, study, scope and shared subject/visit frames."""

    def __init__(self, conn: Connection, study: StudyDefinition, scope: Scope) -> None:
        self.conn, self.study, self.scope = conn, study, scope
        self._built: dict[str, Any] = {}

    def once(self, key: str, build: Callable[[], T]) -> T:
        """Build a value once per export (a detail listing its summary is folded from)."""
        if key not in self._built:
            self._built[key] = build()
        return cast(T, self._built[key])

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's time zone: clinical clock times were entered in it (stored as UTC)."""
        return ZoneInfo(self.study.site.timezone)

    def read(self, query: Select[Any]) -> pd.DataFrame:
        """Run a Core select; text columns as Python objects (fast to iterate and hash)."""
        frame = pd.read_sql(query, self.conn)
        text = frame.select_dtypes(include=["str"]).columns
        frame[text] = frame[text].astype(object)
        return frame

    def only_scope(self, query: Select[Any], subject_column: Any) -> Select[Any]:
        """Restrict a select to the selected subjects (no-op when all subjects are in scope)."""
        if self.scope.subject_ids is None:
            return query
        return query.where(subject_column.in_(self.scope.subject_ids))

    @cached_property
    def subjects(self) -> pd.DataFrame:
        """Subjects in scope, with `subject` (screening number) and the study-day reference."""
        s, site = Subject.__table__, Site.__table__  # type: ignore[attr-defined]
        query = select(
            s.c.id.label("subject_id"),
            s.c.screening_number.label("subject"),
            site.c.code.label("site"),
            s.c.sex,
            s.c.birth_date,
            s.c.birth_year,
            s.c.consent_date,
            s.c.dose_date,
            s.c.status,
            s.c.status_date,
            s.c.status_reason,
        ).join(site, site.c.id == s.c.site_id)
        frame = self.read(self.only_scope(query, s.c.id))
        cut = self.scope.data_cut
        if cut is not None:
            frame = frame[frame["consent_date"].map(lambda d: d <= cut)]
            frame["dose_date"] = frame["dose_date"].map(
                lambda d: d if d is not None and d == d and d <= cut else None
            )
        return frame.sort_values("subject", kind="stable").reset_index(drop=True)

    @cached_property
    def visits(self) -> pd.DataFrame:
        """Visits of in-scope subjects with their name and schedule order (for sorting)."""
        v = Visit.__table__  # type: ignore[attr-defined]
        query = select(
            v.c.id.label("visit_id"),
            v.c.subject_id,
            v.c.visit_code,
            v.c.sequence.label("visit_sequence"),
            v.c.actual_date.label("visit_date"),
            v.c.status.label("visit_status"),
            v.c.planned_day,
            v.c.out_of_window,
            v.c.days_off_window,
            v.c.reason.label("visit_reason"),
        )
        frame = self.read(self.only_scope(query, v.c.subject_id))
        order = {visit.code: i for i, visit in enumerate(self.study.visits)}
        names = {visit.code: visit.name for visit in self.study.visits}
        frame["visit_order"] = frame["visit_code"].map(order).fillna(len(order)).astype(int)
        frame["visit_name"] = frame["visit_code"].map(names).fillna(frame["visit_code"])
        return frame


def population(src: ListingSource, base: str = "All screened subjects") -> str:
    """The listing's population, naming the selected subjects when the export is a selection."""
    if src.scope.subject_ids is None:
        return base
    chosen = ", ".join(src.subjects["subject"].astype(str))
    return f"{base}; selected subjects ({len(src.subjects)}): {chosen}"[:250]


def make_listing(
    src: ListingSource,
    head: tuple[str, str, str, str],
    columns: tuple[Column, ...],
    frame: pd.DataFrame,
    base_population: str = "All screened subjects",
    notes: tuple[str, ...] = (),
) -> Listing:
    """Assemble a listing from (number, sheet, title, source domain), keeping only its columns."""
    number, sheet, title, source = head
    names = [c.name for c in columns]
    body = empty_frame(columns) if frame.empty else frame[names].reset_index(drop=True)
    return Listing(
        number, sheet, title, population(src, base_population), source, columns, body, notes
    )
