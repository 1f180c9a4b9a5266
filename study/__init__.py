"""Study definitions: visits, forms, lab panels, codelists and protocol thresholds, from TOML."""

from study.loader import DEFAULT_DEFINITION, StudyDefinitionError, load_study
from study.schema import FormDef, LabTestDef, StudyDefinition, VisitDef

__all__ = [
    "DEFAULT_DEFINITION",
    "FormDef",
    "LabTestDef",
    "StudyDefinition",
    "StudyDefinitionError",
    "VisitDef",
    "load_study",
]
