"""Findings domains from measured values: LB (every lab panel) and VS (vital signs).

Baseline flags (--BLFL) mark the last non-missing pre-dose result on or before day 1 per test
(SDTMIG 3.4); results are as entered, standard units as the listings convert them.
"""

from __future__ import annotations

import pandas as pd

from records.standards import timing
from records.standards.model import Dataset, Variable, build
from records.standards.source import (
    SdtmSource,
    identifiers,
    visit_variables,
    with_identifiers,
    with_visit,
)
from records.standards.source import with_sequence as numbered

NRIND = {"H": "HIGH", "L": "LOW", "N": "NORMAL", "A": "ABNORMAL"}
BASELINE_RULE = "Y on the last non-missing result on or before day 1 (not post-dose) per test"


def baseline_flag(frame: pd.DataFrame, prefix: str, group: list[str]) -> pd.Series:
    """--BLFL: "Y" on the last dated, non-missing result not after day 1 in each group."""
    after_dose = frame.get(f"{prefix}TPT", pd.Series([None] * len(frame), index=frame.index))
    eligible = [
        not timing.missing(res) and not timing.missing(day) and day <= 1 and tpt != "POST-DOSE"
        for res, day, tpt in zip(
            frame[f"{prefix}ORRES"], frame[f"{prefix}DY"], after_dose, strict=True
        )
    ]
    flag = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    candidates = frame[pd.Series(eligible, index=frame.index)]
    if candidates.empty:
        return flag
    last = candidates.sort_values(f"{prefix}DTC", kind="stable").groupby(group).tail(1).index
    flag.loc[last] = "Y"
    return flag


