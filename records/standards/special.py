"""Special-purpose domains: DM (demographics), DS (disposition), SV (visits), SE (elements)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from records.standards import terms, timing
from records.standards.model import Dataset, Variable, build
from records.standards.source import STUDY_DAY, SdtmSource, identifiers, with_identifiers
from records.standards.source import with_sequence as numbered

ARMS = {"UCMSC": "UC-MSC single dose", "SCRNFAIL": "Screen Failure",
        "NOTASSGN": "Not Assigned", "NOTTRT": "Not Treated"}  # fmt: skip
ELEMENTS = {"SCRN": "Screening", "UCMSC": "UC-MSC single dose", "FU": "Follow-up"}
TERMINAL = ("completed", "early_termination", "screen_failure")

_DM = (
    *identifiers("DM"),
    Variable("SUBJID", "Subject Identifier for the Study", core="Req"),
    Variable("RFSTDTC", "Subject Reference Start Date/Time", "datetime", core="Exp",
             origin="Derived", method="Start of the UC-MSC administration (day 1)"),
    Variable("RFENDTC", "Subject Reference End Date/Time", "datetime", core="Exp",
             origin="Derived", method="Date of the end-of-study status, else last visit"),
    Variable("RFXSTDTC", "Date/Time of First Study Treatment", "datetime", core="Exp"),
    Variable("RFXENDTC", "Date/Time of Last Study Treatment", "datetime", core="Exp"),
    Variable("RFICDTC", "Date/Time of Informed Consent", "datetime", core="Exp"),
    Variable("RFPENDTC", "Date/Time of End of Participation", "datetime", core="Exp",
             origin="Derived", method="Status date of a final status, else last visit date"),
    Variable("DTHFL", "Subject Death Flag", codelist="NY", core="Exp", origin="Derived",
             method="Y when the disposition is DEATH"),
    Variable("SITEID", "Study Site Identifier", core="Req"),
    Variable("BRTHDTC", "Date/Time of Birth", "datetime", core="Perm"),
    Variable("AGE", "Age", "integer", core="Exp", origin="Derived",
             method="Completed years from birth date to consent date"),
    Variable("AGEU", "Age Units", codelist="AGEU", core="Exp", origin="Assigned"),
    Variable("SEX", "Sex", codelist="SEX", core="Req"),
    Variable("RACE", "Race", core="Exp", method="Not collected by this CRF: blank"),
    Variable("ARMCD", "Planned Arm Code", core="Exp", origin="Assigned", codelist="ARMCD"),
    Variable("ARM", "Description of Planned Arm", core="Exp", origin="Assigned"),
    Variable("ACTARMCD", "Actual Arm Code", core="Exp", origin="Derived", codelist="ARMCD",
             method="UCMSC when dosed, SCRNFAIL for screen failures, else NOTTRT"),
    Variable("ACTARM", "Description of Actual Arm", core="Exp", origin="Derived"),
    Variable("COUNTRY", "Country", core="Req", origin="Assigned"),
)  # fmt: skip


def dm(sdtm: SdtmSource) -> Dataset:
    """One record per screened subject."""
    frame = with_identifiers(sdtm.frame("16.2.4.1"), sdtm, "DM")
    ends = _ends(sdtm)
    frame["SUBJID"] = frame["subject"]
    frame["RFSTDTC"] = frame["RFXSTDTC"] = frame["subject"].map(sdtm.rf)
    frame["RFXENDTC"] = frame["subject"].map(sdtm.dose_end)
    frame["RFICDTC"] = frame["consent_date"].map(timing.dtc)
    frame["RFPENDTC"] = frame["subject"].map(ends)
    frame["RFENDTC"] = [None if timing.missing(r) else e for e, r in
                        zip(frame["RFPENDTC"], frame["RFSTDTC"], strict=True)]  # fmt: skip
    frame["DTHFL"] = frame["subject"].map(_deaths(sdtm))
    frame["SITEID"], frame["BRTHDTC"] = frame["site"], frame["birth"].map(timing.dtc)
    frame["AGE"], frame["AGEU"], frame["SEX"] = frame["age"], "YEARS", frame["sex"]
    frame["ARMCD"] = [_arm(sdtm, s, planned=True) for s in frame["subject"]]
    frame["ACTARMCD"] = [_arm(sdtm, s, planned=False) for s in frame["subject"]]
    frame["ARM"], frame["ACTARM"] = frame["ARMCD"].map(ARMS), frame["ACTARMCD"].map(ARMS)
    frame["COUNTRY"] = "USA" if "United States" in sdtm.study.site.name else None
    head = ("DM", "Demographics", "SPECIAL PURPOSE", "One record per subject")
    return build(head, ("STUDYID", "USUBJID"), _DM, frame.sort_values("USUBJID"))


def _status(sdtm: SdtmSource) -> pd.DataFrame:
    return sdtm.frame("16.2.1").set_index("subject")


def _ends(sdtm: SdtmSource) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for subject, row in _status(sdtm).iterrows():
        final = row["status"] in TERMINAL and not timing.missing(row["status_date"])
        out[str(subject)] = timing.dtc(row["status_date"] if final else row["last_visit_date"])
    return out


def _deaths(sdtm: SdtmSource) -> dict[str, str | None]:
    status = _status(sdtm)
    allowed = terms.codelists(sdtm.study)["NCOMPLT"].values
    return {
        str(s): "Y" if terms.ds_decod(r["status"], r["status_reason"], allowed) == "DEATH" else None
        for s, r in status.iterrows()
    }


def _arm(sdtm: SdtmSource, subject: Any, planned: bool) -> str:
    status = _status(sdtm).loc[subject, "status"]
    if status == "screen_failure":
        return "SCRNFAIL"
    if sdtm.rf(subject):
        return "UCMSC"
    return "NOTASSGN" if planned else "NOTTRT"


_DS = (
    *identifiers("DS"),
    Variable("DSSEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("DSTERM", "Reported Term for the Disposition Event", core="Req"),
    Variable("DSDECOD", "Standardized Disposition Term", core="Req", origin="Derived",
             codelist="DSDECOD", method="Status mapped to NCOMPLT; for early termination the "
             "CT term named in the recorded reason, else OTHER"),
    Variable("DSCAT", "Category for Disposition Event", codelist="DSCAT", core="Exp",
             origin="Assigned"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("DSSTDTC", "Start Date/Time of Disposition Event", "datetime", core="Exp"),
    Variable("DSSTDY", "Study Day of Start of Disposition Event", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
)  # fmt: skip


def ds(sdtm: SdtmSource) -> Dataset:
    """Informed consent (protocol milestone) and the end-of-study or screening outcome."""
    allowed = terms.codelists(sdtm.study)["NCOMPLT"].values
    rows: list[dict[str, Any]] = []
    for subject, row in _status(sdtm).iterrows():
        rows.append({"subject": subject, "DSTERM": "INFORMED CONSENT OBTAINED",
                     "DSDECOD": "INFORMED CONSENT OBTAINED", "DSCAT": "PROTOCOL MILESTONE",
                     "DSSTDTC": timing.dtc(row["consent_date"])})  # fmt: skip
        if row["status"] in TERMINAL:
            decod = terms.ds_decod(row["status"], row["status_reason"], allowed)
            term = terms.short_label(str(row["status_reason"] or decod), 200).upper()
            rows.append({"subject": subject, "DSTERM": term, "DSDECOD": decod,
                         "DSCAT": "DISPOSITION EVENT",
                         "DSSTDTC": timing.dtc(row["status_date"])})  # fmt: skip
    frame = with_identifiers(pd.DataFrame(rows, columns=["subject", "DSTERM", "DSDECOD", "DSCAT",
                                                         "DSSTDTC"]), sdtm, "DS")  # fmt: skip
    refs = frame["subject"].map(sdtm.rf)
    frame["EPOCH"] = [timing.epoch(d, r) for d, r in zip(frame["DSSTDTC"], refs, strict=True)]
    frame["DSSTDY"] = [timing.study_day(d, r) for d, r in zip(frame["DSSTDTC"], refs, strict=True)]
    frame = numbered(frame, "DSSEQ", ["DSSTDTC", "DSCAT"])
    head = ("DS", "Disposition", "EVENTS", "One record per disposition status or milestone")
    return build(head, ("STUDYID", "USUBJID", "DSDECOD", "DSSTDTC"), _DS, frame)
