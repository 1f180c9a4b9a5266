"""Plain words for the codes the database keeps: tables, fields, roles, audit actions, checks.

The database, the audit trail and the exports keep short codes (`adverseevent.ctcae_grade`,
`data_manager`, `sdv_verify`) because tools and tests match on them. Screens show people these
words instead (#14: no database column names or rule identifiers in the interface). A code
without an entry here still reads as words: underscores become spaces and a trailing `_id`
goes, so a new column never shows up on screen as an identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

ROLES: Final[dict[str, str]] = {
    "investigator": "investigator",
    "coordinator": "coordinator",
    "monitor": "monitor",
    "data_manager": "data manager",
    "admin": "administrator",
    "system": "system",
}

ENTITIES: Final[dict[str, str]] = {
    "adverseevent": "adverse event",
    "assessment": "form",
    "assessmentitem": "form item",
    "dataquery": "query",
    "doseadministration": "dose administration",
    "labresult": "lab result",
    "medicalhistory": "medical history",
    "medication": "medication",
    "recordlock": "record lock",
    "sdvmark": "source data verification",
    "signature": "signature",
    "site": "site",
    "subject": "subject",
    "user": "account",
    "visit": "visit",
    "vitalsign": "vital sign",
    "eligibility": "eligibility",
    "export": "export",
}

FIELDS: Final[dict[str, str]] = {
    "actual_date": "visit date",
    "value_num": "numeric value",
    "ref_low": "reference range, low",
    "ref_high": "reference range, high",
    "flag": "range flag",
    "collected_time": "collection time",
    "critical_assessment": "critical value assessment",
    "ctcae_grade": "CTCAE grade",
    "sae_death": "serious: death",
    "sae_life_threatening": "serious: life-threatening",
    "sae_hospitalisation": "serious: hospitalisation",
    "sae_disability": "serious: disability",
    "sae_congenital_anomaly": "serious: congenital anomaly",
    "sae_medically_important": "serious: medically important",
    "reaction_ae_id": "infusion reaction adverse event",
    "item_code": "item",
    "form_code": "form",
    "test_code": "test",
    "visit_code": "visit",
    "state": "form state",
    "mode": "entry mode",
    "window_days": "recall window (days)",
    "cells_per_kg": "cells per kg",
    "completed_at": "completed at",
    "seal": "account seal",
    "visit_hold": "visit hold",
    "verified": "verified",
    "pulse": "IV pulse",
    "error_reason": "entered in error: reason",
}

SUBJECT_STATUSES: Final[dict[str, str]] = {
    "screening": "Screening",
    "screen_failure": "Screen failure",
    "enrolled": "Enrolled",
    "dosed": "Dosed",
    "completed": "Completed",
    "early_termination": "Early termination",
    "lost_to_follow_up": "Lost to follow-up",
    "died": "Died",
}
"""Also the SUBJECT_STATUS codelist of the listings."""

AUDIT_ACTIONS: Final[dict[str, str]] = {
    "create": "Record created",
    "update": "Value changed",
    "delete": "Record deleted",
    "export": "Data exported",
    "user_create": "Account created",
    "user_seal": "Account sealed",
    "site_create": "Site created",
    "site_access": "Site access changed",
    "query_open": "Query raised",
    "query_answer": "Query answered",
    "query_close": "Query closed",
    "query_reopen": "Query reopened",
    "query_cancel": "Query cancelled",
    "answer_correction": "Answer corrected",
    "sdv_verify": "Source data verified",
    "sdv_drop": "Verification withdrawn (value changed)",
    "site_update": "Site changed",
    "reauth_fail": "Signature password wrong",
    "password_change": "Password changed",
    "password_reset": "Password reset",
    "role_change": "Role or access changed",
    "freeze": "Frozen",
    "unfreeze": "Unfrozen",
    "lock": "Locked",
    "unlock": "Unlocked",
    "sign": "Signed",
    "sig_invalidate": "Signature invalidated (data changed)",
    "login_fail": "Sign-in failed",
    "login_throttled": "Sign-in throttled",
    "restore": "Database restored",
}
"""Also the AUDIT_ACTION codelist of the listings."""

CHECKS: Final[dict[str, str]] = {
    "FORM_MISSING": "missing form",
    "VISIT_WINDOW": "visit outside its window",
    "LAB_SIGNIFICANCE": "lab result out of range without an assessment",
    "RESPONSE_ASSESSMENTS": "response assessments incomplete",
    "CTCAE_LAB": "adverse-event grade against the lab values",
    "STEROID_OVERLAP": "corticosteroid rows of one drug on the same days",
}
"""The automatic edit checks (`records.edit_checks.CHECKS`)."""

QUERY_ACTIONS: Final[dict[str, str]] = {
    "open": "raised",
    "answer": "answer",
    "close": "close",
    "reopen": "reopen",
    "cancel": "cancel",
    "answer_correction": "answer by correcting the value",
}

_CAPITALS = {"ae": "AE", "sae": "SAE", "ctcae": "CTCAE", "pga": "PGA", "kg": "kg", "iv": "IV"}


def humanise(code: str) -> str:
    """A code as words: `birth_year` → `birth year`, `visit_id` → `visit`, `ae` → `AE`."""
    parts = [p for p in code.removesuffix("_id").split("_") if p]
    return " ".join(_CAPITALS.get(p, p) for p in parts)


def score(code: str) -> str:
    """A derived score's name: `fatigue_t` → `fatigue T-score`, `total` → `total`."""
    base = code.removesuffix("_t")
    return humanise(base) + (" T-score" if base != code else "")


def scores(values: Mapping[str, object], blank: str = "not scored") -> str:
    """Derived scores in words, one after another (`fatigue T-score 52.3, pain T-score …`)."""
    return ", ".join(f"{score(k)} {blank if v is None else _number(v)}" for k, v in values.items())


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def role(code: str | None) -> str:
    return "" if code is None else ROLES.get(code, humanise(code))


def entity(code: str | None) -> str:
    return "" if code is None else ENTITIES.get(code, humanise(code))


def field(code: str | None) -> str:
    return "" if code is None else FIELDS.get(code, humanise(code))


def audit_action(code: str | None) -> str:
    return "" if code is None else AUDIT_ACTIONS.get(code, humanise(code).capitalize())


def check(code: str | None) -> str:
    return "" if code is None else CHECKS.get(code, humanise(code.lower()))


def query_action(code: str) -> str:
    return QUERY_ACTIONS.get(code, humanise(code))


def subject_status(code: str | None) -> str:
    return "" if code is None else SUBJECT_STATUSES.get(code, humanise(code).capitalize())
