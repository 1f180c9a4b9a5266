"""Events domains: AE (with SUPPAE for the treatment-emergent flag) and MH."""

from __future__ import annotations

import pandas as pd

from records.standards import timing
from records.standards.model import Dataset, Variable, build
from records.standards.source import STUDY_DAY, SdtmSource, identifiers, timed, with_identifiers
from records.standards.source import with_sequence as numbered
from records.standards.supp import supp

_YN = "NY"
_SERIOUS = (
    ("AESCONG", "Congenital Anomaly or Birth Defect", "sae_congenital_anomaly"),
    ("AESDISAB", "Persist or Signif Disability/Incapacity", "sae_disability"),
    ("AESDTH", "Results in Death", "sae_death"),
    ("AESHOSP", "Requires or Prolongs Hospitalization", "sae_hospitalisation"),
    ("AESLIFE", "Is Life Threatening", "sae_life_threatening"),
    ("AESMIE", "Other Medically Important Serious Event", "sae_medically_important"),
)
DECOD_RULE = (
    "MedDRA preferred term when the site coded the event; otherwise the verbatim term in upper "
    "case (no MedDRA dictionary is shipped: coding happens outside the workbench)"
)
_AE = (
    *identifiers("AE"),
    Variable("AESEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("AESPID", "Sponsor-Defined Identifier", core="Perm",
             method="AE number on the subject's AE log"),
    Variable("AETERM", "Reported Term for the Adverse Event", core="Req"),
    Variable("AEDECOD", "Dictionary-Derived Term", core="Req", origin="Derived",
             method=DECOD_RULE),
    Variable("AEPTCD", "Preferred Term Code", "integer", core="Exp"),
    Variable("AEBODSYS", "Body System or Organ Class", core="Exp"),
    Variable("AEBDSYCD", "Body System or Organ Class Code", "integer", core="Exp"),
    Variable("AESEV", "Severity/Intensity", codelist="AESEV", core="Perm"),
    Variable("AESER", "Serious Event", codelist=_YN, core="Exp"),
    Variable("AEACN", "Action Taken with Study Treatment", codelist="ACN", core="Exp"),
    Variable("AEREL", "Causality", codelist="AEREL", core="Exp"),
    Variable("AEOUT", "Outcome of Adverse Event", codelist="OUT", core="Perm"),
    *(Variable(n, label, codelist=_YN, core="Perm") for n, label, _ in _SERIOUS),
    Variable("AECONTRT", "Concomitant or Additional Trtmnt Given", codelist=_YN, core="Perm"),
    Variable("AETOXGR", "Standard Toxicity Grade", core="Perm",
             method="CTCAE v5.0 grade as entered"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("AESTDTC", "Start Date/Time of Adverse Event", "datetime", core="Exp"),
    Variable("AEENDTC", "End Date/Time of Adverse Event", "datetime", core="Exp"),
    Variable("AESTDY", "Study Day of Start of Adverse Event", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
    Variable("AEENDY", "Study Day of End of Adverse Event", "integer", core="Perm",
             origin="Derived", method=STUDY_DAY),
    Variable("AEENRTPT", "End Relative to Reference Time Point", core="Perm", origin="Derived",
             method="ONGOING when the event is marked ongoing"),
    Variable("AEENTPT", "End Reference Time Point", core="Perm", origin="Assigned"),
)  # fmt: skip


def ae(sdtm: SdtmSource) -> tuple[Dataset, Dataset]:
    """AE and SUPPAE (AETRTEM, from scoring.safety.treatment_emergent via the AE listing)."""
    frame = with_identifiers(sdtm.frame("16.2.7.1"), sdtm, "AE")
    frame["AESPID"], frame["AETERM"] = frame["sequence"], frame["term"]
    frame["AEDECOD"] = [pt if not timing.missing(pt) else str(t).upper()
                        for pt, t in zip(frame["pt"], frame["term"], strict=True)]  # fmt: skip
    frame["AEPTCD"], frame["AEBODSYS"], frame["AEBDSYCD"] = (
        frame["pt_code"].map(_int),
        frame["soc"],
        frame["soc_code"].map(_int),
    )
    frame["AESEV"], frame["AESER"] = frame["severity"], frame["serious"]
    frame["AEACN"], frame["AEREL"] = frame["action_taken"], frame["relationship"]
    frame["AEOUT"], frame["AECONTRT"] = frame["outcome"], frame["treatment_given"]
    for name, _, column in _SERIOUS:
        frame[name] = [v if s == "Y" else None for v, s in zip(frame[column], frame["serious"],
                                                               strict=True)]  # fmt: skip
    frame["AETOXGR"] = frame["ctcae_grade"].map(_int)
    frame["AESTDTC"], frame["AEENDTC"] = (
        frame["onset"].map(timing.dtc),
        frame["end"].map(timing.dtc),
    )
    timed(frame, sdtm, "AEST", "AESTDTC")
    refs = frame["subject"].map(sdtm.rf)
    frame["AEENDY"] = [timing.study_day(d, r) for d, r in zip(frame["AEENDTC"], refs, strict=True)]
    frame["AEENRTPT"] = frame["ongoing"].map({"Y": "ONGOING"})
    frame["AEENTPT"] = frame["AEENRTPT"].map({"ONGOING": "END OF STUDY"})
    frame = numbered(frame, "AESEQ", ["AESTDTC", "AESPID"])
    head = ("AE", "Adverse Events", "EVENTS", "One record per adverse event per subject")
    dataset = build(head, ("STUDYID", "USUBJID", "AEDECOD", "AESTDTC"), _AE, frame)
    qualifiers = (("teae", "AETRTEM", "Treatment Emergent Flag", "Derived"),)
    return dataset, supp(dataset, frame, qualifiers)


def _int(value: object) -> int | None:
    try:
        return None if timing.missing(value) else int(str(value))
    except ValueError:
        return None


_MH = (
    *identifiers("MH"),
    Variable("MHSEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("MHTERM", "Reported Term for the Medical History", core="Req"),
    Variable("MHCAT", "Category for Medical History", codelist="MHCAT", core="Perm"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("MHSTDTC", "Start Date/Time of Medical History Event", "datetime", core="Perm"),
    Variable("MHENRTPT", "End Relative to Reference Time Point", core="Perm", origin="Derived",
             method="ONGOING when marked ongoing at screening"),
    Variable("MHENTPT", "End Reference Time Point", core="Perm", origin="Assigned"),
)  # fmt: skip


def mh(sdtm: SdtmSource) -> Dataset:
    """General medical history and SLE history (MHCAT), partial start dates kept as entered."""
    frame = with_identifiers(sdtm.frame("16.2.4.2"), sdtm, "MH")
    frame["MHTERM"], frame["MHCAT"] = frame["term"], frame["category"]
    frame["MHSTDTC"] = frame["start"].map(timing.dtc)
    frame["EPOCH"] = "SCREENING"
    frame["MHENRTPT"] = frame["ongoing"].map({"Y": "ONGOING"})
    frame["MHENTPT"] = frame["MHENRTPT"].map({"ONGOING": "SCREENING"})
    frame = numbered(frame, "MHSEQ", ["MHCAT", "MHSTDTC", "MHTERM"])
    head = ("MH", "Medical History", "EVENTS", "One record per medical history event per subject")
    return build(head, ("STUDYID", "USUBJID", "MHCAT", "MHTERM"), _MH, pd.DataFrame(frame))
