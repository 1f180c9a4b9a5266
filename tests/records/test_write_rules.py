"""Write rules run at flush, below every use case: they see each change with its scope."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from models import Subject
from models.db import unit_of_work
from models.write_rules import _RULES, Change, register, registered
from records.assessments import save_assessment
from records.subjects import screen_subject
from tests.records.conftest import TODAY


class Refused(RuntimeError):
    pass


@pytest.fixture
def captured() -> Iterator[list[Change]]:
    seen: list[Change] = []

    @register("test-capture", order=999)
    def _capture(_session: Session, changes: Sequence[Change]) -> None:
        seen.extend(changes)

    yield seen
    _RULES.pop("test-capture", None)


def _screen(wb, actor) -> int:
    return screen_subject(
        wb,
        actor,
        {
            "screening_number": "S-001",
            "sex": "F",
            "birth_year": 1985,
            "consent_date": date(2025, 2, 1),
        },
    ).id


def test_rule_sees_create_update_delete_with_changed_fields(wb, actor, captured):
    subject_id = _screen(wb, actor)
    assert {c.action for c in captured} == {"create"}
    captured.clear()
    with unit_of_work(wb.engine, actor, reason="typo") as s:
        s.get(Subject, subject_id).sex = "M"
    (change,) = [c for c in captured if c.entity == "subject"]
    assert change.action == "update" and change.fields == ("sex",)
    assert change.subject_id == subject_id and change.record_id == subject_id


def test_a_refusing_rule_rolls_back_the_whole_write(wb, actor):
    subject_id = _screen(wb, actor)

    @register("test-refuse", order=0)
    def _refuse(_session: Session, changes: Sequence[Change]) -> None:
        if any(c.entity == "subject" and c.action == "update" for c in changes):
            raise Refused("locked")

    try:
        with pytest.raises(Refused), unit_of_work(wb.engine, actor, reason="x") as s:
            s.get(Subject, subject_id).sex = "M"
    finally:
        _RULES.pop("test-refuse", None)
    with wb.engine.connect() as conn:
        assert conn.execute(text("SELECT sex FROM subject")).scalar_one() == "F"
        assert (
            conn.execute(text("SELECT count(*) FROM auditevent WHERE action='update'")).scalar_one()
            == 0
        )


def test_rules_run_in_order():
    names = registered()
    assert names == sorted(names, key=lambda n: (_RULES[n].order, n))


def test_item_change_is_scoped_to_its_assessment(wb, actor, subject, captured):
    visit_id = subject.visits["SCR"]
    first = save_assessment(
        wb, actor, visit_id=visit_id, form_code="PGA", values={"PGA": "1.3"}, today=TODAY
    )
    captured.clear()
    save_assessment(
        wb,
        actor,
        visit_id=visit_id,
        form_code="PGA",
        values={"PGA": "1.5"},
        today=TODAY,
        reason="re-read the source",
        expected_version=first.version,
    )
    items = [c for c in captured if c.entity == "assessmentitem"]
    assert items and all(
        (c.subject_id, c.visit_id, c.form) == (subject.id, visit_id, "PGA") for c in items
    )
