"""How the workbench's records map onto CDISC ODM 1.3.2 (records §4.10), both ways.

One StudyEvent per visit (repeat key = the visit's sequence) plus a subject-level event for
the subject, medical history, medications and adverse events. Each stored record is one
ItemGroupData; each stored field one ItemData with OID IT.<TABLE>.<FIELD>, instrument items
IT.<FORM>.<ITEM>. Fields the workbench derives (flags, study day, mg/kg, status) are left out:
an import recomputes them through the same use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OdmType = Literal["text", "integer", "float", "date", "datetime", "boolean"]
SUBJECT_EVENT = "SE.SUBJECT"


@dataclass(frozen=True, slots=True)
class TableForm:
    """One table exchanged as a form: its ODM OIDs, repeat key column and exchanged fields."""

    table: str
    form: str
    group: str
    fields: tuple[tuple[str, OdmType], ...]
    repeat_key: str | None = None

    def item_oid(self, name: str) -> str:
        """The ItemOID of one field."""
        return f"IT.{self.table.upper()}.{name.upper()}"


SUBJECT = TableForm("subject", "F.SUBJECT", "IG.SUBJECT", (
    ("sex", "text"), ("birth_date", "date"), ("birth_year", "integer"),
    ("consent_date", "date"), ("consent_time", "text"), ("status", "text"),
    ("status_date", "date"), ("status_reason", "text"),
))  # fmt: skip
HISTORY = TableForm("medicalhistory", "F.MH", "IG.MH", (
    ("category", "text"), ("term", "text"), ("start", "text"), ("ongoing", "boolean"),
    ("note", "text"), ("error_reason", "text"),
), repeat_key="id")  # fmt: skip
MEDICATION = TableForm("medication", "F.CM", "IG.CM", (
    ("drug", "text"), ("dose", "float"), ("dose_unit", "text"), ("route", "text"),
    ("frequency", "text"), ("start", "text"), ("stop", "text"), ("ongoing", "boolean"),
    ("indication", "text"), ("corticosteroid", "boolean"), ("pulse", "boolean"),
    ("error_reason", "text"),
), repeat_key="id")  # fmt: skip
ADVERSE_EVENT = TableForm("adverseevent", "F.AE", "IG.AE", (
    ("term", "text"), ("pt_code", "text"), ("pt", "text"), ("soc_code", "text"),
    ("soc", "text"), ("onset", "text"), ("end", "text"),
    ("severity", "text"), ("ctcae_grade", "integer"),
    ("sae_death", "boolean"), ("sae_life_threatening", "boolean"),
    ("sae_hospitalisation", "boolean"), ("sae_disability", "boolean"),
    ("sae_congenital_anomaly", "boolean"), ("sae_medically_important", "boolean"),
    ("awareness_date", "date"), ("relationship", "text"), ("action_taken", "text"),
    ("outcome", "text"), ("treatment_given", "boolean"), ("treatment_note", "text"),
    ("error_reason", "text"),
), repeat_key="sequence")  # fmt: skip
VISIT = TableForm("visit", "F.VISIT", "IG.VISIT", (
    ("actual_date", "date"), ("status", "text"), ("reason", "text"),
))  # fmt: skip
ASSESSMENT = TableForm("assessment", "F.{form}", "IG.{form}.HEADER", (
    ("assessment_date", "date"), ("state", "text"), ("not_done_reason", "text"),
    ("mode", "text"),
))  # fmt: skip
LAB = TableForm("labresult", "F.{form}", "IG.LB", (
    ("test_code", "text"), ("value", "text"), ("unit", "text"), ("ref_low", "float"),
    ("ref_high", "float"), ("clinical_significance", "text"), ("not_done", "boolean"),
    ("collected_on", "date"), ("collected_time", "text"), ("critical_assessment", "text"),
), repeat_key="test_code")  # fmt: skip
VITALS = TableForm("vitalsign", "F.{form}", "IG.VS", (
    ("timepoint", "text"), ("measured_at", "datetime"),
), repeat_key="timepoint")  # fmt: skip
DOSE = TableForm("doseadministration", "F.{form}", "IG.EX", (
    ("product", "text"), ("lot", "text"), ("cells_total", "float"), ("route", "text"),
    ("started_at", "datetime"), ("stopped_at", "datetime"), ("interrupted", "boolean"),
    ("interruption_note", "text"), ("reaction", "boolean"), ("reaction_ae", "integer"),
))  # fmt: skip
LOGS = (HISTORY, MEDICATION, ADVERSE_EVENT)


def item_oid(form_code: str, item_code: str) -> str:
    """The ItemOID of an instrument or items-form item."""
    return f"IT.{form_code}.{item_code}"


def vital_oid(test_code: str) -> str:
    """The ItemOID of one vital-sign test's value."""
    return f"IT.VITALSIGN.{test_code}"


def event_oid(visit_code: str) -> str:
    """The StudyEventOID of a visit of the study definition."""
    return f"SE.{visit_code}"
