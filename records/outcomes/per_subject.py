"""Outcomes that scale with the edit: a subject's rows are recomputed only when it changed.

Every clinical write appends audit rows that carry the subject id, in the same transaction
(models/audit_capture.py), so a subject's newest audit row changes exactly when its data does.
Besides its own data, a subject's rows depend on the study definition (file and version), on
today's date and on the data cut: with the database they form the `Context`, and rows are never
shared between contexts. No subject's rows read another subject's (baselines, intercurrent
events and response cells are per subject); study-level tables are aggregated afterwards from
the assembled frames.

`OutcomeMemo` keeps, per context, the assembled `Outcomes` and the newest audit row of each
subject it was computed at. A later call brings those rows up to date from the audit rows
written since (`records.outcomes.subject_keys`), recomputes the subjects whose row changed
(their rows read in SQL, not the whole study) and splices their rows into the frames in the
canonical order (`records.outcomes.order`), so the result equals a full recomputation
(`snapshot.build_outcomes`); tests/records/test_outcomes_per_subject.py checks that after
random edit sequences.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from threading import Lock

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine

from records.context import Workbench
from records.outcomes.cut import in_scope
from records.outcomes.events import EventContext
from records.outcomes.order import (
    DATA_KEYS,
    MEASURES_KEYS,
    RESPONSES_KEYS,
    SUBJECT_KEYS,
    Keys,
    merged,
    sorted_rows,
    stacked,
)
from records.outcomes.responses import ResponseTable
from records.outcomes.snapshot import MEASURE_INPUTS, Outcomes, outcomes_of
from records.outcomes.source import StudyData, read_study_data
from records.outcomes.subject_keys import Mark, current_keys

Progress = Callable[[int, int], None]
"""Called with (subjects computed, subjects to compute) while a computation runs."""
CHUNK = 100
"""Subjects derived at a time: enough for pandas to pay off, few enough to show progress."""


@dataclass(frozen=True)
class Context:
    """What a subject's rows depend on besides its own data."""

    database: str
    study: str
    version: str
    today: date
    data_cut: date | None


@dataclass(frozen=True)
class _Assembled:
    keys: Mapping[int, str]
    mark: Mark
    outcomes: Outcomes


def _stack_dicts(old: Mapping[int, object], drop: set[int], parts: list[Mapping]) -> dict:
    out = {k: v for k, v in old.items() if k not in drop}
    for part in parts:
        out.update(part)
    return out


def _events(old: EventContext, drop: set[int], parts: list[EventContext]) -> EventContext:
    picked = {
        f.name: _stack_dicts(getattr(old, f.name), drop, [getattr(p, f.name) for p in parts])
        for f in fields(old)
        if f.name != "ceiling"
    }
    return replace(old, **picked)


def _responses(old: ResponseTable, drop: set[int], parts: list[ResponseTable]) -> ResponseTable:
    cells = dict(old.cells)
    if drop:  # a cell per index at each evaluated visit, that is per row of the frame
        gone = old.frame.loc[old.frame["subject_id"].isin(drop), ["subject_id", "visit_id"]]
        for sid, vid in zip(gone["subject_id"].tolist(), gone["visit_id"].tolist(), strict=True):
            for index in old.indices:
                cells.pop((int(sid), int(vid), index), None)
    for part in parts:
        cells.update(part.cells)
    frame = _merged(old.frame, drop, [p.frame for p in parts], RESPONSES_KEYS)
    return ResponseTable(frame, cells, parts[0].indices if parts else old.indices)


def _merged(
    old: pd.DataFrame, drop: set[int], parts: list[pd.DataFrame], keys: Keys
) -> pd.DataFrame:
    """`old` without the dropped subjects' rows, with the rows of `parts`, in canonical order.

    After an edit the recomputed subject's rows usually take the place of its old block (its
    rows are contiguous in a frame ordered by subject): the frame is then the rows before, the
    new ones and the rows after, one copy; and when the new rows are the old ones (an edit the
    frame does not show: a corrected PGA leaves visits, forms and adverse events as they were),
    `old` itself is kept. Otherwise the rows are merged (`records.outcomes.order.merged`)."""
    if not drop or old.empty:
        return merged(old, sorted_rows(stacked(parts), keys), keys) if parts else old
    mine = old["subject_id"].isin(drop).to_numpy()
    if not parts:
        return old[~mine].reset_index(drop=True)
    new = sorted_rows(stacked(parts), keys)
    if not mine.any():  # a subject with no rows here before (no adverse event, no issue)
        return old if new.empty else merged(old, new, keys)
    block = _block(old[keys[0]], mine, new[keys[0]])
    if block is None:
        return merged(old[~mine], new, keys)
    start, stop = block
    if _unchanged(old, start, stop, new):
        return old
    return _between(old, start, stop, new)


