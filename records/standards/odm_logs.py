"""Subject-level logs of an ODM import: medical history, medications, adverse events.

A row exported as entered in error is saved through its use case, then marked in error with
the exported reason (`records.entered_in_error`), so it arrives as it left: kept, not counted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models import Actor
from records.adverse_events import save_adverse_event
from records.context import Workbench
from records.entered_in_error import mark_entered_in_error
from records.history import save_history
from records.medications import save_medication
from records.standards import odm_model as M
from records.standards.odm_data import Event
from records.standards.odm_read import fields


def import_logs(wb: Workbench, actor: Actor, sid: int, head: Event, today: date) -> dict[int, int]:
    """Save each log record through its use case; returns AE sequence → new AE id."""
    links: dict[int, int] = {}
    for form in head.forms[1:]:
        for group in form.groups:
            saved: Any = None
            if form.oid == M.HISTORY.form:
                entity, values = "medicalhistory", fields(group, "IT.MEDICALHISTORY.")
                error = values.pop("error_reason", None)
                saved = save_history(wb, actor, subject_id=sid, values=values, today=today)
            elif form.oid == M.MEDICATION.form:
                entity, values = "medication", fields(group, "IT.MEDICATION.")
                error = values.pop("error_reason", None)
                saved = save_medication(wb, actor, subject_id=sid, values=values, today=today)
            elif form.oid == M.ADVERSE_EVENT.form:
                entity, values = "adverseevent", fields(group, "IT.ADVERSEEVENT.")
                error = values.pop("error_reason", None)
                saved = save_adverse_event(wb, actor, subject_id=sid, values=values, today=today)
                links[int(group.repeat_key or 0)] = saved.id
            if saved is not None and error:
                mark_entered_in_error(wb, actor, entity=entity, record_id=saved.id,
                                      reason=error, expected_version=saved.version)  # fmt: skip
    return links
