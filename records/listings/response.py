"""Listing 16.2.6.4: response status per visit — SRI-4…8, BICLA, LLDAS, DORIS, SFI, KDIGO.

Rows come from `records.outcomes` (the same per-subject results as the app's response page, so
subjects unchanged since are not derived again), read through the export's connection for the
subjects in scope and as known at the data cut.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pandas as pd

from records.context import Workbench
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.outcomes.explain import components_text
from records.outcomes.per_subject import MEMO
from records.outcomes.responses import label, response_table
from records.outcomes.snapshot import Outcomes
from scoring.verdict import ResponseResult

SRI_KS = (4, 5, 6, 7, 8)
VERDICT = {True: "Y", False: "N", None: "NE"}
RULE = (
    "records.outcomes.responses (scoring.responders, flares, renal; spec/scoring.md §3–4, §7.3) "
    "against the baseline of records.outcomes.baseline"
)
COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    *C.dated("visit_date", "Visit date"),
    Column("index", "Index", "code", key=True, origin="derived", rule=RULE),
    *C.coded("result", "Result", "RESPONSE", origin="derived", rule=RULE),
    Column("verdict", "Verdict", "text", origin="derived",
           rule="The result in the index's own words (records.outcomes.responses.label)"),
    Column("decided_by", "Decided by", "text", origin="derived", rule=RULE),
    Column("missing", "Missing inputs", "text", origin="derived", rule=RULE),
    Column("components", "Components", "longtext", origin="derived",
           rule="Each criterion of the index: met / failed / not evaluable"),
    Column("sledai_total", "SLEDAI-2K total", "int", origin="derived",
           rule="scoring.sledai.score of the descriptors present (protocol variant)"),
    Column("pga", "PGA", "float"),
    Column("prednisone_mg", "Prednisone equivalent on the day (mg/day)", "float",
           origin="derived", rule="Daily series of scoring.steroids on the visit date"),
    Column("reasons", "Reasons", "longtext", origin="derived", rule=RULE),
    Column("steroid_issues", "Corticosteroid rows not counted", "longtext", origin="derived",
           rule="records.regimens: rows of the subject that no steroid outcome could interpret"),
)  # fmt: skip
NOTES = (
    "Evaluated: post-baseline visits of dosed subjects that happened, whose window closed, or "
    "that follow a withdrawal; the same cells as the app's response page",
    "SFI: Y = no flare vs the previous SLEDAI-2K visit; KDIGO: Y = complete or partial renal "
    "response vs baseline",
    "Reasons are said once: SRI-5 to SRI-8 give what differs from SRI-4 of the same visit; "
    "rules that did not fire are named together, rules that fired are described on every index "
    "(the rules: spec/scoring.md §3.3, set in the study definition's [response_rules])",
)
_MEASURES = ("subject_id", "visit_id", "actual_date", "sledai", "pga", "prednisone_mg")


def response_status(src: ListingSource) -> Listing:
    """One row per subject, visit and index with the verdict, what decided it and why."""
    head = ("16.2.6.4", "L16.2.6.4 Response", "Response status per visit", "RS")
    outcomes = _outcomes(src)
    table = response_table(
        outcomes.measures, src.study, outcomes.events, SRI_KS, baseline=outcomes.baseline
    )
    order = {index: n for n, index in enumerate(table.indices)}
    rows = [_row(cell, result, order) for cell, result in table.cells.items()]
    if not rows:
        return make_listing(src, head, COLUMNS, pd.DataFrame(), "Dosed subjects", NOTES)
    measures = outcomes.measures[list(_MEASURES)].rename(columns={"actual_date": "visit_date"})
    frame = pd.DataFrame(rows).merge(measures, on=["subject_id", "visit_id"], how="left")
    frame = F.with_visit(F.with_subject(frame, src), src)
    frame["sledai_total"] = frame.pop("sledai").astype("Int64")
    frame["visit_date_day"] = F.study_day(frame, "visit_date")
    frame["result_label"] = F.decode(frame, src, "result", "RESPONSE")
    frame["steroid_issues"] = frame["subject_id"].map(_issues_by_subject(outcomes.steroid_issues))
    frame = F.ordered(frame, [*C.VISIT_SORT, "index_order"])
    frame["reasons"] = said_once(frame)
    return make_listing(src, head, COLUMNS, frame, "Dosed subjects", NOTES)


def _outcomes(src: ListingSource) -> Outcomes:
    """The app's per-subject outcomes (`records.outcomes.per_subject`) at the export's snapshot
    and data cut, for the subjects in scope: subjects unchanged since a page computed them are
    not derived again."""
    wb = Workbench(src.conn.engine, src.study)
    found = MEMO.outcomes_in(src.conn, wb, data_cut=src.scope.data_cut)
    ids = src.scope.subject_ids
    if ids is None:
        return found
    keep = set(ids)
    return replace(
        found,
        measures=found.measures[found.measures["subject_id"].isin(keep)],
        baseline=found.baseline[found.baseline["subject_id"].isin(keep)],
        steroid_issues=found.steroid_issues[found.steroid_issues["subject_id"].isin(keep)],
    )


NOT_FIRED = re.compile(r"^([\w-]+) rule \(.*\): not fired$")  # scoring.verdict.rule_components
FIRED = re.compile(r"^[\w-]+ rule \(.*\): fired")
SAME_AS = "SRI-4"


def said_once(frame: pd.DataFrame) -> list[str]:
    """Each reason once (issue #15): rules that did not fire named in one phrase, and SRI-5…8
    giving only what differs from SRI-4 of the same visit (the row above), which says the rest.

    Rules that fired keep their description and record on every index: a reviewer reading one
    index must see why it failed."""
    out: list[str] = []
    first: dict[tuple[int, int], list[str]] = {}
    for row in frame.itertuples(index=False):
        parts = _compact(str(row.reasons).split("; "))
        key = (int(row.subject_id), int(row.visit_id))
        if row.index == SAME_AS:
            first[key] = parts
        elif str(row.index).startswith("SRI-") and key in first:
            shared = set(first[key])
            own = [p for p in parts if p not in shared or FIRED.match(p)]
            parts = [*own, f"other criteria and rules as {SAME_AS}"]
        out.append("; ".join(parts))
    return out


def _compact(parts: list[str]) -> list[str]:
    """Rules that did not fire as one phrase, in place of one sentence each."""
    quiet = [m[1] for p in parts if (m := NOT_FIRED.match(p))]
    kept = [p for p in parts if not NOT_FIRED.match(p)]
    return [*kept, f"rules not fired: {', '.join(quiet)}"] if quiet else kept


def _row(
    cell: tuple[int, int, str], result: ResponseResult, order: dict[str, int]
) -> dict[str, Any]:
    subject_id, visit_id, index = cell
    return {
        "subject_id": subject_id,
        "visit_id": visit_id,
        "index": index,
        "index_order": order[index],
        "result": VERDICT[result.responder],
        "verdict": label(result),
        "decided_by": ", ".join(result.decided_by),
        "missing": ", ".join(result.missing),
        "components": components_text(result),
        "reasons": "; ".join(result.reasons),
    }


def _issues_by_subject(issues: pd.DataFrame) -> dict[int, str]:
    """Each subject's uninterpretable corticosteroid rows as one text (blank when none)."""
    found: dict[int, list[str]] = {}
    for row in issues.itertuples(index=False):
        found.setdefault(int(row.subject_id), []).append(
            f"medication {row.medication_id} ({row.drug}): {row.issue}"
        )
    return {sid: "; ".join(texts) for sid, texts in found.items()}
