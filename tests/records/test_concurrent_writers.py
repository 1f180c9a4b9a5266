"""Concurrent writers, each with its own engine as separate app servers have (issue #16).

Runs on SQLite and on PostgreSQL: numbers stay unique and gap-free, the audit chain stays one
verified chain, and of writers racing on one version exactly one wins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Subject
from models.db import make_engine
from records.adverse_events import list_adverse_events, save_adverse_event
from records.audit_trail import verify_chain
from records.context import Workbench
from records.errors import ConflictError, ValidationFailed
from records.subjects import screen_subject
from tests.records.conftest import CONSENT, TODAY

WRITERS = 4
SAVES_EACH = 15
AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip

pytestmark = pytest.mark.req("REQ-AUD-01", "REQ-VAL-02")


def _race(wb: Workbench, work: Callable[[Workbench, int], Any]) -> list[Any]:
    """Run `work(own_workbench, writer_number)` in WRITERS threads released at one instant."""
    start = threading.Barrier(WRITERS)
    engines = [make_engine(str(wb.engine.url.render_as_string(hide_password=False)))]
    engines += [make_engine(engines[0].url.render_as_string(hide_password=False))
                for _ in range(WRITERS - 1)]  # fmt: skip

    def writer(number: int) -> Any:
        own = Workbench(engine=engines[number], study=wb.study)
        start.wait()
        try:
            return work(own, number)
        except (ConflictError, ValidationFailed) as refused:
            return refused

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            return list(pool.map(writer, range(WRITERS)))
    finally:
        for engine in engines:
            engine.dispose()


def test_adverse_event_numbers_stay_unique_under_concurrent_writers(wb, actor, dosed):
    def save_many(own: Workbench, number: int) -> int:
        for i in range(SAVES_EACH):
            values = {**AE, "term": f"Headache w{number} #{i}"}
            save_adverse_event(own, actor, subject_id=dosed.id, values=values, today=TODAY)
        return SAVES_EACH

    assert _race(wb, save_many) == [SAVES_EACH] * WRITERS
    events = list_adverse_events(wb, dosed.id)
    assert [e.sequence for e in events] == list(range(1, WRITERS * SAVES_EACH + 1))
    report = verify_chain(wb.engine)
    assert report.ok, report.problems
    with wb.engine.connect() as conn:
        audited = conn.scalar(
            select(func.count(func.distinct(AuditEvent.record_id))).where(
                AuditEvent.entity == "adverseevent", AuditEvent.action == "create"
            )
        )
    assert audited == WRITERS * SAVES_EACH


def test_of_writers_racing_on_one_version_exactly_one_wins(wb, actor, dosed):
    first = save_adverse_event(wb, actor, subject_id=dosed.id, values=AE, today=TODAY)

    def edit(own: Workbench, number: int) -> Any:
        values = {**AE, "term": f"Migraine {number}"}
        return save_adverse_event(
            own, actor, subject_id=dosed.id, values=values, ae_id=first.id,
            expected_version=first.version, reason="term clarified", today=TODAY,
        )  # fmt: skip

    results = _race(wb, edit)
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1 and all(isinstance(r, ConflictError) for r in results if r not in won)
    (current,) = list_adverse_events(wb, dosed.id)
    assert current.values["term"] == won[0].values["term"]
    assert current.version == first.version + 1
    assert verify_chain(wb.engine).ok


def test_one_screening_number_taken_by_racing_writers_once(wb, actor):
    def screen(own: Workbench, number: int) -> Any:
        return screen_subject(
            own, actor, {"screening_number": "001-050", "sex": "F", "birth_year": 1980 + number,
                         "consent_date": CONSENT},
        )  # fmt: skip

    results = _race(wb, screen)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(refused) == WRITERS - 1
    assert all("screening_number" in r.errors for r in refused)
    with wb.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Subject)) == 1
    assert verify_chain(wb.engine).ok
