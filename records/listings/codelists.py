"""Every codelist a listing column can use: the study's, the application's and instruments'.

Study codelists decode through `StudyDefinition.decode`; the application's own code sets
(subject status, visit status, range flags, response verdicts) live here so the codelist sheet
documents every coded column, not only those the study file defines.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from records import words
from scoring import bilag_items, sledai_items
from study.schema import StudyDefinition

Pairs = tuple[tuple[str, str], ...]

APPLICATION: dict[str, Pairs] = {
    "SUBJECT_STATUS": tuple(words.SUBJECT_STATUSES.items()),
    "VISIT_STATUS": (("planned", "Planned"), ("done", "Done"), ("missed", "Missed")),
    "FORM_STATE": (
        ("complete", "Complete"),
        ("in_progress", "In progress"),
        ("incomplete", "Stored as complete, required items missing"),
        ("not_done", "Not done"),
    ),
    "NRIND": (("L", "Low"), ("N", "Normal"), ("H", "High"), ("A", "Abnormal")),
    "RESPONSE": (
        ("Y", "Responder / criteria met"),
        ("N", "Non-responder / not met"),
        ("NE", "Not evaluable"),
    ),
    "DVCAT": (
        ("VISIT WINDOW", "Visit outside its window"),
        ("MISSED VISIT", "Planned visit missed"),
        ("ELIGIBILITY", "Eligibility criterion not met, subject enrolled"),
    ),
    "AUDIT_ACTION": tuple(words.AUDIT_ACTIONS.items()),
}

_INSTRUMENT_CODELISTS = {
    "SLEDAI2K_ITEM": (sledai_items.INSTRUMENT.items, "yes_no"),
    "BILAG2004_ORDINAL": (bilag_items.INSTRUMENT.items, "ordinal"),
    "BILAG2004_YN": (bilag_items.INSTRUMENT.items, "yes_no"),
    "BILAG2004_DIPSTICK": (bilag_items.INSTRUMENT.items, "choice"),
    "BILAG2004_GRADE": (bilag_items.GRADE_ITEMS, "choice"),
}


@cache
def instrument_codelist(name: str) -> Pairs:
    """Options of an instrument's item type from the scoring catalogue (first item with any)."""
    items, value_type = _INSTRUMENT_CODELISTS[name]
    for item in items:
        if item.value_type == value_type and item.options:
            return tuple((o.code, o.label) for o in item.options)
    return ()


def source_of(study: StudyDefinition, name: str) -> str:
    """Where a codelist is defined, for the codelist sheet."""
    if name in study.codelists:
        return f"Study definition {study.study.definition_version}"
    if name in APPLICATION:
        return "Application"
    return "Instrument catalogue (scoring/)"


def pairs(study: StudyDefinition, name: str) -> Pairs:
    """The (code, label) pairs of any known codelist, in definition order."""
    if name in study.codelists:
        return study.codelists[name]
    if name in APPLICATION:
        return APPLICATION[name]
    if name in _INSTRUMENT_CODELISTS:
        return instrument_codelist(name)
    return ()


def decoder(study: StudyDefinition, name: str) -> Callable[[str], str]:
    """A function code → label; study codelists go through `study.decode` (unknown → code)."""
    if name in study.codelists:
        return lambda code: study.decode(name, str(code)) or str(code)
    table = dict(pairs(study, name))
    return lambda code: table.get(str(code), str(code))


def all_names(study: StudyDefinition) -> tuple[str, ...]:
    """Every codelist name: the study's first, then the application's and instruments'."""
    return (*study.codelists, *APPLICATION, *_INSTRUMENT_CODELISTS)
