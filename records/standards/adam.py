"""ADaM datasets for the endpoints: ADSL and ADRESP (responders per visit), records §4.11.

Scores and verdicts come from `records.outcomes` (the same derivations the outcome pages show,
so fixes there flow in); nothing clinical is recomputed here. Dates are SAS date numbers
(days since 1960-01-01) as ADaM expects.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from records.outcomes.snapshot import Outcomes
from records.standards import timing
from records.standards.model import Dataset, Origin, Variable, build

SAS_EPOCH = date(1960, 1, 1)


def sas_date(value: Any) -> float | None:
    """Days since 1960-01-01 of a complete date (None when missing or partial)."""
    day = timing.complete_date(value)
    return None if day is None else float((day - SAS_EPOCH).days)


def _adsl_variables() -> tuple[Variable, ...]:
    pred: Origin = "Predecessor"
    return (
        Variable("STUDYID", "Study Identifier", core="Req", origin=pred, method="DM.STUDYID"),
        Variable("USUBJID", "Unique Subject Identifier", core="Req", origin=pred),
        Variable("SUBJID", "Subject Identifier for the Study", core="Req", origin=pred),
        Variable("SITEID", "Study Site Identifier", core="Req", origin=pred),
        Variable("AGE", "Age", "integer", core="Req", origin=pred),
        Variable("AGEU", "Age Units", core="Req", origin=pred, codelist="AGEU"),
        Variable("SEX", "Sex", core="Req", origin=pred, codelist="SEX"),
        Variable("RACE", "Race", core="Req", origin=pred),
        Variable("ARM", "Description of Planned Arm", core="Req", origin=pred),
        Variable("ACTARM", "Description of Actual Arm", core="Req", origin=pred),
        Variable("TRT01P", "Planned Treatment for Period 01", core="Req", origin="Derived",
                 method="DM.ARM"),
        Variable("TRT01A", "Actual Treatment for Period 01", core="Exp", origin="Derived",
                 method="DM.ACTARM"),
        Variable("TRTSDT", "Date of First Exposure to Treatment", "date", core="Exp",
                 origin="Derived", method="Date part of DM.RFXSTDTC"),
        Variable("TRTEDT", "Date of Last Exposure to Treatment", "date", core="Exp",
                 origin="Derived", method="Date part of DM.RFXENDTC"),
        Variable("SAFFL", "Safety Population Flag", core="Exp", origin="Derived", codelist="NY",
                 method="Y when the subject received UC-MSC"),
        Variable("FASFL", "Full Analysis Set Population Flag", core="Exp", origin="Derived",
                 codelist="NY", method="Y when dosed and a baseline SLEDAI-2K exists"),
        Variable("COMPLFL", "Completers Population Flag", core="Perm", origin="Derived",
                 codelist="NY", method="Y when the disposition is COMPLETED"),
        Variable("EOSSTT", "End of Study Status", core="Perm", origin="Derived",
                 method="COMPLETED, DISCONTINUED or ONGOING from DS"),
        Variable("DCSREAS", "Reason for Discontinuation from Study", core="Perm",
                 origin="Derived", method="DS.DSDECOD of the disposition event"),
        Variable("BSLEDAI", "Baseline SLEDAI-2K Total Score", "integer", core="Perm",
                 origin="Derived", method="records.outcomes baseline (protocol baseline visit)"),
        Variable("BPGA", "Baseline Physician Global Assessment", "float", core="Perm",
                 origin="Derived", method="records.outcomes baseline"),
        Variable("BPREDDOS", "Baseline Prednisone-Equivalent Dose (mg)", "float", core="Perm",
                 origin="Derived", method="records.outcomes baseline (scoring.steroids)"),
    )  # fmt: skip


def adsl(dm: Dataset, ds: Dataset, outcomes: Outcomes) -> Dataset:
    """One record per subject: DM identifiers, treatment dates, populations, baselines."""
    frame = dm.frame.copy()
    frame["TRT01P"], frame["TRT01A"] = frame["ARM"], frame["ACTARM"]
    frame["TRTSDT"] = frame["RFXSTDTC"].map(sas_date)
    frame["TRTEDT"] = frame["RFXENDTC"].map(sas_date)
    frame["SAFFL"] = frame["RFXSTDTC"].map(lambda v: "N" if timing.missing(v) else "Y")
    base = _baselines(dm, outcomes)
    frame["BSLEDAI"] = frame["SUBJID"].map(lambda s: base.get(s, {}).get("sledai"))
    frame["BPGA"] = frame["SUBJID"].map(lambda s: base.get(s, {}).get("pga"))
    frame["BPREDDOS"] = frame["SUBJID"].map(lambda s: base.get(s, {}).get("prednisone_mg"))
    frame["FASFL"] = [
        "Y" if f == "Y" and not timing.missing(b) else "N"
        for f, b in zip(frame["SAFFL"], frame["BSLEDAI"], strict=True)
    ]
    events = ds.frame[ds.frame["DSCAT"] == "DISPOSITION EVENT"].set_index("USUBJID")["DSDECOD"]
    frame["COMPLFL"] = frame["USUBJID"].map(lambda u: "Y" if events.get(u) == "COMPLETED" else "N")
    frame["EOSSTT"] = frame["USUBJID"].map(lambda u: _eos(events.get(u)))
    frame["DCSREAS"] = frame["USUBJID"].map(
        lambda u: events.get(u) if events.get(u) not in (None, "COMPLETED") else None
    )
    head = ("ADSL", "Subject-Level Analysis Dataset", "SUBJECT LEVEL ANALYSIS DATASET",
            "One record per subject")  # fmt: skip
    return build(head, ("STUDYID", "USUBJID"), _adsl_variables(), frame, standard="ADaMIG 1.3")


def _eos(decod: str | None) -> str:
    if decod is None:
        return "ONGOING"
    return "COMPLETED" if decod == "COMPLETED" else "DISCONTINUED"


def _baselines(dm: Dataset, outcomes: Outcomes) -> dict[str, dict[str, Any]]:
    base = outcomes.baseline.merge(
        outcomes.data.subjects[["subject_id", "subject"]], on="subject_id"
    )
    return {str(r["subject"]): r for r in base.to_dict("records")}
