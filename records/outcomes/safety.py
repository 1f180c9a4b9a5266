"""TEAE incidence (the primary outcome, spec/study.md): subjects n (%) and events, by category.

The safety set is every dosed subject (N). TEAE and seriousness are the derivations of
`records.adverse_events` (spec/scoring.md §9.4–9.5); a subject counts once per row, at the worst
category for severity and grade. Uncoded events are grouped by verbatim term (§9.6: no MedDRA).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from records.outcomes.catalogue import n_pct
from records.outcomes.source import StudyData
from scoring.ae_terms import AEREL_RELATED_DEFAULT
from study.schema import StudyDefinition

WITHDRAWAL_ACTION = "DRUG WITHDRAWN"
NOT_CODED = "(not coded)"
_COLUMNS = ["Category", "Row", "Subjects n (%)", "Events"]


@dataclass(frozen=True)
class SafetyTable:
    """A formatted incidence table, the safety-set size N, and the rules that built it."""

    frame: pd.DataFrame
    n: int
    notes: tuple[str, ...] = ()


def related_codes(study: StudyDefinition) -> frozenset[str]:
    """[DESIGN] Related = at least "possibly related" in the study's AEREL order (spec §9.2)."""
    codes = study.codes("AEREL") if "AEREL" in study.codelists else ()
    if "POSSIBLY RELATED" in codes:
        return frozenset(codes[codes.index("POSSIBLY RELATED") :])
    return AEREL_RELATED_DEFAULT


def teae_frame(data: StudyData) -> pd.DataFrame:
    """Treatment-emergent AEs of dosed subjects, with the subject label."""
    dosed = data.subjects.loc[data.subjects["dose_date"].notna(), ["subject_id", "subject"]]
    events = data.adverse_events[data.adverse_events["teae"].astype(bool)]
    return events.merge(dosed, on="subject_id", how="inner")


def _row(category: str, label: str, events: pd.DataFrame, n: int) -> tuple[str, str, str, int]:
    return category, label, n_pct(events["subject_id"].nunique(), n), len(events)


def counts_by_worst(
    events: pd.DataFrame, column: str, order: Sequence[Any]
) -> list[tuple[Any, int, int]]:
    """(value, subjects whose worst value it is, events with it) for each value of `order`
    (later = worse), then (None, subjects none of whose events has a value, events without one).

    The one "subject counted once at the worst" rule (spec/scoring.md §9.5) for every table and
    chart that counts by severity, grade or relationship."""
    ranks = events[column].map({value: i for i, value in enumerate(order)})
    worst = ranks.groupby(events["subject_id"]).max()
    rows = [(v, int((worst == i).sum()), int((ranks == i).sum())) for i, v in enumerate(order)]
    return [*rows, (None, int(worst.isna().sum()), int(ranks.isna().sum()))]


def _by_worst(
    events: pd.DataFrame, n: int, category: str, column: str, labels: Mapping[Any, str]
) -> list[tuple[str, str, str, int]]:
    """Subjects counted once at their worst value (later in `labels` = worse); events by value.

    A `None` key in `labels` is the row for subjects none of whose events has a value.
    """
    known = [value for value in labels if value is not None]
    return [
        (category, labels[value], n_pct(subjects, n), count)
        for value, subjects, count in counts_by_worst(events, column, known)
        if value is not None or None in labels
    ]


def _each(
    events: pd.DataFrame,
    n: int,
    category: str,
    column: str,
    codes: Iterable[str],
    decode: Mapping[str, str],
) -> list[tuple[str, str, str, int]]:
    return [_row(category, decode.get(c, c), events[events[column] == c], n) for c in codes]


def teae_summary(data: StudyData, study: StudyDefinition) -> SafetyTable:
    """Subjects with ≥1 TEAE and events: overall, by severity, grade, relationship, seriousness,
    withdrawal, outcome and action (spec/study.md primary outcome; §9.1–9.4)."""
    events = teae_frame(data)
    n = int(data.subjects["dose_date"].notna().sum())
    label = {cl: dict(study.codelists.get(cl, ())) for cl in ("AESEV", "AEREL", "AEOUT", "AEACN")}
    related = related_codes(study)
    rows = [_row("Any TEAE", "Subjects with ≥1 TEAE", events, n)]
    rows += _by_worst(events, n, "Maximum severity", "severity", label["AESEV"])
    grades: dict[object, str] = {g: f"Grade {g}" for g in (1, 2, 3, 4, 5)}
    rows += _by_worst(
        events, n, "Maximum CTCAE grade", "ctcae_grade", {**grades, None: "Not graded"}
    )
    rows.append(
        _row("Relationship", "Related (any)", events[events["relationship"].isin(related)], n)
    )
    rows += _each(events, n, "Relationship", "relationship", study.codes("AEREL"), label["AEREL"])
    rows.append(_row("Serious", "Serious TEAE (SAE)", events[events["serious"].astype(bool)], n))
    rows.append(
        _row(
            "Withdrawal",
            "Leading to withdrawal",
            events[events["action_taken"] == WITHDRAWAL_ACTION],
            n,
        )
    )
    rows.append(_row("Fatal", "Fatal outcome", events[events["outcome"] == "FATAL"], n))
    rows += _each(events, n, "Outcome", "outcome", study.codes("AEOUT"), label["AEOUT"])
    rows += _each(events, n, "Action taken", "action_taken", study.codes("AEACN"), label["AEACN"])
    notes = (
        f"N = {n} dosed subjects (safety set); % = subjects / N.",
        "Severity and grade: each subject counted once, at the worst TEAE.",
        "Related = " + ", ".join(sorted(related)) + ".",
        f"Leading to withdrawal = action taken {WITHDRAWAL_ACTION}.",
    )
    return SafetyTable(pd.DataFrame(rows, columns=_COLUMNS), n, notes)


def by_soc_pt(data: StudyData) -> SafetyTable:
    """TEAEs by MedDRA SOC and PT when coded, else under "(not coded)" by verbatim term."""
    events = teae_frame(data).copy()
    n = int(data.subjects["dose_date"].notna().sum())
    events["soc_group"] = events["soc"].where(events["soc"].notna(), NOT_CODED)
    events["term_group"] = events["pt"].where(events["pt"].notna(), "(verbatim) " + events["term"])
    rows = []
    for soc, in_soc in events.groupby("soc_group", sort=True):
        rows.append(_row(soc, "Any term", in_soc, n))
        for term, in_term in in_soc.groupby("term_group", sort=True):
            rows.append(_row(soc, term, in_term, n))
    frame = pd.DataFrame(rows, columns=_COLUMNS).rename(
        columns={"Category": "System organ class", "Row": "Preferred term (or verbatim)"}
    )
    return SafetyTable(frame, n, (f"N = {n} dosed subjects; % = subjects / N.",))
