"""A response cell explained for people: its criteria as rows or Markdown, one index as a grid.

Reads `responses.ResponseTable` / `ResponseResult` only (spec/scoring.md Decisions: every result
names what decided it); no derivation happens here.
"""

from __future__ import annotations

import pandas as pd

from records.outcomes.responses import ResponseTable
from scoring import words
from scoring.verdict import ResponseResult

STATUS = {True: "met", False: "failed", None: "not evaluable"}
"""How a criterion's `met` reads on pages and in the listings."""


def components_frame(result: ResponseResult) -> pd.DataFrame:
    """A result's criteria as rows for people: criterion (in words), met / failed / not
    evaluable, and why."""
    rows = [(words.criterion(c.name), STATUS[c.met], c.reason) for c in result.components]
    return pd.DataFrame(rows, columns=["criterion", "status", "reason"])


def components_text(result: ResponseResult) -> str:
    """The criteria on one line: `criterion: met / failed / not evaluable`, `; `-separated,
    by their identifiers (the listings' components column, matched on by reviewers' tools)."""
    return "; ".join(f"{c.name}: {STATUS[c.met]}" for c in result.components)


def explanation_markdown(result: ResponseResult) -> str:
    """The criteria as a Markdown table (criterion, met / failed / not evaluable, why)."""
    if not result.components:
        return "\n".join(f"- {reason}" for reason in result.reasons[1:])
    rows = components_frame(result).itertuples(index=False)
    lines = [f"| {c.criterion} | {c.status} | {c.reason.replace('|', '/')} |" for c in rows]
    return "\n".join(["| criterion | status | reason |", "|---|---|---|", *lines])


def status_grid(table: ResponseTable, index: str) -> pd.DataFrame:
    """Subject × visit labels of one index; a blank cell is a visit not evaluated (not yet due)."""
    frame = table.frame
    if frame.empty:
        return pd.DataFrame({"subject": pd.Series([], dtype=object)})
    order = frame.sort_values("visit_order", kind="stable")["visit"].drop_duplicates().tolist()
    grid = frame.pivot(index="subject", columns="visit", values=index).reindex(columns=order)
    return grid.rename_axis(None, axis=1).reset_index()
