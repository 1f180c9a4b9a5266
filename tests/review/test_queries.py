"""Data queries: every transition by every role, the thread, the audit, answer by correction."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from records import labs
from records.errors import Held, PermissionDenied, ValidationFailed
from records.holds import place_hold
from records.open_queries import open_query_count
from records.queries import TRANSITIONS, list_queries, raise_query, transition
from tests.records.conftest import TODAY, counts
from tests.review.conftest import ADMIN, COORDINATOR, DATA_MANAGER, MONITOR

ROLES = {
    "monitor": MONITOR,
    "data_manager": DATA_MANAGER,
    "coordinator": COORDINATOR,
    "admin": ADMIN,
}
# The state a query must be in for each action to be allowed, and how to get it there.
SETUP = {"answer": [], "close": ["answer"], "reopen": ["answer"], "cancel": []}


def _lab(wb, actor, subject, wbc=6.0, **kw):
    return labs.save_lab_panel(
        wb, actor, visit_id=subject.visits["SCR"], panel="HEM", values={"WBC": wbc},
        today=TODAY, **kw,
    )  # fmt: skip


def _wbc_id(wb) -> int:
    with wb.engine.connect() as conn:
        return conn.execute(text("SELECT id FROM labresult WHERE test_code='WBC'")).scalar_one()


def _audit(wb, entity="dataquery"):
    with wb.engine.connect() as conn:
        return conn.execute(
            text("SELECT action, old_value, new_value, reason, user_role FROM auditevent "
                 "WHERE entity=:e ORDER BY id"), {"e": entity}
        ).all()  # fmt: skip


@pytest.fixture
def field_query(wb, actor, subject):
    _lab(wb, actor, subject)
    return raise_query(
        wb, MONITOR, "Source says 5.6", entity="labresult", record_id=_wbc_id(wb), field="value"
    )


def test_raise_on_a_field_resolves_its_subject_visit_and_form(wb, subject, field_query):
    assert (field_query.subject_id, field_query.visit_id, field_query.form_code) == (
        subject.id,
        subject.visits["SCR"],
        "HEM",
    )
    assert field_query.status == "open" and field_query.thread[0].action == "raise"
    assert _audit(wb)[-1][:3] == ("query_open", None, "open")
    assert open_query_count(None or _session(wb), subject.id) == 1


def _session(wb):
    from sqlmodel import Session

    return Session(wb.engine)


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_only_monitor_and_data_manager_raise(wb, subject, role):
    with pytest.raises(PermissionDenied):
        raise_query(wb, ROLES[role], "x", visit_id=subject.visits["SCR"], form_code="PGA")


@pytest.mark.req("REQ-AUD-04")
@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_transition_by_every_role(wb, subject, action, role):
    q = raise_query(wb, MONITOR, "Please check", visit_id=subject.visits["SCR"], form_code="PGA")
    for step in SETUP[action]:
        transition(wb, COORDINATOR if step == "answer" else MONITOR, q.id, step, "done")
    actor = ROLES[role]
    if actor.role not in TRANSITIONS[action].roles:
        before = counts(wb)
        with pytest.raises(PermissionDenied):
            transition(wb, actor, q.id, action, "text")
        assert counts(wb) == before
        return
    after = transition(wb, actor, q.id, action, "because")
    assert after.status == TRANSITIONS[action].target
    assert after.thread[-1].action == action and after.thread[-1].text == "because"
    last = _audit(wb)[-1]
    assert last[0] == f"query_{action}" and last[2] == after.status and last[3] == "because"
    assert last[4] == role


def test_full_cycle_and_refused_transitions(wb, subject):
    q = raise_query(wb, MONITOR, "Missing?", visit_id=subject.visits["SCR"], form_code="PGA")
    with pytest.raises(ValidationFailed):
        transition(wb, MONITOR, q.id, "close")  # not answered yet
    with pytest.raises(ValidationFailed):
        transition(wb, COORDINATOR, q.id, "answer", "")  # an answer needs text
    transition(wb, COORDINATOR, q.id, "answer", "not done at screening")
    transition(wb, MONITOR, q.id, "reopen", "please enter it as not done")
    transition(wb, COORDINATOR, q.id, "answer", "entered")
    closed = transition(wb, MONITOR, q.id, "close")
    with pytest.raises(ValidationFailed):
        transition(wb, COORDINATOR, q.id, "answer", "late")
    reopened = transition(wb, DATA_MANAGER, q.id, "reopen", "sent back")
    cancelled = transition(wb, DATA_MANAGER, q.id, "cancel", "raised in error")
    assert (closed.status, reopened.status, cancelled.status) == ("closed", "open", "cancelled")
    assert [m.action for m in cancelled.thread] == [
        "raise", "answer", "reopen", "answer", "close", "reopen", "cancel",
    ]  # fmt: skip
    assert [a[0] for a in _audit(wb)] == [
        "query_open", "query_answer", "query_reopen", "query_answer", "query_close",
        "query_reopen", "query_cancel",
    ]  # fmt: skip


@pytest.mark.req("REQ-AUD-10", "REQ-AUD-04")
def test_correcting_the_value_answers_the_query_and_links_the_audit_row(
    wb, actor, subject, field_query
):
    first = labs.load_lab_panel(wb, subject.visits["SCR"], "HEM")
    _lab(wb, actor, subject, 5.6, reason="transcription error", expected_version=first.version)
    (q,) = list_queries(wb)
    assert q.status == "answered"
    answer = q.thread[-1]
    assert answer.action == "answer_correction" and "5.6" in answer.text
    with wb.engine.connect() as conn:
        row = conn.execute(
            text("SELECT entity, field, new_value FROM auditevent WHERE id=:i"),
            {"i": answer.audit_id},
        ).one()
    assert tuple(row) == ("labresult", "value", "5.6")
    assert _audit(wb)[-1][:3] == ("query_answer", "open", "answered")


def test_unrelated_change_leaves_the_query_open(wb, actor, subject, field_query):
    labs.save_lab_panel(
        wb, actor, visit_id=subject.visits["SCR"], panel="CHEM", values={"ALB": 4.0}, today=TODAY
    )
    assert list_queries(wb)[0].status == "open"


def test_form_query_is_answered_by_any_entry_in_the_form(wb, actor, subject):
    q = raise_query(wb, MONITOR, "PGA missing", visit_id=subject.visits["SCR"], form_code="PGA")
    from records.assessments import save_assessment

    save_assessment(
        wb, actor, visit_id=subject.visits["SCR"], form_code="PGA", values={"PGA": "1.3"},
        today=TODAY,
    )  # fmt: skip
    (after,) = list_queries(wb)
    assert after.id == q.id and after.status == "answered" and after.thread[-1].audit_id


def test_queries_go_on_under_a_freeze_but_not_under_a_lock(wb, subject):
    place_hold(wb, DATA_MANAGER, "freeze", "interim", subject_id=subject.id)
    q = raise_query(wb, MONITOR, "Check", visit_id=subject.visits["SCR"], form_code="PGA")
    transition(wb, COORDINATOR, q.id, "answer", "checked")
    place_hold(wb, DATA_MANAGER, "lock", "final", visit_id=subject.visits["SCR"])
    with pytest.raises(Held):
        transition(wb, MONITOR, q.id, "close")
    with pytest.raises(Held):
        raise_query(wb, MONITOR, "Again", visit_id=subject.visits["SCR"], form_code="PGA")


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_under_a_study_lock_no_query_moves(wb, subject, action):
    q = raise_query(wb, MONITOR, "Check", visit_id=subject.visits["SCR"], form_code="PGA")
    for step in SETUP[action]:
        transition(wb, COORDINATOR if step == "answer" else MONITOR, q.id, step, "done")
    place_hold(wb, DATA_MANAGER, "lock", "final")
    before = counts(wb)
    who = COORDINATOR if action == "answer" else MONITOR
    with pytest.raises(Held):
        transition(wb, who, q.id, action, "text")
    assert counts(wb) == before
    expected = TRANSITIONS[SETUP[action][-1]].target if SETUP[action] else "open"
    assert list_queries(wb)[0].status == expected
