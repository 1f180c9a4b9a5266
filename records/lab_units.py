"""That every further unit a study definition allows for a lab test converts exactly.

The study definition names the units (`units`) and the analyte to convert through; the exact
factors live in `scoring.labs`, which the study layer may not import. Every `Workbench` checks
its study here (a few exact conversions, about 50 µs), so a definition with a unit the
workbench cannot convert is refused before any page, command or import uses it, never when a
coordinator picks that unit.
"""

from __future__ import annotations

from scoring import labs
from scoring.errors import ScoringInputError
from study.reader import StudyDefinitionError
from study.schema import StudyDefinition


def check_units(study: StudyDefinition) -> None:
    """Raise StudyDefinitionError naming the test and unit that do not convert."""
    for i, test in enumerate(study.lab_tests):
        for unit in test.units:
            try:
                labs.convert(test.analyte or "", 1.0, unit, test.unit or "")
            except ScoringInputError as err:
                key = f"labs.tests[{i}].units"
                problem = f"{unit!r} does not convert to {test.unit}: {err}"
                raise StudyDefinitionError(study.source, key, problem) from err
