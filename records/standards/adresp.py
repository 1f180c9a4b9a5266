"""ADRESP: a BDS responder dataset, one record per subject × parameter × analysis visit.

SRI-4…8, BICLA, LLDAS and DORIS verdicts with AVALC Y/N (AVAL 1/0; blank when not evaluable),
the SRI-4 components as their own parameters, the SLEDAI-2K total and PGA with BASE/CHG, and
the reasons that decided each non-response (records §4.11). DTYPE = NRI when a non-response
rule (treatment failure) decided the verdict. Verdicts come from `records.outcomes`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from records.outcomes.snapshot import Outcomes
from records.standards import timing
from records.standards.adam import sas_date
from records.standards.model import Dataset, Variable, build
from records.standards.source import STUDY_DAY
from records.standards.terms import derived_text
from scoring.verdict import ResponseResult

SRI_KS = (4, 5, 6, 7, 8)
INDICES = {**{f"SRI-{k}": (f"SRI{k}", f"SRI-{k} Response") for k in SRI_KS},
           "BICLA": ("BICLA", "BICLA Response"), "LLDAS": ("LLDAS", "LLDAS Attained"),
           "DORIS": ("DORIS", "DORIS Remission")}  # fmt: skip
COMPONENTS = {"sledai": ("SRI4SLD", "SRI-4 SLEDAI-2K Reduction >= 4"),
              "bilag": ("SRI4BLG", "SRI-4 No New BILAG A or >1 B Domain"),
              "pga": ("SRI4PGA", "SRI-4 No PGA Worsening >= 0.3")}  # fmt: skip
SCORES = {"sledai": ("SLEDAI", "SLEDAI-2K Total Score"),
          "pga": ("PGA", "Physician Global Assessment (0-3)")}  # fmt: skip
_VARIABLES = (
    Variable("STUDYID", "Study Identifier", core="Req", method="ADSL.STUDYID"),
    Variable("USUBJID", "Unique Subject Identifier", core="Req", method="ADSL.USUBJID"),
    Variable("PARAMCD", "Parameter Code", core="Req", origin="Assigned", codelist="PARAMCD"),
    Variable("PARAM", "Parameter", core="Req", origin="Assigned"),
    Variable("AVISIT", "Analysis Visit", core="Req", origin="Derived", method="Visit name"),
    Variable("AVISITN", "Analysis Visit (N)", "float", core="Req", origin="Derived",
             method="SDTM VISITNUM of the visit"),
    Variable("ADT", "Analysis Date", "date", core="Exp", origin="Derived",
             method="Visit date"),
    Variable("ADY", "Analysis Relative Day", "integer", core="Exp", origin="Derived",
             method=STUDY_DAY),
    Variable("AVAL", "Analysis Value", "float", core="Exp", origin="Derived",
             method="Score, or 1 responder / 0 non-responder (blank: not evaluable)"),
    Variable("AVALC", "Analysis Value (C)", core="Exp", origin="Derived", codelist="NY",
             method="Y responder / N non-responder, from records.outcomes.responses"),
    Variable("BASE", "Baseline Value", "float", core="Exp", origin="Derived",
             method="records.outcomes.baseline"),
    Variable("CHG", "Change from Baseline", "float", core="Exp", origin="Derived",
             method="AVAL - BASE"),
    Variable("ABLFL", "Baseline Record Flag", core="Exp",
             origin="Derived", codelist="NY", method="Y on the protocol baseline visit"),
    Variable("DTYPE", "Derivation Type", core="Perm", origin="Derived",
             method="NRI when a non-response rule decided the verdict"),
    Variable("NRREAS", "Reasons for Non-Response", core="Perm", origin="Derived",
             method="The components and rules that decided the verdict (scoring.verdict)"),
    Variable("SRCDOM", "Source Data Domain", core="Perm", origin="Assigned"),
)  # fmt: skip


def adresp(outcomes: Outcomes, studyid: str, visitnum: Any) -> Dataset:
    """Every responder parameter at every evaluated visit, plus SLEDAI-2K and PGA records."""
    table = outcomes.with_sri(SRI_KS)
    visits = outcomes.measures.set_index("visit_id")
    rows: list[dict[str, Any]] = []
    for (_subject, vid, index), result in table.cells.items():
        visit = visits.loc[vid]
        if index in INDICES:
            rows.append(_verdict(visit, *INDICES[index], result))
        if index == "SRI-4":
            rows += [_component(visit, result, name) for name in COMPONENTS]
    rows += _scores(outcomes)
    frame = pd.DataFrame(rows)
    frame["STUDYID"] = studyid
    frame["USUBJID"] = frame["subject"].map(lambda s: f"{studyid}-{s}")
    frame["AVISITN"] = [visitnum(c, q) for c, q in zip(frame["visit_code"], frame["sequence"],
                                                       strict=True)]  # fmt: skip
    frame["ADT"] = frame["actual_date"].map(sas_date)
    frame = frame.sort_values(["USUBJID", "PARAMCD", "AVISITN"], kind="stable")
    head = ("ADRESP", "Responder Analysis Dataset", "BASIC DATA STRUCTURE",
            "One record per subject per parameter per analysis visit")  # fmt: skip
    keys = ("STUDYID", "USUBJID", "PARAMCD", "AVISITN")
    return build(head, keys, _VARIABLES, frame, standard="ADaMIG 1.3")


def _visit(visit: pd.Series) -> dict[str, Any]:
    return {
        "subject": visit["subject"], "visit_code": visit["visit_code"],
        "sequence": visit["sequence"], "actual_date": visit["actual_date"],
        "AVISIT": visit["visit"], "ADY": visit["study_day"], "SRCDOM": "RS",
    }  # fmt: skip


def _verdict(visit: pd.Series, code: str, param: str, result: ResponseResult) -> dict[str, Any]:
    row = _visit(visit) | {"PARAMCD": code, "PARAM": param}
    row.update(_yes_no(result.responder))
    if result.responder is False:
        row["NRREAS"] = derived_text("; ".join(result.decided_by))
        rule = any(d.startswith("rule:") for d in result.decided_by)
        row["DTYPE"] = "NRI" if rule else None
    elif result.responder is None:
        row["NRREAS"] = derived_text(
            "not evaluable: " + "; ".join(result.missing or result.decided_by)
        )
    return row


def _component(visit: pd.Series, result: ResponseResult, name: str) -> dict[str, Any]:
    code, param = COMPONENTS[name]
    row = _visit(visit) | {"PARAMCD": code, "PARAM": param}
    component = next((c for c in result.components if c.name == name), None)
    row.update(_yes_no(None if component is None else component.met))
    if component is not None and component.met is not True:
        row["NRREAS"] = derived_text(component.reason)
    return row


def _yes_no(met: bool | None) -> dict[str, Any]:
    if met is None:
        return {"AVAL": None, "AVALC": None}
    return {"AVAL": 1.0 if met else 0.0, "AVALC": "Y" if met else "N"}


def _scores(outcomes: Outcomes) -> list[dict[str, Any]]:
    baseline_visit = outcomes.study.protocol.baseline_visit
    rows = []
    for visit in outcomes.measures.to_dict("records"):
        for key, (code, param) in SCORES.items():
            if timing.missing(visit.get(key)):
                continue
            row = _visit(pd.Series(visit)) | {"PARAMCD": code, "PARAM": param}
            row["AVAL"] = float(visit[key])
            if not timing.missing(visit["study_day"]) and visit["study_day"] >= 1:
                row.update(BASE=visit.get(f"{key}_baseline"), CHG=visit.get(f"{key}_change"))
            row["ABLFL"] = "Y" if visit["visit_code"] == baseline_visit else None
            rows.append(row)
    return rows
