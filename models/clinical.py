"""Typed clinical tables with few stable fields: labs, vitals, dosing, medications, history, AEs.

Partial dates (AE, medication and history starts) are ISO 8601 text truncated on the right
(spec/records.md §4.3); the full date column is filled only when the date is complete.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, UniqueConstraint

from models.base import ClinicalRecord, version_column

_LAB_VERSION = version_column()
_VITAL_VERSION = version_column()
_DOSE_VERSION = version_column()
_MED_VERSION = version_column()
_MH_VERSION = version_column()
_AE_VERSION = version_column()
ERROR_REASON_LENGTH = 500
"""A log row marked entered in error keeps every value and says why here (never deleted, #14)."""


class LabResult(ClinicalRecord, table=True):
    """One lab test result (long form, SDTM LB): value as entered, unit, range, flag, CS/NCS.

    `value` is the result as the report prints it ("4.2", "<0.5", "BLQ"); `value_num` only for
    an exact number. `collected_time` (HH:MM) joins `collected_on` in LBDTC;
    `critical_assessment` is what the investigator recorded for a critical value.
    """

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    panel: str = Field(max_length=20)
    test_code: str = Field(max_length=20)
    value: str | None = Field(default=None, max_length=200)
    value_num: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    ref_low: float | None = None
    ref_high: float | None = None
    flag: str | None = Field(default=None, max_length=2)
    clinical_significance: str | None = Field(default=None, max_length=3)
    collected_on: date | None = None
    collected_time: str | None = Field(default=None, max_length=5)
    not_done: bool = Field(default=False)
    critical_assessment: str | None = Field(default=None, max_length=500)
    version_id: int | None = Field(default=None, sa_column=_LAB_VERSION)

    __mapper_args__ = {"version_id_col": _LAB_VERSION}


class VitalSign(ClinicalRecord, table=True):
    """One vital-sign measurement (SDTM VS), with its time point (e.g. pre/post dose on V1)."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    timepoint: str = Field(default="", max_length=20)
    test_code: str = Field(max_length=10)
    value_num: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    measured_at: datetime | None = None
    version_id: int | None = Field(default=None, sa_column=_VITAL_VERSION)

    __mapper_args__ = {"version_id_col": _VITAL_VERSION}


class DoseAdministration(ClinicalRecord, table=True):
    """The study product given (SDTM EX): lot, cells, route, start/stop, interruptions, reaction."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True, unique=True)
    visit_id: int = Field(foreign_key="visit.id")
    product: str = Field(max_length=50)
    lot: str = Field(max_length=50)
    cells_total: float | None = None
    cells_per_kg: float | None = None
    route: str = Field(max_length=30)
    started_at: datetime
    stopped_at: datetime | None = None
    interrupted: bool = Field(default=False)
    interruption_note: str | None = Field(default=None, max_length=500)
    reaction: bool = Field(default=False)
    reaction_ae_id: int | None = Field(default=None, foreign_key="adverseevent.id")
    version_id: int | None = Field(default=None, sa_column=_DOSE_VERSION)

    __mapper_args__ = {"version_id_col": _DOSE_VERSION}


class Medication(ClinicalRecord, table=True):
    """A concomitant medication or corticosteroid regimen as a dated row (SDTM CM)."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    drug: str = Field(max_length=200)
    dose: float | None = None
    dose_unit: str | None = Field(default=None, max_length=20)
    route: str | None = Field(default=None, max_length=30)
    frequency: str | None = Field(default=None, max_length=10)
    start: str = Field(max_length=10)
    stop: str | None = Field(default=None, max_length=10)
    ongoing: bool = Field(default=False)
    indication: str | None = Field(default=None, max_length=200)
    corticosteroid: bool = Field(default=False)
    pulse: bool = Field(default=False)
    error_reason: str | None = Field(default=None, max_length=ERROR_REASON_LENGTH)
    version_id: int | None = Field(default=None, sa_column=_MED_VERSION)

    __mapper_args__ = {"version_id_col": _MED_VERSION}


class MedicalHistory(ClinicalRecord, table=True):
    """A medical-history or SLE-history entry (SDTM MH), category GENERAL or SLE."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    category: str = Field(max_length=10)
    term: str = Field(max_length=200)
    start: str | None = Field(default=None, max_length=10)
    ongoing: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=1000)
    error_reason: str | None = Field(default=None, max_length=ERROR_REASON_LENGTH)
    version_id: int | None = Field(default=None, sa_column=_MH_VERSION)

    __mapper_args__ = {"version_id_col": _MH_VERSION}


class AdverseEvent(ClinicalRecord, table=True):
    """An adverse event with every field spec/records.md §4.2 a site collects; TEAE is derived.

    Its number is unique per subject by constraint, not only by the max + 1 of the write path.
    """

    __table_args__ = (UniqueConstraint("subject_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    sequence: int
    term: str = Field(max_length=200)
    pt_code: str | None = Field(default=None, max_length=10)
    pt: str | None = Field(default=None, max_length=200)
    soc_code: str | None = Field(default=None, max_length=10)
    soc: str | None = Field(default=None, max_length=200)
    onset: str = Field(max_length=16)
    end: str | None = Field(default=None, max_length=16)
    ongoing: bool = Field(default=False)
    severity: str = Field(max_length=10)
    ctcae_grade: int | None = None
    serious: bool = Field(default=False)
    sae_death: bool = Field(default=False)
    sae_life_threatening: bool = Field(default=False)
    sae_hospitalisation: bool = Field(default=False)
    sae_disability: bool = Field(default=False)
    sae_congenital_anomaly: bool = Field(default=False)
    sae_medically_important: bool = Field(default=False)
    awareness_date: date | None = None
    relationship: str = Field(max_length=30)
    action_taken: str = Field(max_length=30)
    outcome: str = Field(max_length=40)
    treatment_given: bool = Field(default=False)
    treatment_note: str | None = Field(default=None, max_length=500)
    error_reason: str | None = Field(default=None, max_length=ERROR_REASON_LENGTH)
    version_id: int | None = Field(default=None, sa_column=_AE_VERSION)

    __mapper_args__ = {"version_id_col": _AE_VERSION}