def _block(old_keys: pd.Series, mine: np.ndarray, new_keys: pd.Series) -> tuple[int, int] | None:
    """Where the new rows go when they replace one contiguous block of old rows whose
    neighbours sort strictly before and after them; None otherwise (or with a missing key)."""
    at = np.flatnonzero(mine)
    if not len(at) or at[-1] - at[0] + 1 != len(at):
        return None
    start, stop = int(at[0]), int(at[-1]) + 1
    if len(new_keys):
        low, high = new_keys.iloc[0], new_keys.iloc[-1]
        if pd.isna(low) or pd.isna(high):
            return None
        if start > 0 and not old_keys.iloc[start - 1] < low:
            return None
        if stop < len(old_keys) and not high < old_keys.iloc[stop]:
            return None
    return start, stop


def _between(old: pd.DataFrame, start: int, stop: int, new: pd.DataFrame) -> pd.DataFrame:
    """`old` with its rows start…stop-1 replaced by `new`, dtypes as a merge gives them."""
    return stacked([old.iloc[:start], new, old.iloc[stop:]]).reset_index(drop=True)


def _unchanged(old: pd.DataFrame, start: int, stop: int, new: pd.DataFrame) -> bool:
    """Whether `new` in place of rows start…stop-1 would give `old` again: the same values in
    the same dtypes once placed (a recomputed subject's column may come out as int where the
    study's is float, or as objects when it is empty, which placing reconciles: such a column
    is compared as placing would leave it)."""
    rows = old.iloc[start:stop].reset_index(drop=True)
    if len(rows) != len(new) or list(rows.columns) != list(new.columns):
        return False
    alike = rows.dtypes.to_numpy() == new.dtypes.to_numpy()
    same, other = list(new.columns[alike]), list(new.columns[~alike])
    if not rows[same].equals(new[same]):
        return False
    for column in other:
        placed = _between(old[[column]], start, stop, new[[column]])[column]
        if placed.dtype != old[column].dtype:
            return False
        if not placed.iloc[start:stop].reset_index(drop=True).equals(rows[column]):
            return False
    return True


def spliced(old: Outcomes, drop: set[int], parts: list[Outcomes]) -> Outcomes:
    """`old` without the rows of the subjects in `drop`, with the rows of `parts` (outcomes of
    other subjects, or of the same ones recomputed), in the canonical order: each frame is
    merged (`records.outcomes.order.merged`), not sorted again, so the cost is a pass over it."""

    def frame(name: str) -> pd.DataFrame:
        keys = DATA_KEYS[name]
        return _merged(getattr(old.data, name), drop, [getattr(p.data, name) for p in parts], keys)

    names = [
        f.name
        for f in fields(old.data)
        if isinstance(getattr(old.data, f.name), pd.DataFrame) and f.name not in MEASURE_INPUTS
    ]
    series = _stack_dicts(old.series, drop, [p.series for p in parts])
    events = _events(old.events, drop, [p.events for p in parts])

    def by_subject(name: str, keys: Keys = SUBJECT_KEYS) -> pd.DataFrame:
        return _merged(getattr(old, name), drop, [getattr(p, name) for p in parts], keys)

    return replace(
        old,
        data=replace(old.data, **{name: frame(name) for name in names}),
        measures=by_subject("measures", MEASURES_KEYS),
        baseline=by_subject("baseline"),
        series=series,
        events=replace(events, series=series),
        responses=_responses(old.responses, drop, [p.responses for p in parts]),
        steroid_issues=by_subject("steroid_issues"),
        lab_issues=by_subject("lab_issues"),
        worklist_rows=by_subject("worklist_rows"),
    )


def restricted(outcomes: Outcomes, subject_ids: set[int]) -> Outcomes:
    """The outcomes of some subjects only (an account's sites, #16): the others' rows removed,
    exactly as if they had never been computed."""
    everyone = set(outcomes.data.subjects["subject_id"].astype(int))
    others = everyone - subject_ids
    return spliced(outcomes, others, []) if others else outcomes


def _scoped(data: StudyData, ids: tuple[int, ...]) -> StudyData:
    """The rows of some subjects of a snapshot already read."""
    keep = set(ids)
    scoped = in_scope(data, ids)
    return replace(
        scoped,
        **{
            name: getattr(data, name)[getattr(data, name)["subject_id"].isin(keep)]
            for name in ("forms", "adverse_events", "eligibility", "doses", "entries")
        },
    )


