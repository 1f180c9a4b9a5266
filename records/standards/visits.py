"""SV (subject visits) and SE (subject elements): when each subject was where in the schedule."""

from __future__ import annotations

from typing import Any

import pandas as pd

from records.standards import timing
from records.standards.model import Dataset, Variable, build
from records.standards.source import STUDY_DAY, SdtmSource, identifiers, with_identifiers
from records.standards.special import ELEMENTS, _ends

_SV = (
    *identifiers("SV"),
    Variable("VISITNUM", "Visit Number", "float", core="Req", origin="Assigned"),
    Variable("VISIT", "Visit Name", core="Perm", origin="Assigned"),
    Variable("VISITDY", "Planned Study Day of Visit", "integer", core="Perm", origin="Protocol"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("SVSTDTC", "Start Date/Time of Visit", "datetime", core="Exp"),
    Variable("SVENDTC", "End Date/Time of Visit", "datetime", core="Exp"),
    Variable("SVSTDY", "Study Day of Start of Visit", "integer", core="Perm", origin="Derived",
             method=STUDY_DAY),
    Variable("SVENDY", "Study Day of End of Visit", "integer", core="Perm", origin="Derived",
             method=STUDY_DAY),
    Variable("SVUPDES", "Description of Unplanned Visit", core="Perm"),
)  # fmt: skip


def visits_done(sdtm: SdtmSource) -> pd.DataFrame:
    """Performed visits (a date recorded) with the subject's screening number."""
    src = sdtm.src
    frame = src.visits.merge(src.subjects[["subject_id", "subject"]], on="subject_id")
    frame = frame[frame["visit_date"].map(lambda d: not timing.missing(d))]
    cut = src.scope.data_cut
    if cut is not None:
        frame = frame[frame["visit_date"].map(lambda d: d <= cut)]
    return frame.reset_index(drop=True)


def sv(sdtm: SdtmSource) -> Dataset:
    """One record per performed visit."""
    frame = with_identifiers(visits_done(sdtm), sdtm, "SV")
    frame["VISITNUM"] = [
        sdtm.visitnum(c, s) for c, s in zip(frame["visit_code"], frame["visit_sequence"],
                                            strict=True)
    ]  # fmt: skip
    frame["VISIT"] = frame["visit_code"].map(sdtm.visit_name)
    frame["VISITDY"] = frame["planned_day"]
    frame["SVSTDTC"] = frame["SVENDTC"] = frame["visit_date"].map(timing.dtc)
    refs = frame["subject"].map(sdtm.rf)
    frame["EPOCH"] = [timing.epoch(d, r) for d, r in zip(frame["SVSTDTC"], refs, strict=True)]
    frame["SVSTDY"] = [timing.study_day(d, r) for d, r in zip(frame["SVSTDTC"], refs, strict=True)]
    frame["SVENDY"] = frame["SVSTDY"]
    unplanned = frame["visit_code"].map(lambda c: sdtm.study.visit(c).kind == "unscheduled")
    frame["SVUPDES"] = [r if u else None for r, u in zip(frame["visit_reason"], unplanned,
                                                         strict=True)]  # fmt: skip
    frame = frame.sort_values(["USUBJID", "VISITNUM"], kind="stable")
    head = ("SV", "Subject Visits", "SPECIAL PURPOSE", "One record per subject per actual visit")
    return build(head, ("STUDYID", "USUBJID", "VISITNUM"), _SV, frame)


_SE = (
    *identifiers("SE"),
    Variable("SESEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
    Variable("ETCD", "Element Code", core="Req", origin="Derived", codelist="ETCD"),
    Variable("ELEMENT", "Description of Element", core="Perm", origin="Derived"),
    Variable("TAETORD", "Planned Order of Element within Arm", "integer", core="Perm",
             origin="Derived"),
    Variable("EPOCH", "Epoch", codelist="EPOCH", core="Perm", origin="Derived"),
    Variable("SESTDTC", "Start Date/Time of Element", "datetime", core="Req", origin="Derived",
             method="SCRN from consent, UCMSC from the dose start, FU from the day after"),
    Variable("SEENDTC", "End Date/Time of Element", "datetime", core="Exp", origin="Derived"),
    Variable("SESTDY", "Study Day of Start of Element", "integer", core="Perm", origin="Derived",
             method=STUDY_DAY),
)  # fmt: skip


def se(sdtm: SdtmSource) -> Dataset:
    """Screening, treatment and follow-up elements of each subject, with their dates."""
    ends = _ends(sdtm)
    rows: list[dict[str, Any]] = []
    for subject, consent in zip(sdtm.src.subjects["subject"], sdtm.src.subjects["consent_date"],
                                strict=True):  # fmt: skip
        rows.extend(_elements(sdtm, str(subject), timing.dtc(consent), ends.get(str(subject))))
    columns = ["subject", "ETCD", "TAETORD", "EPOCH", "SESTDTC", "SEENDTC"]
    frame = with_identifiers(pd.DataFrame(rows, columns=columns), sdtm, "SE")
    frame["ELEMENT"] = frame["ETCD"].map(ELEMENTS)
    refs = frame["subject"].map(sdtm.rf)
    frame["SESTDY"] = [timing.study_day(d, r) for d, r in zip(frame["SESTDTC"], refs, strict=True)]
    frame = frame.sort_values(["USUBJID", "TAETORD"], kind="stable")
    frame["SESEQ"] = frame.groupby("USUBJID").cumcount() + 1
    head = (
        "SE",
        "Subject Elements",
        "SPECIAL PURPOSE",
        "One record per actual Element per subject",
    )
    return build(head, ("STUDYID", "USUBJID", "ETCD", "SESTDTC"), _SE, frame)


def _elements(
    sdtm: SdtmSource, subject: str, consent: str | None, end: str | None
) -> list[dict[str, Any]]:
    start = sdtm.rf(subject)
    if start is None:
        return [dict(subject=subject, ETCD="SCRN", TAETORD=1, EPOCH="SCREENING",
                     SESTDTC=consent, SEENDTC=end)]  # fmt: skip
    day_one = timing.complete_date(start)
    follow = None if day_one is None else (day_one + pd.Timedelta(days=1)).isoformat()
    return [
        dict(subject=subject, ETCD="SCRN", TAETORD=1, EPOCH="SCREENING", SESTDTC=consent,
             SEENDTC=start),
        dict(subject=subject, ETCD="UCMSC", TAETORD=2, EPOCH="TREATMENT", SESTDTC=start,
             SEENDTC=follow),
        dict(subject=subject, ETCD="FU", TAETORD=3, EPOCH="FOLLOW-UP", SESTDTC=follow,
             SEENDTC=end),
    ]  # fmt: skip
