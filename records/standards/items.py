"""Findings from item forms: EG, PE, and the instruments in QS (PROMIS-29, RAND-36) and RS
(SLEDAI-2K, BILAG-2004, PGA as sponsor-defined clinical classifications, records §4.6).

Test codes are the item codes of the study definition or the scoring catalogues, made into
8-character codes (`terms.test_code`); test names are short neutral labels (≤ 40 characters),
never the instruments' item wording. Sponsor-derived totals carry --DRVFL = Y.
"""

from __future__ import annotations

import pandas as pd

from records.standards import terms, timing
from records.standards.findings import baseline_flag
from records.standards.model import Dataset, Variable, build
from records.standards.source import (
    SdtmSource,
    identifiers,
    visit_variables,
    with_identifiers,
    with_visit,
)
from records.standards.source import with_sequence as numbered

INSTRUMENTS = {
    "16.2.6.1.1": ("RS", "SLEDAI-2K", "SLEDAI2K", None),  # the item-level detail listings
    "16.2.6.2.1": ("RS", "BILAG-2004", "BILAG2004", None),
    "16.2.6.3": ("RS", "PHYSICIAN GLOBAL ASSESSMENT", "PGA", None),
    "16.2.6.5": ("QS", "PROMIS-29 V2.1", "PROMIS29", "-P7D"),
    "16.2.6.6": ("QS", "RAND-36", "RAND36", "-P4W"),
    "16.2.9.4": ("PE", None, "PE", None),
    "16.2.9.5": ("EG", None, "ECG", None),
}
"""Listing number → (domain, --CAT, instrument for test codes, --EVLINT recall period)."""


def _variables(prefix: str, instrument: bool) -> tuple[Variable, ...]:
    head = (
        Variable(f"{prefix}TESTCD", "Short Name of Test", core="Req", codelist=f"{prefix}TESTCD",
                 method="Item code of the study definition, made an 8-character code"),
        Variable(f"{prefix}TEST", "Name of Test", core="Req"),
        Variable(f"{prefix}CAT", "Category", core="Exp" if instrument else "Perm",
                 origin="Assigned", codelist=f"{prefix}CAT" if instrument else None),
        Variable(f"{prefix}SCAT", "Subcategory", core="Perm", origin="Assigned"),
        Variable(f"{prefix}ORRES", "Result or Finding in Original Units", core="Exp"),
        Variable(f"{prefix}ORRESU", "Original Units", core="Perm"),
        Variable(f"{prefix}STRESC", "Character Result/Finding in Std Format", core="Exp",
                 origin="Derived", method="The stored response code"),
        Variable(f"{prefix}STRESN", "Numeric Result/Finding in Standard Units", "float",
                 core="Perm", origin="Derived"),
        Variable(f"{prefix}STAT", "Completion Status", codelist="ND", core="Perm"),
        Variable(f"{prefix}REASND", "Reason Not Done", core="Perm"),
    )  # fmt: skip
    tail: tuple[Variable, ...] = ()
    if instrument:
        tail = (
            Variable(f"{prefix}DRVFL", "Derived Flag", codelist="NY", core="Perm",
                     origin="Assigned", method="Y on totals and scores the workbench derives"),
            Variable(f"{prefix}EVAL", "Evaluator", core="Perm", origin="Assigned"),
            Variable(f"{prefix}EVLINT", "Evaluation Interval", core="Perm", origin="Protocol"),
        )  # fmt: skip
    blfl = Variable(
        f"{prefix}BLFL",
        "Baseline Flag",
        codelist="NY",
        core="Exp",
        origin="Derived",
        method="Y on the last assessment on or before day 1",
    )
    return (
        *identifiers(prefix),
        Variable(f"{prefix}SEQ", "Sequence Number", "integer", core="Req", origin="Derived"),
        *head, *tail, blfl, *visit_variables(prefix, "Date/Time of Assessment"),
    )  # fmt: skip


