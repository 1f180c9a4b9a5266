"""The audit trail: automatic field-level rows, reasons, append-only, hash chain, replay."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from models import Actor, AuditError, ReasonRequired, Subject, Visit
from models.db import make_engine, unit_of_work, upgrade
from records.audit_trail import current_state, replay_state, verify_chain
from records.context import Workbench
from records.subjects import screen_subject
from study import load_study
from tests.tamper import lift_append_only, wipe_statement


def _screen(wb: Workbench, actor: Actor, number: str = "S-001") -> int:
    return screen_subject(
        wb,
        actor,
        {
            "screening_number": number,
            "sex": "F",
            "birth_year": 1985,
            "consent_date": date(2025, 2, 1),
        },
    ).id


def _rows(wb: Workbench, sql: str) -> list[tuple]:
    with wb.engine.connect() as conn:
        return list(conn.execute(text(sql)))


@pytest.mark.req("REQ-AUD-01", "REQ-AUD-09")
def test_create_writes_one_row_per_field_with_who_and_origin(wb, actor):
    subject_id = _screen(wb, actor)
    rows = _rows(
        wb,
        "SELECT field, old_value, new_value, username, user_role, origin, action "
        f"FROM auditevent WHERE entity='subject' AND record_id={subject_id}",
    )
    by_field = {r[0]: r for r in rows}
    assert by_field["screening_number"][1:3] == (None, "S-001")
    assert by_field["sex"][2] == "F"
    assert {r[3] for r in rows} == {"inv"} and {r[4] for r in rows} == {"investigator"}
    assert {r[6] for r in rows} == {"create"} and {r[5] for r in rows} == {"ui"}
    assert "version_id" not in by_field and "id" not in by_field


@pytest.mark.req("REQ-AUD-01", "REQ-AUD-08")
def test_update_records_old_and_new_value_and_reason(wb, actor):
    subject_id = _screen(wb, actor)
    with unit_of_work(wb.engine, actor, reason="transcription error") as s:
        s.get(Subject, subject_id).sex = "M"
    rows = _rows(
        wb, "SELECT field, old_value, new_value, reason FROM auditevent WHERE action='update'"
    )
    assert rows == [("sex", "F", "M", "transcription error")]


@pytest.mark.req("REQ-AUD-08")
def test_update_without_reason_is_refused_and_nothing_changes(wb, actor):
    subject_id = _screen(wb, actor)
    with pytest.raises(ReasonRequired), unit_of_work(wb.engine, actor) as s:
        s.get(Subject, subject_id).sex = "M"
    assert _rows(wb, f"SELECT sex FROM subject WHERE id={subject_id}") == [("F",)]


@pytest.mark.req("REQ-AUD-01")
def test_delete_records_old_values(wb, actor):
    subject_id = _screen(wb, actor)
    with unit_of_work(wb.engine, actor, reason="entered on wrong subject") as s:
        visit = s.exec(
            select(Visit).where(Visit.subject_id == subject_id, Visit.visit_code == "V2")
        ).one()
        visit_id = visit.id
        s.delete(visit)
    rows = _rows(
        wb,
        "SELECT field, old_value, new_value FROM auditevent "
        f"WHERE action='delete' AND record_id={visit_id}",
    )
    assert ("visit_code", "V2", None) in rows


@pytest.mark.req("REQ-AUD-01")
def test_write_without_actor_is_refused(wb):
    from sqlmodel import Session

    with Session(wb.engine) as s:
        s.add(Subject(site_id=1, screening_number="X", sex="F", consent_date=date(2025, 1, 1)))
        with pytest.raises(AuditError):
            s.flush()


@pytest.mark.parametrize(
    "sql", ["UPDATE auditevent SET reason = 'x'", "DELETE FROM auditevent WHERE id = 1"]
)
@pytest.mark.req("REQ-AUD-02")
def test_database_refuses_update_and_delete_on_audit_table(wb, actor, sql):
    _screen(wb, actor)
    with pytest.raises(DatabaseError, match="append-only"), wb.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.mark.req("REQ-AUD-02")
def test_database_refuses_to_empty_the_audit_trail(wb, actor):
    """TRUNCATE fires no row trigger on PostgreSQL: a statement trigger refuses it (#16)."""
    _screen(wb, actor)
    with wb.engine.connect() as conn:
        statement = wipe_statement(conn, "auditevent")
    with pytest.raises(DatabaseError, match="append-only"), wb.engine.begin() as conn:
        conn.execute(text(statement))
    assert _rows(wb, "SELECT count(*) FROM auditevent")[0][0] > 0


@pytest.mark.req("REQ-VAL-02")
def test_verify_detects_an_edited_row(wb, actor):
    _screen(wb, actor)
    assert verify_chain(wb.engine).ok
    with wb.engine.begin() as conn:  # a tamperer who drops the trigger first
        lift_append_only(conn)
        conn.execute(text("UPDATE auditevent SET new_value = 'M' WHERE field = 'sex'"))
    report = verify_chain(wb.engine)
    assert not report.ok
    assert any("does not match its hash" in p for p in report.problems)


@pytest.mark.req("REQ-VAL-02")
def test_verify_detects_a_removed_row(wb, actor):
    _screen(wb, actor)
    with wb.engine.begin() as conn:
        lift_append_only(conn)
        conn.execute(text("DELETE FROM auditevent WHERE id = 3"))
    problems = verify_chain(wb.engine).problems
    assert any("audit row 3 is missing" in p for p in problems)
    assert any("link to the previous row is broken" in p for p in problems)


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["sex", "birth_year", "status_reason", "delete_visit", "add"]),
        st.integers(min_value=0, max_value=5),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
@pytest.mark.req("REQ-VAL-02")
def test_replaying_the_audit_trail_reproduces_current_data(tmp_path_factory, edits):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('replay') / 'w.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    actor = Actor(None, "c", "Cora Coordinator", "coordinator")
    ids = [_screen(wb, actor, "R-000")]
    for n, (kind, value) in enumerate(edits):
        with unit_of_work(engine, actor, reason=f"edit {n}") as s:
            subject = s.get(Subject, ids[value % len(ids)])
            if kind == "sex":
                subject.sex = "MF"[value % 2]
            elif kind == "birth_year":
                subject.birth_year = 1950 + value
            elif kind == "status_reason":
                subject.status_reason = None if value == 0 else f"note {value}"
            elif kind == "delete_visit":
                visit = s.exec(select(Visit).where(Visit.subject_id == subject.id)).first()
                if visit is not None:
                    s.delete(visit)
        if kind == "add":
            ids.append(_screen(wb, actor, f"R-{n + 1:03d}"))
    assert replay_state(engine) == current_state(engine)
    assert verify_chain(engine).ok
    engine.dispose()


def test_chain_head_names_the_newest_row_and_count(wb, actor):
    from models.audit_chain import GENESIS, chain_head

    with wb.engine.connect() as conn:
        assert chain_head(conn).as_text() == f"0:0:{GENESIS}"
    _screen(wb, actor)
    with wb.engine.connect() as conn:
        head = chain_head(conn)
        newest = conn.execute(
            text("SELECT id, row_hash FROM auditevent ORDER BY id DESC LIMIT 1")
        ).first()
        count = conn.execute(text("SELECT count(*) FROM auditevent")).scalar_one()
    assert (head.rows, head.last_id, head.row_hash) == (count, newest[0], newest[1])
