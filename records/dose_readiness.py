"""What should be on file before a subject is dosed: every form of the screening and baseline
visits, bar the administration itself, and the weight the cell dose per kg is worked out from.

Dosing is not refused for a missing form (a site may dose and enter the rest the same day);
the dose form warns, naming the forms, so nothing is dosed on a baseline that was never taken
(#14). A form counts as on file when saved complete or recorded as not done; a form saved
complete but missing required items does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.db import read_session
from records.context import Workbench
from records.sites import require_subject
from records.visits import calendar
from records.vitals import latest_weight

ON_FILE = ("complete", "not_done")


@dataclass(frozen=True, slots=True)
class MissingForms:
    """Forms of one visit not yet on file, by name."""

    visit: str
    forms: tuple[str, ...]


def missing_before_dose(wb: Workbench, subject_id: int) -> list[MissingForms]:
    """Forms not on file at the screening visit(s) and the baseline visit, in schedule order."""
    study = wb.study
    pre_dose = {v.code for v in study.visits if v.kind == "screening"}
    pre_dose.add(study.protocol.baseline_visit)
    found = []
    for row in calendar(wb, subject_id):
        if row.visit_code not in pre_dose:
            continue
        names = tuple(
            study.form(code).name
            for code, state in row.forms.items()
            if state not in ON_FILE and study.form(code).kind != "dose"
        )
        if names:
            found.append(MissingForms(f"{row.visit_code} {row.visit_name}", names))
    return found


def dose_weight(wb: Workbench, subject_id: int, visit_id: int) -> float | None:
    """The weight (kg) a dose at this visit is divided by for cells/kg, as `record_dose` uses."""
    require_subject(wb, subject_id)
    with read_session(wb.engine) as session:
        return latest_weight(session, subject_id, visit_id)