def _computed(
    conn: Connection,
    wb: Workbench,
    context: Context,
    ids: list[int],
    progress: Progress | None,
    chunk: int,
) -> list[Outcomes]:
    """The outcomes of these subjects, `chunk` at a time (progress after each). Every subject
    (a cold start) is read in one pass, as tables; a few (after edits) by subject in SQL."""
    tell = progress or (lambda done, total: None)
    tell(0, len(ids))
    everyone = len(ids) > chunk
    data = read_study_data(conn, wb, context.today, None, context.data_cut) if everyone else None
    parts = []
    for start in range(0, len(ids), chunk):
        some = tuple(ids[start : start + chunk])
        if data is None:
            part = read_study_data(conn, wb, context.today, some, context.data_cut)
        else:
            part = _scoped(data, some)
        parts.append(outcomes_of(part, wb.study))
        tell(min(start + chunk, len(ids)), len(ids))
    return parts


class OutcomeMemo:
    """Assembled outcomes per context (the newest few), updated subject by subject."""

    def __init__(self, contexts: int = 4, chunk: int = CHUNK) -> None:
        self.chunk = chunk
        self._lock = Lock()
        self._by_context: OrderedDict[Context, _Assembled] = OrderedDict()
        self._contexts = contexts
        self.recomputed: tuple[int, ...] = ()
        """Subjects the last update that recomputed any recomputed (tests, benchmarks)."""

    def clear(self) -> None:
        """Forget everything (tests; a restored database)."""
        with self._lock:
            self._by_context.clear()

    def subject_key(self, wb: Workbench, today: date | None, subject_id: int) -> str:
        """The newest audit row of a subject as last computed: a cache key for what depends on
        that subject alone (its casebook). Computes the outcomes when nothing is kept."""
        context = _context(wb.engine, wb, today, None)
        with self._lock:
            found = self._by_context.get(context)
        if found is None:
            self.outcomes(wb, today)
            with self._lock:
                found = self._by_context.get(context)
        return "" if found is None else found.keys.get(subject_id, "")

    def outcomes(
        self,
        wb: Workbench,
        today: date | None = None,
        data_cut: date | None = None,
        progress: Progress | None = None,
    ) -> Outcomes:
        """The outcomes of every subject now, recomputing only subjects edited since the last
        call with the same context; one read transaction for the keys and the rows."""
        with wb.engine.connect() as conn:
            return self.outcomes_in(conn, wb, today, data_cut, progress)

    def outcomes_in(
        self,
        conn: Connection,
        wb: Workbench,
        today: date | None = None,
        data_cut: date | None = None,
        progress: Progress | None = None,
    ) -> Outcomes:
        """As `outcomes`, through an open connection (its snapshot: an export's transaction)."""
        context = _context(conn.engine, wb, today, data_cut)
        with self._lock:
            previous = self._by_context.get(context)
        known = (previous.mark, previous.keys) if previous else None
        mark, keys = current_keys(conn, known)
        old_keys = previous.keys if previous else {}
        stale = [sid for sid, top in keys.items() if old_keys.get(sid) != top]
        drop = set(stale) | (set(old_keys) - set(keys))
        if previous is not None and not drop:
            self._keep(context, _Assembled(keys, mark, previous.outcomes))
            return previous.outcomes
        parts = _computed(conn, wb, context, stale, progress, self.chunk)
        if previous is None:
            assembled = spliced(parts[0], set(), parts[1:]) if parts else _empty(conn, wb, context)
        else:
            assembled = spliced(previous.outcomes, drop, parts)
        self._keep(context, _Assembled(keys, mark, assembled))
        self.recomputed = tuple(stale)
        return assembled

    def latest(self, wb: Workbench, today: date | None = None) -> Outcomes:
        """The outcomes as last brought up to date (`outcomes`), without reading what changed
        since: for a page run that has just brought them up to date (`ui.cache.key`)."""
        with self._lock:
            found = self._by_context.get(_context(wb.engine, wb, today, None))
        return self.outcomes(wb, today) if found is None else found.outcomes

    def _keep(self, context: Context, assembled: _Assembled) -> None:
        with self._lock:
            self._by_context[context] = assembled
            self._by_context.move_to_end(context)
            while len(self._by_context) > self._contexts:
                self._by_context.popitem(last=False)


def _context(engine: Engine, wb: Workbench, today: date | None, data_cut: date | None) -> Context:
    url = engine.url.render_as_string(hide_password=True)
    version = wb.study.study.definition_version
    return Context(url, wb.study.source, version, today or date.today(), data_cut)


def _empty(conn: Connection, wb: Workbench, context: Context) -> Outcomes:
    """The outcomes of a study without subjects."""
    return outcomes_of(read_study_data(conn, wb, context.today, (), context.data_cut), wb.study)


MEMO = OutcomeMemo()
"""The process-wide memo: the pages and the exports of one server share it."""