def _findings(prefix: str, dtc_label: str, extra: tuple[Variable, ...]) -> tuple[Variable, ...]:
    return (
        *identifiers(prefix),
        Variable(f"{prefix}SEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
        *extra,
        Variable(f"{prefix}BLFL", "Baseline Flag", codelist="NY", core="Exp", origin="Derived",
                 method=BASELINE_RULE),
        *visit_variables(prefix, dtc_label),
    )  # fmt: skip


_LB = _findings("LB", "Date/Time of Specimen Collection", (
    Variable("LBTESTCD", "Lab Test or Examination Short Name", core="Req", codelist="LBTESTCD"),
    Variable("LBTEST", "Lab Test or Examination Name", core="Req"),
    Variable("LBCAT", "Category for Lab Test", core="Exp", origin="Assigned"),
    Variable("LBORRES", "Result or Finding in Original Units", core="Exp"),
    Variable("LBORRESU", "Original Units", core="Exp"),
    Variable("LBORNRLO", "Reference Range Lower Limit in Orig Unit", core="Exp"),
    Variable("LBORNRHI", "Reference Range Upper Limit in Orig Unit", core="Exp"),
    Variable("LBSTRESC", "Character Result/Finding in Std Format", core="Exp", origin="Derived",
             method="Result converted to the study's standard unit (as in the listings)"),
    Variable("LBSTRESN", "Numeric Result/Finding in Standard Units", "float", core="Exp",
             origin="Derived"),
    Variable("LBSTRESU", "Standard Units", core="Exp", origin="Derived"),
    Variable("LBNRIND", "Reference Range Indicator", codelist="NRIND", core="Exp",
             origin="Derived", method="scoring.labs.reference_flag: H/L/N against the range"),
    Variable("LBSTAT", "Completion Status", codelist="ND", core="Perm"),
))  # fmt: skip


def lb(sdtm: SdtmSource) -> Dataset:
    """Every lab panel (not the derived eGFR, which is an ADaM parameter) in one LB."""
    panels = [
        sdtm.frame(n) for n, listing in sdtm.listings.items()
        if n.startswith("16.2.8.") and "test_code" in listing.frame.columns
    ]  # fmt: skip
    frame = with_identifiers(pd.concat(panels, ignore_index=True), sdtm, "LB")
    category = {t.code: p.category for p in sdtm.study.lab_panels for t in sdtm.study.lab_tests
                if t.panel == p.code}  # fmt: skip
    frame["LBTESTCD"], frame["LBTEST"] = frame["test_code"], frame["test"]
    frame["LBCAT"] = frame["test_code"].map(category)
    frame["LBORRES"], frame["LBORRESU"] = frame["value"], frame["unit"]
    frame["LBORNRLO"], frame["LBORNRHI"] = frame["ref_low"], frame["ref_high"]
    frame["LBSTRESN"], frame["LBSTRESU"] = frame["std_value"], frame["std_unit"]
    frame["LBSTRESC"] = frame["std_text"]
    frame["LBNRIND"] = frame["flag"].map(NRIND)
    frame["LBSTAT"] = frame["not_done"].map({"Y": "NOT DONE"})
    frame["LBDTC"] = [_with_time(timing.dtc(d), t) for d, t in zip(frame["collected"],
                                                                    frame["collected_time"],
                                                                    strict=True)]  # fmt: skip
    frame = with_visit(frame, sdtm, "LB", "LBDTC")
    frame["LBBLFL"] = baseline_flag(frame, "LB", ["USUBJID", "LBTESTCD"])
    frame = numbered(frame, "LBSEQ", ["VISITNUM", "LBCAT", "LBTESTCD"])
    head = ("LB", "Laboratory Test Results", "FINDINGS",
            "One record per lab test per visit per subject")  # fmt: skip
    keys = ("STUDYID", "USUBJID", "LBTESTCD", "VISITNUM")
    return build(head, keys, _LB, frame, value_level=("LBORRES", "LBSTRESN"))


def _with_time(day: str | None, clock: object) -> str | None:
    """LBDTC: the collection date, with the time (HH:MM) when one was entered."""
    return day if day is None or timing.missing(clock) else f"{day}T{clock}"


_VS = _findings("VS", "Date/Time of Measurements", (
    Variable("VSTESTCD", "Vital Signs Test Short Name", core="Req", codelist="VSTESTCD"),
    Variable("VSTEST", "Vital Signs Test Name", core="Req"),
    Variable("VSORRES", "Result or Finding in Original Units", core="Exp"),
    Variable("VSORRESU", "Original Units", core="Exp"),
    Variable("VSSTRESC", "Character Result/Finding in Std Format", core="Exp", origin="Derived",
             method="Copy of VSORRES (entered in the standard unit)"),
    Variable("VSSTRESN", "Numeric Result/Finding in Standard Units", "float", core="Exp",
             origin="Derived"),
    Variable("VSSTRESU", "Standard Units", core="Exp", origin="Derived"),
    Variable("VSTPT", "Planned Time Point Name", core="Perm"),
    Variable("VSTPTNUM", "Planned Time Point Number", "integer", core="Perm", origin="Assigned"),
))  # fmt: skip
TIMEPOINTS = {"PRE": ("PRE-DOSE", 1), "POST": ("POST-DOSE", 2)}


def vs(sdtm: SdtmSource) -> Dataset:
    """Vital signs, with the pre/post-dose time points of day 1."""
    frame = with_identifiers(sdtm.frame("16.2.9.3"), sdtm, "VS")
    frame["VSTESTCD"], frame["VSTEST"] = frame["test_code"], frame["test"]
    frame["VSORRES"] = frame["VSSTRESC"] = frame["value_num"].map(
        lambda v: None if timing.missing(v) else f"{float(v):g}"
    )
    frame["VSORRESU"] = frame["VSSTRESU"] = frame["unit"]
    frame["VSSTRESN"] = frame["value_num"]
    frame["VSTPT"] = frame["timepoint"].map(lambda t: TIMEPOINTS.get(t, (t or None, None))[0])
    frame["VSTPTNUM"] = frame["timepoint"].map(lambda t: TIMEPOINTS.get(t, (None, None))[1])
    frame["VSDTC"] = frame["measured"].map(timing.dtc)
    frame = with_visit(frame, sdtm, "VS", "VSDTC")
    frame["VSBLFL"] = baseline_flag(frame, "VS", ["USUBJID", "VSTESTCD"])
    frame = numbered(frame, "VSSEQ", ["VISITNUM", "VSTPTNUM", "VSTESTCD"])
    head = (
        "VS",
        "Vital Signs",
        "FINDINGS",
        "One record per vital sign measurement per time point per visit per subject",
    )
    keys = ("STUDYID", "USUBJID", "VSTESTCD", "VISITNUM", "VSTPTNUM")
    return build(head, keys, _VS, frame)
