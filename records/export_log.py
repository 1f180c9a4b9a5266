"""Exports are logged in the audit trail through the records layer (issue #13): the export code
never opens a unit of work or appends to the chain itself. Listings, SDTM/ADaM and ODM alike.

`Actor` is re-exported here for the exports layer, which may not import `models`.
"""

from __future__ import annotations

import json

from models import Actor
from models.audit_chain import append
from models.db import unit_of_work
from records.context import Workbench

__all__ = ["Actor", "audit_export"]


def audit_export(wb: Workbench, actor: Actor, entity: str, payload: dict[str, object]) -> None:
    """One `export` audit row naming what was exported, in its own write transaction."""
    version = wb.study.study.definition_version
    row = {
        **actor.stamp(),
        "action": "export",
        "entity": entity,
        "new_value": json.dumps(payload, sort_keys=True, default=_as_json),
        "study_version": version,
    }
    with unit_of_work(wb.engine, actor, study_version=version) as session:
        append(session.connection(), [row])


def _as_json(value: object) -> object:
    """Sets (of subjects, sheets) as sorted lists; anything else (paths, dates) as text."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)
