"""When a stored form counts as complete: every item the study definition requires is present.

One rule for every form stored as items (instruments, exam forms, eligibility): the save refuses
"complete" while a required item is blank (`records.instruments.check_items`), and a form stored
as complete without them (saved before a rule tightened, or imported) reads "incomplete" with the
missing items named, instead of counting as done. Labs, vital signs and dosing are saved whole by
their own use cases, which refuse a blank required value, so a stored row is complete there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from models import Assessment, AssessmentItem
from records import words
from records.instruments import ItemSpec, item_specs
from study.schema import StudyDefinition

FormKey = tuple[int, str]


def missing_items(specs: tuple[ItemSpec, ...], stored: Mapping[str, str | None]) -> tuple[str, ...]:
    """Codes of the required items (and the notes their answers call for) that are blank."""
    missing = [s.code for s in specs if s.required and _blank(stored.get(s.code))]
    for spec in specs:
        parent = stored.get(spec.note_for or "")
        if parent in spec.note_needed_when and _blank(stored.get(spec.code)):
            missing.append(spec.code)
    return tuple(missing)


def incomplete_forms(
    session: Any, study: StudyDefinition, subject_id: int
) -> dict[FormKey, tuple[str, ...]]:
    """Forms of a subject stored as complete that lack a required item, with the items missing."""
    a, i = Assessment, AssessmentItem
    rows = session.execute(
        select(a.visit_id, a.form_code, i.item_code, i.value)  # type: ignore[call-overload]
        .outerjoin(i, i.assessment_id == a.id)
        .where(a.subject_id == subject_id, a.state == "complete")
    )
    stored: dict[FormKey, dict[str, str | None]] = defaultdict(dict)
    for visit_id, form_code, item_code, value in rows:
        values = stored[(visit_id, form_code)]
        if item_code is not None:
            values[item_code] = value
    found: dict[FormKey, tuple[str, ...]] = {}
    for key, values in stored.items():
        try:
            specs = item_specs(study, key[1])
        except KeyError:
            continue
        missing = missing_items(specs, values)
        if missing:
            found[key] = missing
    return found


def _blank(value: str | None) -> bool:
    return value is None or not str(value).strip()


def item_labels(study: StudyDefinition, form_code: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Item codes as the form labels them (for people: the visit page names missing items)."""
    try:
        labels = {s.code: s.label for s in item_specs(study, form_code)}
    except KeyError:
        labels = {}
    return tuple(labels.get(c, words.humanise(c)) for c in codes)
