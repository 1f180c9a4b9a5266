"""The read context of one SDTM build: the listings snapshot plus identifiers and reference dates.

SDTM datasets are built from the same listing frames the regulator workbook shows (one read
transaction, `records.listings`), so a listing and its tabulation never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd

from records.listings.model import Listing, ListingSource
from records.standards import timing
from records.standards.model import Variable
from study.schema import StudyDefinition, VisitDef

_NUMBERED = re.compile(r"^V(\d+)$")
VISIT_NUMBERS = {"screening": 0.0, "early_termination": 90.0, "unscheduled": 99.0}


class SdtmSource:
    """Listings by number, the study, and per-subject USUBJID and RFSTDTC (day 1 = dose start)."""

    def __init__(self, src: ListingSource, listings: list[Listing]) -> None:
        self.src = src
        self.study: StudyDefinition = src.study
        self.listings = {listing.number: listing for listing in listings}

    @property
    def studyid(self) -> str:
        """STUDYID: the sponsor protocol number."""
        return self.study.study.protocol

    def frame(self, number: str) -> pd.DataFrame:
        """A copy of one listing's frame, without the rows entered in error: the listings keep
        them with the reason, a submission dataset never holds them (#14)."""
        frame = self.listings[number].frame
        if "error_reason" in frame:
            frame = frame[frame["error_reason"].isna()].reset_index(drop=True)
        return frame.copy()

    def usubjid(self, subject: Any) -> str:
        """Unique subject id: protocol and screening number (which carries the site)."""
        return f"{self.studyid}-{subject}"

    @cached_property
    def dose_start(self) -> dict[str, str]:
        """RFSTDTC per screening number: the UC-MSC start, site time (records §4.4)."""
        frame = self.frame("16.2.5")
        starts = zip(frame["subject"], frame["started_at"].map(timing.dtc), strict=True)
        return {str(s): t for s, t in starts if t}

    @cached_property
    def dose_end(self) -> dict[str, str]:
        """RFXENDTC per screening number: the end of the UC-MSC administration."""
        frame = self.frame("16.2.5")
        ends = zip(frame["subject"], frame["stopped_at"], frame["started_at"], strict=True)
        return {s: timing.dtc(e) or timing.dtc(b) for s, e, b in ends}  # type: ignore[misc]

    def rf(self, subject: Any) -> str | None:
        """RFSTDTC of a subject (None when not dosed)."""
        return self.dose_start.get(str(subject))

    def visitnum(self, code: Any, sequence: Any = 1) -> float | None:
        """VISITNUM: Vn → n, screening 0, early termination 90, unscheduled 99; repeats +0.1."""
        return visit_number(self._visits, code, sequence)

    @staticmethod
    def visitnum_for(study: StudyDefinition) -> Callable[[Any, Any], float | None]:
        """The VISITNUM rule of a study, for builders that have no listings (ADaM)."""
        visits = {v.code: v for v in study.visits}

        def number(code: Any, sequence: Any = 1) -> float | None:
            return visit_number(visits, code, sequence)

        return number

    def visit_name(self, code: Any) -> str | None:
        """VISIT: the visit name of the study definition, in ASCII."""
        vdef = self._visits.get(str(code))
        return None if vdef is None else vdef.name.replace("–", "-")

    @cached_property
    def _visits(self) -> dict[str, VisitDef]:
        return {v.code: v for v in self.study.visits}


def visit_number(visits: dict[str, VisitDef], code: Any, sequence: Any = 1) -> float | None:
    """VISITNUM of a visit code and repeat number (None for a code the study does not know)."""
    vdef = visits.get(str(code))
    if vdef is None:
        return None
    match = _NUMBERED.match(vdef.code)
    base = float(match.group(1)) if match else VISIT_NUMBERS.get(vdef.kind, 98.0)
    seq = 1 if timing.missing(sequence) else int(sequence)
    return round(base + (seq - 1) / 10, 1)


def identifiers(domain: str) -> tuple[Variable, ...]:
    """STUDYID, DOMAIN, USUBJID (Req in every subject-level domain)."""
    return (
        Variable("STUDYID", "Study Identifier", core="Req", origin="Assigned"),
        Variable("DOMAIN", "Domain Abbreviation", core="Req", origin="Assigned"),
        Variable("USUBJID", "Unique Subject Identifier", core="Req", origin="Assigned"),
    )


def with_identifiers(frame: pd.DataFrame, sdtm: SdtmSource, domain: str) -> pd.DataFrame:
    """Add STUDYID, DOMAIN and USUBJID from the listing's `subject` column."""
    frame = frame.copy()
    frame["STUDYID"] = sdtm.studyid
    frame["DOMAIN"] = domain
    frame["USUBJID"] = frame["subject"].map(sdtm.usubjid)
    return frame


def with_sequence(frame: pd.DataFrame, name: str, order: list[str]) -> pd.DataFrame:
    """Sort by USUBJID then `order` and number the records 1…n within each subject (--SEQ)."""
    if frame.empty:
        frame[name] = pd.Series(dtype=float)
        return frame
    frame = frame.sort_values(["USUBJID", *order], kind="stable", na_position="last")
    frame[name] = frame.groupby("USUBJID").cumcount() + 1
    return frame.reset_index(drop=True)


def with_visit(frame: pd.DataFrame, sdtm: SdtmSource, prefix: str, dtc: str) -> pd.DataFrame:
    """VISITNUM, VISIT, EPOCH and --DY from the listing's visit code and the --DTC column."""
    frame = frame.copy()
    repeats = frame["visit_sequence"] if "visit_sequence" in frame else [1] * len(frame)
    frame["VISITNUM"] = [
        sdtm.visitnum(c, s) for c, s in zip(frame["visit_code"], repeats, strict=True)
    ]
    frame["VISIT"] = frame["visit_code"].map(sdtm.visit_name)
    timed(frame, sdtm, prefix, dtc)
    return frame


def timed(frame: pd.DataFrame, sdtm: SdtmSource, prefix: str, dtc: str) -> None:
    """Set EPOCH and <prefix>DY from the column `dtc` (ISO text) and the subject's RFSTDTC."""
    refs = frame["subject"].map(sdtm.rf)
    frame["EPOCH"] = [timing.epoch(d, r) for d, r in zip(frame[dtc], refs, strict=True)]
    frame[f"{prefix}DY"] = [timing.study_day(d, r) for d, r in zip(frame[dtc], refs, strict=True)]


def visit_variables(prefix: str, dtc_label: str) -> tuple[Variable, ...]:
    """VISITNUM, VISIT, EPOCH, --DTC and --DY as in every findings domain."""
    return (
        Variable("VISITNUM", "Visit Number", "float", core="Exp", origin="Assigned"),
        Variable("VISIT", "Visit Name", core="Perm", origin="Assigned"),
        Variable("EPOCH", "Epoch", codelist="EPOCH", origin="Derived",
                 method="EPOCH from --DTC vs RFSTDTC: before SCREENING, day 1 TREATMENT, "
                 "later FOLLOW-UP"),
        Variable(f"{prefix}DTC", dtc_label, "datetime", core="Exp"),
        Variable(f"{prefix}DY", "Study Day of Visit/Collection/Exam", "integer", core="Perm",
                 origin="Derived", method=STUDY_DAY),
    )  # fmt: skip


STUDY_DAY = (
    "--DY = date - RFSTDTC + 1 when on/after RFSTDTC, else date - RFSTDTC (no day 0); "
    "date parts only; blank for partial dates (SDTMIG 3.4, records 4.4)"
)
