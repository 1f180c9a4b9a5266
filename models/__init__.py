"""SQLModel tables, the engine and the audit machinery. Importing this registers every table."""

from models import audit_capture as _audit_capture  # noqa: F401  (registers flush listeners)
from models import user_seal as _user_seal  # noqa: F401  (seals accounts at flush, issue #13)
from models.assessments import Assessment, AssessmentItem
from models.audit import SYSTEM_ACTOR, Actor, AuditEvent
from models.audit_capture import AuditError, ReasonRequired
from models.clinical import (
    AdverseEvent,
    DoseAdministration,
    LabResult,
    MedicalHistory,
    Medication,
    VitalSign,
)
from models.identity import ROLES, Site, User
from models.review import DataQuery, RecordLock
from models.signatures import Signature
from models.subjects import SUBJECT_STATUSES, Subject, Visit

__all__ = [
    "ROLES",
    "SUBJECT_STATUSES",
    "SYSTEM_ACTOR",
    "Actor",
    "AdverseEvent",
    "Assessment",
    "AssessmentItem",
    "AuditError",
    "AuditEvent",
    "DataQuery",
    "DoseAdministration",
    "LabResult",
    "MedicalHistory",
    "Medication",
    "ReasonRequired",
    "RecordLock",
    "Signature",
    "Site",
    "Subject",
    "User",
    "Visit",
    "VitalSign",
]
