"""Response status, subject × visit: SRI-k, BICLA, LLDAS, DORIS, SFI and KDIGO renal response.

Each cell keeps the `ResponseResult` that decided it (components, missing inputs, reasons), so
a page can explain any cell. "Not evaluable" (None) stays distinct from "non-responder" (False):
spec/scoring.md Decisions, §3–§4, §7.3. Composite indices compare with `baseline.baselines`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from records.cells import missing
from records.outcomes.baseline import baseline_rule, baselines
from records.outcomes.events import EventContext, events_at, rules_of
from records.outcomes.measures import BILAG_GRADE_COLUMNS
from scoring import flares, renal, responders
from scoring.errors import ScoringInputError
from scoring.verdict import (
    ATTAINMENT_RULES,
    IntercurrentEvents,
    NonResponseRules,
    ResponseResult,
    rule_components,
)
from study.schema import StudyDefinition

NOT_EVALUABLE = "not evaluable"
_WORDS = {
    "LLDAS": ("in LLDAS", "not in LLDAS"),
    "DORIS": ("remission", "not in remission"),
}
_SFI_WORDS = {"none": "no flare", "mild_moderate": "mild/moderate flare", "severe": "severe flare"}
_KDIGO_WORDS = {
    "complete": "complete response",
    "partial": "partial response",
    "no_response": "no response",
}
KEY_COLUMNS = (
    "subject_id",
    "subject",
    "visit_id",
    "visit",
    "visit_code",
    "visit_order",
    "study_day",
)

Cell = tuple[int, int, str]
RENAL_RULES = ("rescue_therapy", *ATTAINMENT_RULES)
"""§3.3 (b)–(d) for the KDIGO renal response (LLDAS and DORIS read rescue as disallowed therapy)."""


@dataclass(frozen=True)
class ResponseTable:
    """Labels per subject × visit × index, and the result behind every label."""

    frame: pd.DataFrame
    cells: dict[Cell, ResponseResult] = field(default_factory=dict)
    indices: tuple[str, ...] = ()

    def explain(self, subject_id: int, visit_id: int, index: str) -> ResponseResult | None:
        """The result behind one cell, or None when the cell does not exist."""
        return self.cells.get((subject_id, visit_id, index))


def label(result: ResponseResult) -> str:
    """The cell text: responder / non-responder / not evaluable, in the index's own words."""
    if result.index == "SFI":
        return _SFI_WORDS.get(result.decided_by[0] if result.decided_by else "", NOT_EVALUABLE)
    if result.index.startswith("KDIGO"):
        return _KDIGO_WORDS.get(result.decided_by[0], NOT_EVALUABLE)
    if result.responder is None:
        return NOT_EVALUABLE
    yes, no = _WORDS.get(result.index.split()[0], ("responder", "non-responder"))
    return yes if result.responder else no


def _grades(row: dict[str, Any]) -> dict[str, str] | None:
    found = {d: row[c] for d, c in BILAG_GRADE_COLUMNS.items() if not missing(row.get(c))}
    return found if len(found) == len(BILAG_GRADE_COLUMNS) else None


def _int(value: Any) -> int | None:
    return None if missing(value) else int(value)


def _num(value: Any) -> float | None:
    return None if missing(value) else float(value)


@dataclass(frozen=True)
class _Inputs:
    """One visit's inputs beside its baseline and previous assessment."""

    now: dict[str, Any]
    base: dict[str, Any]
    prev: dict[str, Any]
    events: IntercurrentEvents
    rules: NonResponseRules


def _descriptors(row: dict[str, Any]) -> tuple[str, ...] | None:
    return None if missing(row.get("sledai")) else tuple(row["sledai_descriptors"] or ())


def _sri_bicla(x: _Inputs) -> dict[str, Any]:
    return {
        "baseline_sledai": _int(x.base.get("sledai")),
        "visit_sledai": _int(x.now["sledai"]),
        "baseline_bilag": _grades(x.base),
        "visit_bilag": _grades(x.now),
        "baseline_pga": None if missing(x.base.get("pga_text")) else x.base["pga_text"],
        "visit_pga": None if missing(x.now["pga_text"]) else x.now["pga_text"],
        "events": x.events,
        "rules": x.rules,
    }


