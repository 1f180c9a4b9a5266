"""That a wording file fits its instrument: every item worded, every answer labelled, no other.

The file's shape is read by the study layer (`study/wording.py`); the items and answers it must
match are the scoring catalogues', which the study layer may not import. Every `Workbench`
checks its study here, so a file that leaves a question unworded, labels four answers of a
five-answer item, or words an item the instrument does not have is refused before a patient
sees it, never on the screen where the patient would read a wrong or missing label.
"""

from __future__ import annotations

from records.instruments import instrument
from study.reader import StudyDefinitionError
from study.schema import InstrumentWording, StudyDefinition


def check_wording(study: StudyDefinition) -> None:
    """Raise StudyDefinitionError naming the wording file, the item and what does not fit."""
    for wording in study.wording:
        _check(wording)


def _check(wording: InstrumentWording) -> None:
    catalogue = instrument(wording.instrument)
    codes = [item.code for item in catalogue.items]
    unknown = [code for code in wording.items if code not in codes]
    if unknown:
        problem = f"{catalogue.name} has no item {', '.join(unknown)}"
        raise StudyDefinitionError(wording.file, "items", problem)
    missing = [code for code in codes if code not in wording.items]
    if missing:
        problem = f"no wording for {', '.join(missing)}: every question of the instrument is needed"
        raise StudyDefinitionError(wording.file, "items", problem)
    for item in catalogue.items:
        labels = wording.items[item.code].options
        if len(labels) != len(item.options):
            problem = f"{len(labels)} answer labels for {len(item.options)} answers"
            raise StudyDefinitionError(wording.file, f"items[{item.code}].options", problem)
