"""Subject-level logs of an ODM import: medical history, medications, adverse events."""

from __future__ import annotations

from datetime import date

from models import Actor
from records.adverse_events import save_adverse_event
from records.context import Workbench
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
            if form.oid == M.HISTORY.form:
                values = fields(group, "IT.MEDICALHISTORY.")
                save_history(wb, actor, subject_id=sid, values=values, today=today)
            elif form.oid == M.MEDICATION.form:
                values = fields(group, "IT.MEDICATION.")
                save_medication(wb, actor, subject_id=sid, values=values, today=today)
            elif form.oid == M.ADVERSE_EVENT.form:
                values = fields(group, "IT.ADVERSEEVENT.")
                saved = save_adverse_event(wb, actor, subject_id=sid, values=values, today=today)
                links[int(group.repeat_key or 0)] = saved.id
    return links
