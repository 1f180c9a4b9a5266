"""Cached outcome frames for the pages, keyed on the change counter so they are never stale.

`key()` costs one indexed query (max audit id, records/changes.py); every entry is keyed on it,
so an edit makes a new entry and nothing stale is shown. Under the entries, the outcomes of each
subject are kept per subject (`records.outcomes.per_subject`): after an edit only the edited
subject is recomputed, and the study-level tables are assembled again from the kept results.
Which cache holds a value depends on whether it can change (spec §6): values nobody edits
(Arrow tables for display, frozen dataclasses, tuples, read-only mappings) are shared from
`st.cache_resource` without a copy per run; mutable ones (dicts) come from `st.cache_data`, a
private copy each run. Chart specs are shared too: `st.vega_lite_chart` (1.67) works on a
shallow copy and only replaces top-level keys; study-level charts are converted only when the
rows they draw changed (`ui.chart_cache`), not on every key. Tables go to `st.dataframe` as
Arrow, so they are not converted again on every rerun; cached markdown is built once per data
change, not on every rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeAlias

import pandas as pd
import pyarrow as pa
import streamlit as st
from sqlalchemy import select

from charts import headline as headline_charts
from charts.casebook import casebook_chart
from charts.spaghetti import spaghetti
from charts.swimmer import safety_swimmer
from models import Subject
from models.db import database_url
from records import words
from records.changes import change_counter
from records.context import Workbench
from records.outcomes import efficacy, headline, safety, timeline
from records.outcomes.catalogue import MEASURES
from records.outcomes.dashboard import Dashboard, study_dashboard
from records.outcomes.explain import explanation_markdown, status_grid
from records.outcomes.per_subject import CHUNK, MEMO, OutcomeMemo, restricted
from records.outcomes.responses import ResponseTable
from records.outcomes.snapshot import Outcomes
from records.outcomes.timeline import SubjectTimeline
from records.outcomes.worklist import by_window_close, next_visits
from records.subjects import counts_by_status
from scoring.verdict import ResponseResult
from ui.chart_cache import drawn
from ui.downloads import ChartSpecs, prepare
from ui.resources import study_workbench, workbench

Key = tuple[str, str, int, str, tuple[int, ...] | None]
"""(database URL, study definition file, change counter, today's date, the sites in view:
None for every site). Outcomes are kept for every subject; a key with sites sees theirs only."""
Table: TypeAlias = pa.Table
_LOCK = Lock()
_KNOWN: dict[Key, None] = {}
"""The last keys the memo was brought up to date at (oldest first)."""


def _shown(frame: pd.DataFrame) -> Table:
    table: Table = pa.Table.from_pandas(frame, preserve_index=False)
    return table


def key(wb: Workbench | None = None) -> Key:
    """The cache key of the current data: changes with every committed write and every day.

    One indexed query; call it once per run (pass the page's workbench if it has one). On a new
    key the outcomes are brought up to date here, outside every cached function, so a long first
    computation shows a progress bar (a cached function would replay it on every hit)."""
    wb = wb or workbench()
    sites = None if wb.site_ids is None else tuple(sorted(wb.site_ids))
    counter = change_counter(wb.engine)
    k = database_url(), wb.study.source, counter, date.today().isoformat(), sites
    _up_to_date(k, study_workbench())
    return k


@st.cache_resource(show_spinner=False)
def _memo() -> OutcomeMemo:
    """The process-wide per-subject memo, emptied whenever Streamlit's resource cache is."""
    MEMO.clear()
    with _LOCK:
        _KNOWN.clear()
    return MEMO


def _in_view(k: Key) -> Workbench:
    """The workbench of the key's sites (what a cached function may read for that key)."""
    wb = study_workbench()
    return wb if k[4] is None else replace(wb, site_ids=frozenset(k[4]))


@st.cache_resource(max_entries=4, show_spinner=False)
def _outcomes(k: Key) -> Outcomes:
    """The outcomes at this key of the subjects at its sites: the memo holds every subject
    whoever asks, and `key()` has just brought it up to date (never older than the key)."""
    everyone = _memo().latest(study_workbench(), date.fromisoformat(k[3]))
    if k[4] is None:
        return everyone
    wb = study_workbench()
    with wb.engine.connect() as conn:
        visible = conn.execute(select(Subject.id).where(Subject.site_id.in_(k[4]))).scalars()
        return restricted(everyone, {int(i) for i in visible})


def _up_to_date(k: Key, wb: Workbench) -> None:
    """Update the memo for a new key, with a progress bar when many subjects are computed."""
    with _LOCK:
        if k in _KNOWN:  # a rerun: nothing to do (checked before any cached call)
            return
    memo = _memo()
    bar = st.empty()

    def shown(done: int, total: int) -> None:
        if total > CHUNK:
            bar.progress(done / total, text=f"Computing outcomes: {done} of {total} subjects…")

    memo.outcomes(wb, date.fromisoformat(k[3]), progress=shown)
    bar.empty()
    with _LOCK:
        _KNOWN[k] = None
        while len(_KNOWN) > 8:
            _KNOWN.pop(next(iter(_KNOWN)))


@st.cache_resource(max_entries=4, show_spinner="Computing SRI-k…")
def _responses(k: Key, ks: tuple[int, ...]) -> ResponseTable:
    return _outcomes(k).with_sri(ks) if ks != (4,) else _outcomes(k).responses


@st.cache_resource(max_entries=4, show_spinner=False)
def subjects(k: Key) -> MappingProxyType[str, int]:
    """Subjects for pickers: screening number → subject id, in screening-number order
    (read-only, shared between runs)."""
    frame = _outcomes(k).data.subjects
    ids = zip(frame["subject"].tolist(), frame["subject_id"].astype(int).tolist(), strict=True)
    return MappingProxyType(dict(ids))


@st.cache_data(max_entries=4, show_spinner=False)
def status_counts(k: Key) -> dict[str, int]:
    """Subjects per status (`records.subjects.counts_by_status`), read once per data change."""
    return counts_by_status(_in_view(k))


@st.cache_resource(max_entries=4, show_spinner=False)
def status_table(k: Key) -> Table:
    """Subjects per status as a two-column table (Status, Subjects) for display."""
    counts = status_counts(k)
    return pa.table(
        {"Status": [words.subject_status(s) for s in counts], "Subjects": list(counts.values())}
    )


@st.cache_resource(max_entries=2, show_spinner=False)
def _dashboard(k: Key) -> Dashboard:
    return study_dashboard(_outcomes(k))


@st.cache_resource(max_entries=16, show_spinner=False)
def dashboard_table(k: Key, name: str) -> Table:
    """One dashboard table: funnel, compliance, grid, outstanding, lags or lag_summary."""
    return _shown(getattr(_dashboard(k), name))


@st.cache_resource(max_entries=4, show_spinner=False)
def worklist_frame(k: Key) -> pd.DataFrame:
    """The worklist (`records.outcomes.worklist`) at this key, from each subject's kept rows;
    shared, never modified."""
    return by_window_close(_outcomes(k).worklist_rows)


@st.cache_resource(max_entries=4, show_spinner=False)
def next_visit_of(k: Key) -> MappingProxyType[int, str]:
    """Subject id → its next visit and window, for the subject list."""
    return MappingProxyType(next_visits(_outcomes(k).measures))


@st.cache_resource(max_entries=4, show_spinner=False)
def bulk_entries(k: Key) -> int:
    """Forms first saved by a bulk load (left out of the entry lag)."""
    return _dashboard(k).bulk_entries


@st.cache_resource(max_entries=4, show_spinner=False)
def site_entries(k: Key) -> int:
    """Forms first saved in the app (the ones the entry lag measures)."""
    lags = _dashboard(k).lags
    return int((~lags["bulk"]).sum())


@dataclass(frozen=True)
class SafetyView:
    """TEAE incidence and TEAEs by SOC/PT over the safety set N, with the table notes."""

    incidence: Table
    by_term: Table
    n: int
    notes: tuple[str, ...]


@st.cache_resource(max_entries=4, show_spinner=False)
def safety_tables(k: Key) -> SafetyView:
    """TEAE incidence and TEAEs by SOC/PT."""
    o = _outcomes(k)
    summary, by_term = safety.teae_summary(o.data, o.study), safety.by_soc_pt(o.data)
    return SafetyView(_shown(summary.frame), _shown(by_term.frame), summary.n, summary.notes)


@st.cache_resource(max_entries=32, show_spinner=False)
def measure_summary(k: Key, measure: str) -> Table:
    """Change from baseline per visit of one measure (two decimals)."""
    return _shown(efficacy.change_summary(_outcomes(k).measures, measure).round(2))


@dataclass(frozen=True)
class EndpointView:
    """SRI-4 at the primary endpoint visit: counts over N and the non-responders' reasons."""

    visit: str
    counts: Table
    non_responders: Table


@st.cache_resource(max_entries=4, show_spinner=False)
def endpoint(k: Key) -> EndpointView:
    """SRI-4 at the primary endpoint visit: counts and non-responders' reasons."""
    o = _outcomes(k)
    found = efficacy.sri_endpoint(o.responses, o.study, o.safety_n)
    return EndpointView(found.visit, _shown(found.counts), _shown(found.non_responders))


@st.cache_resource(max_entries=4, show_spinner=False)
def bilag_grades(k: Key) -> Table:
    """Subjects per BILAG grade, domain and visit, with improvement vs baseline."""
    o = _outcomes(k)
    return _shown(efficacy.bilag_grades(o.measures, o.baseline))


@st.cache_resource(max_entries=4, show_spinner=False)
def all_changes(k: Key) -> Table:
    """Every measure's change-from-baseline summary stacked (three decimals)."""
    keys = tuple(m.key for m in MEASURES)
    return _shown(efficacy.all_changes(_outcomes(k).measures, keys).round(3))


@dataclass(frozen=True)
class ResponseView:
    """Every label (one row per subject × visit, all indices), the subjects, the indices."""

    table: Table
    subjects: tuple[str, ...]
    indices: tuple[str, ...]


def _named(
    o: Outcomes, issues: pd.DataFrame, text: Callable[[Any], str]
) -> tuple[tuple[str, str], ...]:
    """(subject, text) of each issue row, the subject by its screening number."""
    names = dict(zip(o.data.subjects["subject_id"], o.data.subjects["subject"], strict=True))
    rows = issues.itertuples(index=False)
    return tuple((str(names.get(r.subject_id, r.subject_id)), text(r)) for r in rows)


@st.cache_resource(max_entries=4, show_spinner=False)
def steroid_issues(k: Key) -> tuple[tuple[str, str], ...]:
    """(subject, issue) of each corticosteroid row no outcome could interpret (issue #10)."""
    o = _outcomes(k)
    return _named(
        o, o.steroid_issues, lambda r: f"medication {r.medication_id} ({r.drug}): {r.issue}"
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def lab_issues(k: Key) -> tuple[tuple[str, str], ...]:
    """(subject, issue) of each outcome lab result that is a bound, not a number (#14)."""
    o = _outcomes(k)
    return _named(o, o.lab_issues, lambda r: str(r.issue))


@st.cache_resource(max_entries=8, show_spinner=False)
def responses(k: Key, ks: tuple[int, ...] = (4,)) -> ResponseView:
    """Response labels of every index at every evaluated visit (SRI-k for each k in `ks`)."""
    table = _responses(k, ks)
    shown = table.frame.drop(columns=["subject_id", "visit_id", "visit_code", "visit_order"])
    subjects = tuple(dict.fromkeys(shown["subject"].tolist()))
    return ResponseView(_shown(shown), subjects, table.indices)


@st.cache_resource(max_entries=32, show_spinner=False)
def response_grid(k: Key, ks: tuple[int, ...], index: str) -> Table:
    """One index as a subject × visit grid."""
    return _shown(status_grid(_responses(k, ks), index))


@st.cache_data(max_entries=64, show_spinner=False)
def response_visits(k: Key, ks: tuple[int, ...], subject: str) -> dict[str, tuple[int, int]]:
    """A subject's evaluated visits → (subject id, visit id), in visit order."""
    frame = _responses(k, ks).frame
    rows = frame[frame["subject"] == subject]
    ids = zip(rows["subject_id"].astype(int), rows["visit_id"].astype(int), strict=True)
    return dict(zip(rows["visit"].tolist(), ids, strict=True))


@dataclass(frozen=True)
class Explanation:
    """The result behind one response cell and its explanation, rendered once as markdown."""

    result: ResponseResult
    markdown: str


@st.cache_resource(max_entries=64, show_spinner=False)
def explanation(
    k: Key, ks: tuple[int, ...], subject_id: int, visit_id: int, index: str
) -> Explanation | None:
    """The result behind one response cell (components, missing inputs, reasons)."""
    result = _responses(k, ks).explain(subject_id, visit_id, index)
    return None if result is None else Explanation(result, explanation_markdown(result))


SubjectKey = tuple[str, str, str, int, str]
"""(database URL, study definition file, today, subject id, the subject's newest audit row)."""


def _subject_key(k: Key, subject_id: int) -> SubjectKey:
    """What one subject's casebook depends on: an edit to another subject leaves it cached."""
    found = MEMO.subject_key(study_workbench(), date.fromisoformat(k[3]), subject_id)
    return k[0], k[1], k[3], subject_id, found


@st.cache_resource(max_entries=16, show_spinner=False)
def _timeline_of(sk: SubjectKey) -> SubjectTimeline:
    """From the memo's outcomes now (never older than `sk`: the key was read first)."""
    outcomes = _memo().latest(study_workbench(), date.fromisoformat(sk[2]))
    return timeline.subject_timeline(outcomes, sk[3])


def casebook_part(k: Key, subject_id: int, name: str) -> Any:
    """One part of a subject's casebook: subject, dosed, or the table or lanes to show."""
    return _casebook_part(_subject_key(k, subject_id), name)


@st.cache_resource(max_entries=64, show_spinner=False)
def _casebook_part(sk: SubjectKey, name: str) -> Any:
    part = getattr(_timeline_of(sk), name)
    return _shown(part) if isinstance(part, pd.DataFrame) else part


def casebook_header(k: Key, subject_id: int) -> tuple[str, bool]:
    """The subject's screening number and whether the subject has been dosed."""
    book = _timeline_of(_subject_key(k, subject_id))
    return book.subject, bool(book.dosed)


def casebook_spec(k: Key, subject_id: int, panels: tuple[str, ...]) -> ChartSpecs | None:
    """The subject's timeline chart (chosen panels); None if nothing to draw."""
    return _casebook_spec(_subject_key(k, subject_id), panels)


@st.cache_resource(max_entries=32, show_spinner=False)
def _casebook_spec(sk: SubjectKey, panels: tuple[str, ...]) -> ChartSpecs | None:
    figure = casebook_chart(_timeline_of(sk), study_workbench().study.protocol, panels)
    return None if figure is None else prepare(figure)


@st.cache_resource(max_entries=4, show_spinner=False)
def swimmer_spec(k: Key, pre_dose: bool = False) -> ChartSpecs | None:
    """One lane per dosed subject: time on study and its TEAEs (with `pre_dose`, the other
    events marked); None before anyone is dosed."""
    data = _outcomes(k).data
    stay = timeline.follow_up(data)
    if stay.empty:
        return None
    return prepare(safety_swimmer(timeline.ae_lanes(data), stay, pre_dose))


@st.cache_resource(max_entries=32, show_spinner=False)
def spaghetti_spec(k: Key, measure: str, title: str, unit: str) -> ChartSpecs:
    """One measure over study days for every subject, with the visit means."""
    values = timeline.cohort_values(_outcomes(k).measures, measure)
    return drawn(spaghetti, values, title, unit)


@dataclass(frozen=True)
class Headline:
    """Home's headline charts for a sponsor, prepared once per data change."""

    enrolment: ChartSpecs
    sledai: ChartSpecs | None
    responders: ChartSpecs | None
    teae: ChartSpecs


@st.cache_resource(max_entries=2, show_spinner=False)
def headline_charts_of(k: Key, planned: int | None) -> Headline:
    """Enrolment over time, SLEDAI-2K change and SRI-4 responders by visit, TEAEs by severity
    (None where nothing has been evaluated yet). The aggregates are computed on the key; each
    chart is converted only when its aggregate changed (`ui.chart_cache`)."""
    o = _outcomes(k)
    change = headline.sledai_change(o.measures)
    responders = headline.responders_by_visit(o.responses)
    enrolment = headline.enrolment_over_time(o.data)
    return Headline(
        enrolment=drawn(headline_charts.enrolment_chart, enrolment, planned),
        sledai=None if change.empty else drawn(headline_charts.change_chart, change),
        responders=None
        if responders.empty
        else drawn(headline_charts.responders_chart, responders),
        teae=drawn(headline_charts.teae_chart, headline.teae_by_severity(o.data), o.safety_n),
    )
