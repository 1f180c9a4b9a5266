"""Review widgets shared by pages (#12): hold banner, query markers and threads, query actions.

User text (queries, answers) is shown with `st.text`, never as Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from models import Actor
from records import queries, words
from records.context import Workbench
from records.errors import RecordsError
from records.holds import hold_state

SITE = ("investigator", "coordinator")
REVIEWERS = ("monitor", "data_manager")


def hold_banner(wb: Workbench, subject_id: int, visit_id: int | None = None) -> str | None:
    """Warn when the scope is frozen or locked; returns the state (None when live)."""
    state = hold_state(wb, subject_id, visit_id)
    if state is not None:
        st.warning(
            f"This {'visit' if visit_id else 'subject'} is {state}: no data can change until "
            "a data manager unlocks it"
            + ("; queries, SDV and signatures go on." if state == "frozen" else ".")
        )
    return state


def markers(qs: Sequence[queries.QueryRead]) -> dict[str, str]:
    """Form code → '2 open, 1 answered' for the queries still waiting on someone."""
    out: dict[str, dict[str, int]] = {}
    for q in qs:
        if q.status in ("open", "answered") and q.form_code:
            out.setdefault(q.form_code, {}).setdefault(q.status, 0)
            out[q.form_code][q.status] += 1
    return {f: ", ".join(f"{n} {s}" for s, n in c.items()) for f, c in out.items()}


def _act(wb: Workbench, actor: Actor, qid: int, action: str, text: str | None) -> None:
    try:
        queries.transition(wb, actor, qid, action, text)
    except RecordsError as err:
        st.error(str(err))
        return
    st.success(f"Query {qid}: {words.query_action(action)} saved.")
    st.rerun()


def query_target(wb: Workbench, q: queries.QueryRead) -> str:
    """What a query is on, in words: a field of a record, a record, or a form."""
    if q.field:
        return f"{words.field(q.field)} ({words.entity(q.entity)})"
    if q.entity:
        return words.entity(q.entity)
    return f"form {wb.study.form_name(q.form_code)}" if q.form_code else "the visit"


def thread(wb: Workbench, actor: Actor, q: queries.QueryRead, key: str) -> None:
    """One query: its state, target, thread and the actions the role may take now."""
    target = query_target(wb, q)
    origin = f"automatic: {words.check(q.check_code)}" if q.origin == "auto" else "manual"
    with st.container(border=True):
        st.markdown(f"**Query {q.id}** · {q.status} · {origin} · on {target} · {q.age_days} d old")
        for m in q.thread:
            st.caption(
                f"{m.at:%Y-%m-%d %H:%M} UTC · {m.user_name} ({words.role(m.user_role)}) · "
                f"{words.query_action(m.action)}"
            )
            st.text(m.text)
        allowed = [
            a
            for a, rule in queries.TRANSITIONS.items()
            if q.status in rule.sources and actor.role in rule.roles
        ]
        if not allowed:
            return
        action = st.selectbox(
            "Action", allowed, key=f"{key}_action_{q.id}", format_func=words.query_action
        )
        text = st.text_area("Text", key=f"{key}_text_{q.id}", max_chars=2000)
        if st.button("Save", key=f"{key}_save_{q.id}"):
            _act(wb, actor, q.id, action, text or None)


def form_queries(
    wb: Workbench, actor: Actor, subject_id: int, visit_id: int, form_code: str
) -> None:
    """The queries of one form of a visit, and (for reviewers) raising a new one on it."""
    found = [
        q
        for q in queries.list_queries(wb, subject_id=subject_id, visit_id=visit_id)
        if q.form_code == form_code
    ]
    st.markdown(f"**Queries on this form ({len(found)})**")
    for q in found:
        thread(wb, actor, q, "visitq")
    if actor.role in REVIEWERS:
        with st.form(f"raise_{visit_id}_{form_code}", clear_on_submit=True):
            text = st.text_area("New query on this form", key="raise_text", max_chars=2000)
            if st.form_submit_button("Raise query", key="raise_submit"):
                try:
                    queries.raise_query(wb, actor, text, visit_id=visit_id, form_code=form_code)
                except RecordsError as err:
                    st.error(str(err))
                else:
                    st.rerun()
