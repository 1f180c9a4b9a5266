"""SQLModel tables, the engine and the audit machinery. Importing this registers every table."""

from models import audit_capture as _audit_capture  # noqa: F401  (registers flush listeners)
from models import entered_in_error as _entered_in_error  # noqa: F401  (write rule, order 15)
from models import review_rules as _review_rules  # noqa: F401  (freeze/lock, SDV drop, queries; #12)
from models import signature_rule as _signature_rule  # noqa: F401  (write rule, order 50)
from models import site_scope as _site_scope  # noqa: F401  (write rule, order 5; #16)
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
from models.identity import ROLES, Site, SiteMember, User
from models.review import DataQuery, QueryMessage, RecordLock, SdvMark
from models.signatures import Signature, SignatureInvalidation
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
    "QueryMessage",
    "ReasonRequired",
    "RecordLock",
    "SdvMark",
    "Signature",
    "SignatureInvalidation",
    "Site",
    "SiteMember",
    "Subject",
    "User",
    "Visit",
    "VitalSign",
]