def _rows(sdtm: SdtmSource, number: str) -> pd.DataFrame:
    domain, category, instrument, recall = INSTRUMENTS[number]
    frame = sdtm.frame(number)
    frame = frame[frame["state"].eq("complete") | frame["item_code"].isna()].copy()
    done = frame["item_code"].notna()
    p = domain
    frame[f"{p}TESTCD"] = [
        terms.item_test_code(str(c), n, instrument) if ok else f"{p}ALL"
        for c, n, ok in zip(frame["item_code"], frame["item_no"], done, strict=True)
    ]
    _check_codes(frame, p, number)
    frame[f"{p}TEST"] = [terms.short_label(str(t)) if ok else "All items" for t, ok in
                         zip(frame["item"], done, strict=True)]  # fmt: skip
    frame[f"{p}CAT"], frame[f"{p}SCAT"] = category, frame["group"].map(_upper)
    frame[f"{p}ORRES"] = [_result(v, lab) for v, lab in zip(frame["value"], frame["value_label"],
                                                             strict=True)]  # fmt: skip
    frame[f"{p}ORRESU"], frame[f"{p}STRESC"] = frame["unit"], frame["value"].map(_text)
    frame[f"{p}STRESN"] = pd.to_numeric(frame["value_num"], errors="coerce")
    frame[f"{p}STAT"] = [None if ok else "NOT DONE" for ok in done]
    frame[f"{p}REASND"] = [None if ok else r for r, ok in zip(frame["reasons"], done, strict=True)]
    frame[f"{p}DRVFL"] = frame["derived"].map({"Y": "Y"})
    frame[f"{p}EVAL"] = "INVESTIGATOR" if domain == "RS" else None
    frame[f"{p}EVLINT"] = recall
    frame[f"{p}DTC"] = frame["assessment_date"].map(timing.dtc)
    return frame


def _check_codes(frame: pd.DataFrame, prefix: str, number: str) -> None:
    pairs = frame[["item_code", f"{prefix}TESTCD"]].dropna().drop_duplicates()
    clash = pairs[pairs.duplicated(f"{prefix}TESTCD", keep=False)]
    if not clash.empty:
        raise ValueError(f"listing {number}: item codes share a test code: {clash.values.tolist()}")


def _upper(value: object) -> str | None:
    return None if timing.missing(value) else str(value).replace("_", " ").upper()


def _text(value: object) -> str | None:
    return None if timing.missing(value) else terms.ascii_text(str(value))


def _result(value: object, label: object) -> str | None:
    """The collected answer: its label when the value is a coded choice, else the value."""
    return _text(label) if not timing.missing(label) else _text(value)


def domain(sdtm: SdtmSource, prefix: str) -> Dataset:
    """The EG, PE, QS or RS dataset from every listing that feeds it."""
    numbers = [n for n, spec in INSTRUMENTS.items() if spec[0] == prefix]
    frame = pd.concat([_rows(sdtm, n) for n in numbers], ignore_index=True)
    frame = with_visit(with_identifiers(frame, sdtm, prefix), sdtm, prefix, f"{prefix}DTC")
    instrument = prefix in ("QS", "RS")
    group = ["USUBJID", f"{prefix}CAT", f"{prefix}TESTCD"] if instrument else [
        "USUBJID", f"{prefix}TESTCD"]  # fmt: skip
    frame[f"{prefix}BLFL"] = baseline_flag(frame.fillna({f"{prefix}CAT": ""}), prefix, group)
    frame = numbered(frame, f"{prefix}SEQ", ["VISITNUM", f"{prefix}CAT", "item_no",
                                             f"{prefix}TESTCD"])  # fmt: skip
    names = {
        "EG": "ECG Test Results",
        "PE": "Physical Examination",
        "QS": "Questionnaires",
        "RS": "Disease Response and Clin Classification",
    }
    head = (
        prefix,
        names[prefix],
        "FINDINGS",
        f"One record per {'item' if instrument else 'test'} per visit per subject",
    )
    keys = ("STUDYID", "USUBJID", *( [f"{prefix}CAT"] if instrument else []),
            f"{prefix}TESTCD", "VISITNUM")  # fmt: skip
    return build(head, keys, _variables(prefix, instrument), frame,
                 value_level=(f"{prefix}ORRES",) if instrument else ())  # fmt: skip
