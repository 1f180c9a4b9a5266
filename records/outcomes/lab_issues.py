"""Lab results the outcome measures cannot use, listed instead of left out (issue #14 item 4).

A result printed as a bound ("<10" anti-dsDNA, "<0.1" UPCR, BLQ) has no number. The measures
that read it (eGFR, UPCR, complement, anti-dsDNA) are then missing at that visit, and this says
why, on the pages that show those measures, never as a silent gap.
"""

from __future__ import annotations

import pandas as pd

from records.cells import missing
from records.outcomes.source import ClinicalData

ISSUE_COLUMNS = ["subject_id", "visit_id", "test_code", "issue"]


def lab_issues(data: ClinicalData) -> pd.DataFrame:
    """(subject, visit, test, why) of each outcome lab result that is a bound, not a number."""
    visits = dict(zip(data.visits["visit_id"], data.visits["visit_code"], strict=True))
    rows = [
        (
            int(row.subject_id),
            int(row.visit_id),
            str(row.test_code),
            f"{row.test_code} {row.value}{'' if missing(row.unit) else ' ' + str(row.unit)} at "
            f"{visits.get(row.visit_id, row.visit_id)} is a bound, not a number: no measure "
            "uses it (eGFR, UPCR and serology are missing at that visit)",
        )
        for row in data.labs.itertuples(index=False)
        if missing(row.value_num) and row.visit_id in visits
    ]
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)
