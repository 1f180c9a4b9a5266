"""SUPP-- datasets: non-standard variables attached to their parent records by --SEQ."""

from __future__ import annotations

import pandas as pd

from records.standards.model import Dataset, Variable, build
from records.standards.terms import short_label

_SUPP = (
    Variable("STUDYID", "Study Identifier", core="Req", origin="Assigned"),
    Variable("RDOMAIN", "Related Domain Abbreviation", core="Req", origin="Assigned"),
    Variable("USUBJID", "Unique Subject Identifier", core="Req", origin="Assigned"),
    Variable("IDVAR", "Identifying Variable", core="Exp", origin="Assigned"),
    Variable("IDVARVAL", "Identifying Variable Value", core="Exp", origin="Assigned"),
    Variable("QNAM", "Qualifier Variable Name", core="Req", origin="Assigned"),
    Variable("QLABEL", "Qualifier Variable Label", core="Req", origin="Assigned"),
    Variable("QVAL", "Data Value", core="Req"),
    Variable("QORIG", "Origin", core="Req", origin="Assigned"),
    Variable("QEVAL", "Evaluator", core="Exp", origin="Assigned"),
)
KEYS = ("STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM")


def supp(
    parent: Dataset, frame: pd.DataFrame, qualifiers: tuple[tuple[str, str, str, str], ...]
) -> Dataset:
    """SUPP<parent> from `frame` (with USUBJID and <parent>SEQ): one record per non-blank value.

    `qualifiers` = (column in frame, QNAM, QLABEL, QORIG).
    """
    seq = f"{parent.name}SEQ"
    rows = []
    for record in frame.to_dict("records"):
        for column, qnam, qlabel, qorig in qualifiers:
            value = record.get(column)
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            rows.append(
                {"STUDYID": record["STUDYID"], "RDOMAIN": parent.name,
                 "USUBJID": record["USUBJID"], "IDVAR": seq, "IDVARVAL": str(int(record[seq])),
                 "QNAM": qnam, "QLABEL": short_label(qlabel), "QVAL": str(value),
                 "QORIG": qorig, "QEVAL": None}
            )  # fmt: skip
    name = f"SUPP{parent.name}"
    head = (name, short_label(f"Supplemental Qualifiers for {parent.name}"), "RELATIONSHIP",
            "One record per IDVAR, IDVARVAL, and QNAM value per subject")  # fmt: skip
    return build(head, KEYS, _SUPP, pd.DataFrame(rows, columns=[v.name for v in _SUPP]))
