"""Interventions domains: EX (the UC-MSC dose, SUPPEX for cells/kg) and CM (all medications)."""

from __future__ import annotations

import pandas as pd

from records.standards import timing
from records.standards.model import Dataset, Variable, build
from records.standards.source import (
    STUDY_DAY,
    SdtmSource,
    identifiers,
    timed,
    visit_variables,
    with_identifiers,
    with_visit,
)
from records.standards.source import with_sequence as numbered
from records.standards.supp import supp

_EX = (
    *identifiers("EX"),
    Variable("EXSEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("EXTRT", "Name of Treatment", core="Req", origin="Protocol"),
    Variable("EXDOSE", "Dose", "float", core="Exp", method="Total cells administered"),
    Variable("EXDOSU", "Dose Units", core="Exp", origin="Protocol"),
    Variable("EXDOSFRM", "Dose Form", core="Exp", origin="Assigned"),
    Variable("EXROUTE", "Route of Administration", codelist="ROUTE", core="Perm"),
    Variable("EXLOT", "Lot Number", core="Perm"),
    *visit_variables("EXST", "Start Date/Time of Treatment")[:3],
    Variable("EXSTDTC", "Start Date/Time of Treatment", "datetime", core="Exp"),
    Variable("EXENDTC", "End Date/Time of Treatment", "datetime", core="Exp"),
    Variable("EXSTDY", "Study Day of Start of Treatment", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
    Variable("EXENDY", "Study Day of End of Treatment", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
)  # fmt: skip


def ex(sdtm: SdtmSource) -> tuple[Dataset, Dataset]:
    """The UC-MSC administration, one record per dosed subject, and SUPPEX (cells per kg)."""
    frame = with_identifiers(sdtm.frame("16.2.5"), sdtm, "EX")
    frame["EXTRT"], frame["EXDOSE"] = frame["product"], frame["cells_total"]
    frame["EXDOSU"], frame["EXDOSFRM"] = sdtm.study.product.dose_unit.upper(), "SUSPENSION"
    frame["EXROUTE"], frame["EXLOT"] = frame["route"], frame["lot"]
    frame["EXSTDTC"] = frame["started_at"].map(timing.dtc)
    frame["EXENDTC"] = frame["stopped_at"].map(timing.dtc)
    frame = with_visit(frame, sdtm, "EXST", "EXSTDTC")
    refs = frame["subject"].map(sdtm.rf)
    frame["EXENDY"] = [timing.study_day(d, r) for d, r in zip(frame["EXENDTC"], refs, strict=True)]
    frame["cells_kg"] = frame["cells_per_kg"].map(
        lambda v: None if timing.missing(v) else f"{float(v):.6g}"
    )
    frame = numbered(frame, "EXSEQ", ["EXSTDTC"])
    head = (
        "EX",
        "Exposure",
        "INTERVENTIONS",
        "One record per constant dosing interval per subject",
    )
    dataset = build(head, ("STUDYID", "USUBJID", "EXTRT", "EXSTDTC"), _EX, frame)
    qualifiers = (("cells_kg", "EXDOSKG", "Dose per kg body weight (cells/kg)", "Derived"),)
    return dataset, supp(dataset, frame, qualifiers)


_CM = (
    *identifiers("CM"),
    Variable("CMSEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("CMTRT", "Reported Name of Drug, Med, or Therapy", core="Req"),
    Variable("CMCAT", "Category for Medication", core="Perm", origin="Assigned",
             codelist="CMCAT"),
    Variable("CMINDC", "Indication", core="Perm"),
    Variable("CMDOSE", "Dose per Administration", "float", core="Perm"),
    Variable("CMDOSU", "Dose Units", core="Perm"),
    Variable("CMDOSFRQ", "Dosing Frequency per Interval", codelist="FREQ", core="Perm"),
    Variable("CMROUTE", "Route of Administration", codelist="ROUTE", core="Perm"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("CMSTDTC", "Start Date/Time of Medication", "datetime", core="Perm"),
    Variable("CMENDTC", "End Date/Time of Medication", "datetime", core="Perm"),
    Variable("CMSTDY", "Study Day of Start of Medication", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
    Variable("CMENDY", "Study Day of End of Medication", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
    Variable("CMENRTPT", "End Relative to Reference Time Point", core="Perm", origin="Derived",
             method="ONGOING when marked ongoing"),
    Variable("CMENTPT", "End Reference Time Point", core="Perm", origin="Assigned"),
)  # fmt: skip


def cm(sdtm: SdtmSource) -> Dataset:
    """Corticosteroids and other concomitant medications (CMCAT), one record per regimen."""
    steroids = sdtm.frame("16.2.9.1").assign(CMCAT="CORTICOSTEROID")
    others = sdtm.frame("16.2.9.2").assign(CMCAT="CONCOMITANT MEDICATION")
    frame = with_identifiers(pd.concat([steroids, others], ignore_index=True), sdtm, "CM")
    frame["CMTRT"], frame["CMINDC"] = (
        frame["drug"].map(lambda d: str(d).upper()),
        frame["indication"],
    )
    frame["CMDOSE"], frame["CMDOSU"] = frame["dose"], frame["dose_unit"]
    frame["CMDOSFRQ"], frame["CMROUTE"] = frame["frequency"], frame["route"]
    frame["CMSTDTC"], frame["CMENDTC"] = (
        frame["start"].map(timing.dtc),
        frame["stop"].map(timing.dtc),
    )
    timed(frame, sdtm, "CMST", "CMSTDTC")
    refs = frame["subject"].map(sdtm.rf)
    frame["CMENDY"] = [timing.study_day(d, r) for d, r in zip(frame["CMENDTC"], refs, strict=True)]
    frame["CMENRTPT"] = frame["ongoing"].map({"Y": "ONGOING"})
    frame["CMENTPT"] = frame["CMENRTPT"].map({"ONGOING": "END OF STUDY"})
    frame = numbered(frame, "CMSEQ", ["CMSTDTC", "CMTRT"])
    head = ("CM", "Concomitant/Concurrent Medications", "INTERVENTIONS",
            "One record per recorded medication regimen per subject")  # fmt: skip
    return build(head, ("STUDYID", "USUBJID", "CMTRT", "CMSTDTC"), _CM, frame)