def _lldas(x: _Inputs) -> ResponseResult:
    """LLDAS at the visit; new features vs the previous assessment (spec §4.2)."""
    now_grades, prev_grades = _grades(x.now), _grades(x.prev)
    new_bilag = None
    if now_grades and prev_grades:
        new_bilag = flares.bilag_flare(prev_grades, now_grades).flare
    return responders.lldas(
        descriptors=_descriptors(x.now),
        previous_descriptors=_descriptors(x.prev),
        pga=None if missing(x.now["pga_text"]) else x.now["pga_text"],
        prednisone_mg=_num(x.now["prednisone_mg"]),
        gi_or_haemolysis=None if now_grades is None else bool(x.now["gi_haemolysis"]),
        new_bilag_activity=new_bilag,
        disallowed_therapy=x.events.rescue_therapy and x.rules.rescue_therapy,
        events=x.events,
        rules=x.rules,
    )


def _doris(x: _Inputs) -> ResponseResult:
    return responders.doris(
        descriptors=_descriptors(x.now),
        pga=None if missing(x.now["pga_text"]) else x.now["pga_text"],
        prednisone_mg=_num(x.now["prednisone_mg"]),
        disallowed_therapy=x.events.rescue_therapy and x.rules.rescue_therapy,
        events=x.events,
        rules=x.rules,
    )


def _sfi(x: _Inputs) -> ResponseResult:
    """SELENA flare index vs the previous assessment (spec §4.4), as a result with reasons."""
    result = flares.selena_flare_index(
        previous_sledai=_int(x.prev.get("sledai")),
        current_sledai=_int(x.now["sledai"]),
        previous_pga=x.prev.get("pga_text") or None,
        current_pga=None if missing(x.now["pga_text"]) else x.now["pga_text"],
        previous_prednisone_mg=_num(x.prev.get("prednisone_mg")),
        current_prednisone_mg=_num(x.now["prednisone_mg"]),
        weight_kg=_num(x.now.get("weight_kg")),
    )
    responder = None if result.category is None else result.category == "none"
    decided = (result.category or "not_evaluable",)
    criteria = (*result.severe, *result.mild_moderate, *result.not_evaluated)
    return ResponseResult("SFI", responder, decided, (), criteria, result.reasons)


def _kdigo(x: _Inputs) -> ResponseResult:
    """KDIGO 2024 renal response vs baseline, reported as early (spec §7.3 [DESIGN]); "no
    response" once rescue, a steroid increase or withdrawal fired (§3.3: every index alike)."""
    failed = [c for c in rule_components(x.events, x.rules, RENAL_RULES) if c.met is False]
    if failed:
        names = ", ".join(c.name for c in failed)
        summary = f"KDIGO 2024 (early, vs baseline): no response ({names})"
        reasons = (summary, *(c.reason for c in failed))
        decided = ("no_response", *(c.name for c in failed))
        return ResponseResult("KDIGO", False, decided, tuple(failed), (), reasons)
    base_upcr, now_upcr = _num(x.base.get("upcr")), _num(x.now["upcr"])
    result = renal.kdigo_2024_response(
        None if base_upcr is None else renal.Upcr(base_upcr, "g/g"),
        None if now_upcr is None else renal.Upcr(now_upcr, "g/g"),
        _num(x.base.get("egfr")),
        _num(x.now["egfr"]),
    )
    responder = {"complete": True, "partial": True, "no_response": False}.get(result.category)
    absent = tuple(r.split(": ", 1)[1] for r in result.reasons if r.startswith("missing input"))
    summary = (
        f"KDIGO 2024 (early, vs baseline): {_KDIGO_WORDS.get(result.category, 'not evaluable')}"
    )
    return ResponseResult(
        "KDIGO", responder, (result.category,), (), absent, (summary, *result.reasons)
    )


def _sri(k: int) -> Callable[[_Inputs], ResponseResult]:
    def build(x: _Inputs) -> ResponseResult:
        return responders.sri(**_sri_bicla(x), k=k)

    return build


