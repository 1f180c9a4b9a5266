"""Outcomes that scale with the edit: a subject's rows are recomputed only when it changed.

Every clinical write appends audit rows that carry the subject id, in the same transaction
(models/audit_capture.py), so a subject's newest audit row changes exactly when its data does.
Besides its own data, a subject's rows depend on the study definition (file and version), on
today's date and on the data cut: with the database they form the `Context`, and rows are never
shared between contexts. No subject's rows read another subject's (baselines, intercurrent
events and response cells are per subject); study-level tables are aggregated afterwards from
the assembled frames.

`OutcomeMemo` keeps, per context, the assembled `Outcomes` and the newest audit row of each
subject it was computed at. A later call reads every subject's newest audit row in one query
(one index seek per subject, whatever the length of the trail), recomputes the subjects whose row
changed (their rows read in SQL, not the whole study) and splices their rows into the frames in
the canonical order (`records.outcomes.order`), so the result equals a full recomputation
(`snapshot.build_outcomes`); tests/records/test_outcomes_per_subject.py checks that after random
edit sequences.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from threading import Lock

import pandas as pd
from sqlalchemy import Connection, Engine, select

from models import AuditEvent, Subject
from records.context import Workbench
from records.outcomes.cut import in_scope
from records.outcomes.events import EventContext
from records.outcomes.order import in_order
from records.outcomes.responses import ResponseTable
from records.outcomes.snapshot import MEASURE_INPUTS, Outcomes, outcomes_of
from records.outcomes.source import StudyData, read_study_data

Progress = Callable[[int, int], None]
"""Called with (subjects computed, subjects to compute) while a computation runs."""
CHUNK = 100
"""Subjects derived at a time: enough for pandas to pay off, few enough to show progress."""


def subject_keys(conn: Connection) -> dict[int, str]:
    """Every subject's newest audit row hash ("" when it has none), in one query: one index
    seek per subject on the trail's subject index (a GROUP BY would scan the whole trail: 4.8
    million rows at 500 benchmark subjects). The hash, not the id: it chains every earlier row,
    so a database restored or rebuilt at the same path cannot pass for the one computed."""
    s, a = Subject.__table__, AuditEvent.__table__  # type: ignore[attr-defined]
    newest = (
        select(a.c.row_hash)
        .where(a.c.subject_id == s.c.id)
        .order_by(a.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return {int(sid): top or "" for sid, top in conn.execute(select(s.c.id, newest))}


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
    outcomes: Outcomes


def _without(frame: pd.DataFrame, column: str, ids: set[int]) -> pd.DataFrame:
    return frame if not ids or frame.empty else frame[~frame[column].isin(ids)]


def _stack(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of several computations as one frame, with the dtypes one computation of them all
    gives: a part whose column is entirely missing does not turn the column into objects."""
    filled = [p for p in parts if not p.empty]
    if len(filled) <= 1:
        return (filled or parts)[-1]
    frame = pd.concat(filled, ignore_index=True)
    for column in frame.columns[[d == "object" for d in frame.dtypes]]:
        kinds = {p[column].dtype for p in filled if p[column].notna().any()}
        if len(kinds) == 1 and (kind := kinds.pop()) != "object":
            frame[column] = frame[column].astype(kind)
    return frame


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
    cells = {k: v for k, v in old.cells.items() if k[0] not in drop}
    for part in parts:
        cells.update(part.cells)
    frames = [_without(old.frame, "subject_id", drop), *(p.frame for p in parts)]
    return ResponseTable(_stack(frames), cells, parts[0].indices if parts else old.indices)


def spliced(old: Outcomes, drop: set[int], parts: list[Outcomes]) -> Outcomes:
    """`old` without the rows of the subjects in `drop`, with the rows of `parts` (outcomes of
    other subjects, or of the same ones recomputed), in the canonical order."""

    def frame(name: str) -> pd.DataFrame:
        kept = _without(getattr(old.data, name), "subject_id", drop)
        return _stack([kept, *(getattr(p.data, name) for p in parts)])

    names = [
        f.name
        for f in fields(old.data)
        if isinstance(getattr(old.data, f.name), pd.DataFrame) and f.name not in MEASURE_INPUTS
    ]
    series = _stack_dicts(old.series, drop, [p.series for p in parts])
    events = _events(old.events, drop, [p.events for p in parts])

    def by_subject(name: str) -> pd.DataFrame:
        kept = _without(getattr(old, name), "subject_id", drop)
        return _stack([kept, *(getattr(p, name) for p in parts)])

    return in_order(
        replace(
            old,
            data=replace(old.data, **{name: frame(name) for name in names}),
            measures=by_subject("measures"),
            baseline=by_subject("baseline"),
            series=series,
            events=replace(events, series=series),
            responses=_responses(old.responses, drop, [p.responses for p in parts]),
            steroid_issues=by_subject("steroid_issues"),
            lab_issues=by_subject("lab_issues"),
        )
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
        keys = subject_keys(conn)
        with self._lock:
            previous = self._by_context.get(context)
        old_keys = previous.keys if previous else {}
        stale = [sid for sid, top in keys.items() if old_keys.get(sid) != top]
        drop = set(stale) | (set(old_keys) - set(keys))
        if previous is not None and not drop:
            return previous.outcomes
        parts = _computed(conn, wb, context, stale, progress, self.chunk)
        if previous is None:
            assembled = spliced(parts[0], set(), parts[1:]) if parts else _empty(conn, wb, context)
        else:
            assembled = spliced(previous.outcomes, drop, parts)
        with self._lock:
            self._by_context[context] = _Assembled(keys, assembled)
            self._by_context.move_to_end(context)
            while len(self._by_context) > self._contexts:
                self._by_context.popitem(last=False)
        self.recomputed = tuple(stale)
        return assembled


def _context(engine: Engine, wb: Workbench, today: date | None, data_cut: date | None) -> Context:
    url = engine.url.render_as_string(hide_password=True)
    version = wb.study.study.definition_version
    return Context(url, wb.study.source, version, today or date.today(), data_cut)


def _empty(conn: Connection, wb: Workbench, context: Context) -> Outcomes:
    """The outcomes of a study without subjects."""
    return outcomes_of(read_study_data(conn, wb, context.today, (), context.data_cut), wb.study)


MEMO = OutcomeMemo()
"""The process-wide memo: the pages and the exports of one server share it."""
