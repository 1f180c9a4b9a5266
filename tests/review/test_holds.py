"""Placing and lifting holds: who may, what is refused, what each level covers, the audit."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.holds import hold_state, holds, lift_hold, place_hold
from tests.review.conftest import ADMIN, COORDINATOR, DATA_MANAGER, MONITOR, OPERATOR

OTHERS = [MONITOR, COORDINATOR, ADMIN]


@pytest.mark.req("REQ-SEC-02")
@pytest.mark.parametrize("who", OTHERS, ids=lambda a: a.role)
@pytest.mark.parametrize("kind", ["freeze", "lock"])
def test_only_a_data_manager_places_or_lifts(wb, subject, who, kind):
    with pytest.raises(PermissionDenied):
        place_hold(wb, who, kind, "x", subject_id=subject.id)
    hold = place_hold(wb, DATA_MANAGER, kind, "x", subject_id=subject.id)
    with pytest.raises(PermissionDenied):
        lift_hold(wb, who, hold.id, "y")
    assert hold_state(wb, subject.id) == {"freeze": "frozen", "lock": "locked"}[kind]


def test_levels_cover_downwards_only(wb, actor, subject):
    scr, v1 = subject.visits["SCR"], subject.visits["V1"]
    place_hold(wb, DATA_MANAGER, "freeze", "x", visit_id=scr, form_code="PGA")
    assert hold_state(wb, subject.id, scr, "PGA") == "frozen"
    assert hold_state(wb, subject.id, scr, "SLEDAI2K") is None
    assert hold_state(wb, subject.id, scr) is None
    place_hold(wb, DATA_MANAGER, "lock", "x", visit_id=v1)
    assert hold_state(wb, subject.id, v1, "PGA") == "locked"
    assert hold_state(wb, subject.id) is None
    place_hold(wb, DATA_MANAGER, "freeze", "x", subject_id=subject.id)
    assert hold_state(wb, subject.id, scr, "SLEDAI2K") == "frozen"
    assert hold_state(wb, subject.id, v1) == "locked"  # the stronger hold wins


@pytest.mark.req("REQ-WF-01", "REQ-AUD-04")
def test_refusals_and_audit(wb, subject):
    with pytest.raises(ValidationFailed):
        place_hold(wb, DATA_MANAGER, "freeze", " ", subject_id=subject.id)
    with pytest.raises(ValidationFailed):
        place_hold(wb, DATA_MANAGER, "seal", "x", subject_id=subject.id)
    with pytest.raises(ValidationFailed):
        place_hold(wb, DATA_MANAGER, "freeze", "x", form_code="PGA")  # a form needs its visit
    with pytest.raises(NotFound):
        place_hold(wb, DATA_MANAGER, "freeze", "x", visit_id=999)
    hold = place_hold(wb, DATA_MANAGER, "lock", "final", subject_id=subject.id)
    with pytest.raises(ValidationFailed):
        place_hold(wb, DATA_MANAGER, "lock", "again", subject_id=subject.id)
    lift_hold(wb, OPERATOR, hold.id, "late data")
    with pytest.raises(NotFound):
        lift_hold(wb, OPERATOR, hold.id, "twice")
    assert not holds(wb) and len(holds(wb, active=False)) == 1
    with wb.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, subject_id, field, reason, user_role FROM auditevent "
                 "WHERE entity='recordlock' ORDER BY id")
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("lock", subject.id, "subject_hold", "final", "data_manager"),
        ("unlock", subject.id, "subject_hold", "late data", "system"),
    ]