def _bicla(x: _Inputs) -> ResponseResult:
    return responders.bicla(**_sri_bicla(x))


def _builders(ks: tuple[int, ...]) -> dict[str, Callable[[_Inputs], ResponseResult]]:
    built = {f"SRI-{k}": _sri(k) for k in ks}
    built["BICLA"] = _bicla
    built.update(LLDAS=_lldas, DORIS=_doris, SFI=_sfi, KDIGO=_kdigo)
    return built


def _refused(index: str, error: Exception) -> ResponseResult:
    reason = f"{index}: not evaluable, an input was refused ({error})"
    return ResponseResult(index, None, ("input",), (), ("input",), (reason,))


def _evaluated(measures: pd.DataFrame, study: StudyDefinition, ctx: EventContext) -> pd.DataFrame:
    """Post-baseline visits of dosed subjects that have happened, closed, or follow withdrawal."""
    base_day = study.visit(study.protocol.baseline_visit).target_day or 1
    sledai_forms = {f.code for f in study.forms if f.instrument == "SLEDAI2K"}
    wanted = {
        v.code
        for v in study.visits
        if sledai_forms & set(v.forms)
        and (
            v.kind == "early_termination"
            or (v.kind == "scheduled" and (v.target_day or 0) > base_day)
        )
    }
    rows = measures[measures["visit_code"].isin(wanted) & measures["dose_date"].notna()]
    happened = rows["calendar_status"].isin(("done", "missed", "overdue"))
    after_withdrawal = [
        sid in ctx.withdrawn and (missing(target) or ctx.withdrawn[sid].on <= target)
        for sid, target in zip(rows["subject_id"], rows["target_date"], strict=True)
    ]
    return rows[happened | pd.Series(after_withdrawal, index=rows.index, dtype=bool)]


def _previous(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """For each visit, the subject's latest earlier visit with a SLEDAI-2K (by date)."""
    records = sorted(
        records,
        key=lambda r: (
            r["subject_id"],
            date.max if missing(r["actual_date"]) else r["actual_date"],
            r["visit_order"],
            r["sequence"],
        ),
    )
    previous: dict[int, dict[str, Any]] = {}
    last: dict[int, dict[str, Any]] = {}
    for row in records:
        previous[int(row["visit_id"])] = last.get(int(row["subject_id"]), {})
        if not missing(row["sledai"]):
            last[int(row["subject_id"])] = row
    return previous


def _safely(build: Callable[[_Inputs], ResponseResult], x: _Inputs, index: str) -> ResponseResult:
    try:
        return build(x)
    except (ScoringInputError, ValueError, TypeError) as error:
        return _refused(index, error)


def response_table(
    measures: pd.DataFrame,
    study: StudyDefinition,
    ctx: EventContext,
    ks: tuple[int, ...] = (4,),
    baseline: pd.DataFrame | None = None,
) -> ResponseTable:
    """Every index at every evaluated visit; SRI-k for each k in `ks` (spec §3.2: 4…8).
    `baseline`: the measures' `baselines` when the caller has them already."""
    if baseline is None:
        baseline = baselines(measures, baseline_rule(study))
    base = baseline.set_index("subject_id").to_dict("index")
    measures = measures.reset_index(drop=True)
    records = measures.to_dict("records")  # once: the evaluated rows are picked from them
    previous, builders, rules = _previous(records), _builders(ks), rules_of(study)
    cells: dict[Cell, ResponseResult] = {}
    lines = []
    for now in (records[i] for i in _evaluated(measures, study, ctx).index):
        sid, vid = int(now["subject_id"]), int(now["visit_id"])
        x = _Inputs(now, base.get(sid, {}), previous.get(vid, {}), events_at(ctx, now), rules)
        line = {key: now[key] for key in KEY_COLUMNS}
        for index, build in builders.items():
            cells[(sid, vid, index)] = result = _safely(build, x, index)
            line[index] = label(result)
        lines.append(line)
    frame = pd.DataFrame(lines, columns=[*KEY_COLUMNS, *builders])
    return ResponseTable(frame, cells, tuple(builders))
