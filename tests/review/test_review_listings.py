"""The listings carry every query with its thread and state, and the SDV state per form."""

from __future__ import annotations

from records.assessments import save_assessment
from records.listings.model import Scope
from records.listings.snapshot import read_snapshot
from records.queries import raise_query, transition
from records.sdv import verify_form
from tests.records.conftest import TODAY
from tests.review.conftest import COORDINATOR, MONITOR


def _sheets(wb):
    return {s.number: s for s in read_snapshot(wb.engine, wb.study, Scope()).sheets}


def test_queries_and_sdv_listings(wb, actor, subject):
    save_assessment(
        wb, actor, visit_id=subject.visits["SCR"], form_code="PGA", values={"PGA": "1.3"},
        today=TODAY,
    )  # fmt: skip
    q = raise_query(wb, MONITOR, "Source?", visit_id=subject.visits["SCR"], form_code="PGA")
    transition(wb, COORDINATOR, q.id, "answer", "Clinic note 4 Feb")
    verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    sheets = _sheets(wb)
    queries = sheets["16.2.10.1"].frame
    assert list(queries["status"]) == ["answered"] and list(queries["subject"]) == ["001-001"]
    thread = queries["thread"].iloc[0]
    assert "Mo Monitor (monitor) raise: Source?" in thread
    assert "Cory Coordinator (coordinator) answer: Clinic note 4 Feb" in thread
    sdv = sheets["16.2.10.2"].frame
    assert list(zip(sdv["visit_code"], sdv["form_code"], sdv["state"], strict=True)) == [
        ("SCR", "PGA", "verified")
    ]
