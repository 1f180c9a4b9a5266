"""The per-subject, per-visit measures frame: every outcome measure computed live with scoring/.

Instrument scores come from the same `scoring` calls as `records.derived` (what the visit page
shows), on values validated when saved; only complete forms are scored, so an unfinished form is
missing (NaN), never zero. Labs give eGFR (CKD-EPI
2021, spec §7.1), UPCR in g/g (§7.2), C3, C4 and anti-dsDNA; the steroid series gives the
prednisone-equivalent dose on the visit date (§6.2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import groupby
from typing import Any

import numpy as np
import pandas as pd

from records.cells import missing
from records.derived import age_on, derive_labs
from records.instruments import PGA_CODE
from records.outcomes.catalogue import MEASURES
from records.outcomes.source import ClinicalData
from records.outcomes.steroids import dose_on, subject_series
from records.visits import calendar_status, left_study_on, visit_window_dates
from scoring import bilag, labs, pga, promis, rand36, sledai
from scoring.dates import study_day
from scoring.errors import ScoringInputError
from scoring.steroids import SteroidSeries
from study.schema import StudyDefinition

BILAG_GRADE_COLUMNS = {domain: f"bilag_{domain}" for domain in bilag.DOMAINS}
_GI_CODES = (*bilag.ITEMS_BY_DOMAIN["gastrointestinal"], "BILAG96", "BILAG96S")
_LAB_ANALYTES = {"C3": "c3", "C4": "c4"}
_SEROLOGY = {"C3": "c3", "C4": "c4", "DSDNA": "dsdna"}
_PEOPLE = (
    *("subject_id", "subject", "sex", "birth_date", "birth_year", "consent_date", "dose_date"),
    *("status", "status_date"),
)


def _sledai(study: StudyDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """SLEDAI-2K total, clinical SLEDAI and band of the confirmed descriptors (§1.1, §1.4, §1.5)."""
    present = tuple(code for code in sledai.DESCRIPTORS if values.get(code) == "Y")
    result = sledai.score(present, variant=study.protocol.sledai_variant)
    return {
        "sledai": result.total,
        "clinical_sledai": result.clinical,
        "sledai_band": result.band,
        "sledai_descriptors": present,
    }


def _bilag(_study: StudyDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """Entered domain grades, numeric score and overall grade when all nine are graded (§2.5)."""
    grades = {d: values[c] for d, c in bilag.GRADE_CODES.items() if c in values}
    out: dict[str, Any] = {BILAG_GRADE_COLUMNS[d]: g for d, g in grades.items()}
    complete = not bilag.missing_domains(grades)
    out["bilag_score"] = bilag.numeric_score(grades) if complete else None
    out["bilag_overall"] = bilag.overall_grade(grades) if complete else None
    gi_items = {code: values[code] for code in _GI_CODES if code in values}
    out["gi_haemolysis"] = bilag.gi_or_haemolysis_activity(gi_items)
    return out


def _pga(_study: StudyDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """The PGA exactly as stored (two decimals, §5) and as a number for statistics."""
    text = values.get(PGA_CODE)
    return {"pga_text": text, "pga": None if text is None else float(pga.parse(text))}


def _promis(_study: StudyDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """PROMIS-29 v2.1 domain T-scores (§8.2)."""
    answers = {code: int(v) for code, v in values.items() if v.isdigit()}
    return {f"promis_{d.domain}": d.t for d in promis.score_profile(answers).domains}


def _rand36(_study: StudyDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """RAND-36 0–100 scales (§8.4)."""
    responses = {int(code[4:]): int(v) for code, v in values.items() if v.isdigit()}
    return {f"rand36_{s.scale}": s.score for s in rand36.score(responses).scales}


_SCORES: dict[str, Callable[[StudyDefinition, Mapping[str, str]], dict[str, Any]]] = {
    "SLEDAI2K": _sledai,
    "BILAG2004": _bilag,
    "PGA": _pga,
    "PROMIS29": _promis,
    "RAND36": _rand36,
}


def _scores(study: StudyDefinition, form: str, values: Mapping[str, str]) -> dict[str, Any]:
    """Measure columns of one complete form; values were validated when saved (records)."""
    score = _SCORES.get(study.form(form).instrument or "")
    try:
        return {} if score is None else score(study, values)
    except (ScoringInputError, ValueError):
        return {}


def _form_groups(items: pd.DataFrame) -> Iterator[tuple[int, str, dict[str, str]]]:
    columns = ("visit_id", "form_code", "item_code", "value")
    rows = zip(*(items[c].tolist() for c in columns), strict=True)
    for (visit_id, form), group in groupby(rows, key=lambda r: (r[0], r[1])):
        yield int(visit_id), str(form), {code: value for _, _, code, value in group}


def _instrument_values(data: ClinicalData, study: StudyDefinition) -> pd.DataFrame:
    rows: dict[int, dict[str, Any]] = {}
    for visit_id, form, values in _form_groups(data.items):
        rows.setdefault(visit_id, {}).update(_scores(study, form, values))
    if not rows:
        return pd.DataFrame({"visit_id": pd.Series([], dtype="int64")})
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame.rename_axis("visit_id").reset_index()


def _in_study_unit(row: Any, target: str | None) -> float | None:
    """A serology value in the study definition's entry unit (exact conversion, spec §7)."""
    if missing(row.unit) or target is None or row.unit == target:
        return float(row.value_num)
    analyte = _LAB_ANALYTES.get(row.test_code)
    try:
        return labs.convert(analyte, float(row.value_num), row.unit, target) if analyte else None
    except ScoringInputError:
        return None


def _visit_labs(
    tests: Mapping[str, Any], person: Mapping[str, Any], units: Mapping[str, str | None]
) -> dict[str, Any]:
    """eGFR and UPCR g/g as the lab form derives them (`derive_labs`), and the serology."""
    dates = [r.collected_on for r in tests.values() if not missing(r.collected_on)]
    when = dates[0] if dates else person["actual_date"]
    birth = None if missing(person["birth_date"]) else person["birth_date"]
    year = None if missing(person["birth_year"]) else int(person["birth_year"])
    age = None if missing(when) else age_on(birth, year, when)
    kidney = {c: (float(r.value_num), r.unit) for c, r in tests.items() if c in ("CREAT", "UPCR")}
    derived = derive_labs(person["sex"], age, kidney).values
    values = {"egfr": derived.get("EGFR"), "upcr": derived.get("UPCR_G_PER_G")}
    for code, column in _SEROLOGY.items():
        if code in tests:
            values[column] = _in_study_unit(tests[code], units.get(code))
    return values


def _lab_values(data: ClinicalData, frame: pd.DataFrame, study: StudyDefinition) -> pd.DataFrame:
    """One column per lab measure (last result of each test at the visit)."""
    columns = ["visit_id", "actual_date", "birth_date", "birth_year", "sex"]
    people = frame[columns].set_index("visit_id").to_dict("index")
    by_visit: dict[int, dict[str, Any]] = {}
    for row in data.labs.itertuples(index=False):
        if row.visit_id in people and not missing(row.value_num):  # bounds: `lab_issues`
            by_visit.setdefault(int(row.visit_id), {})[row.test_code] = row
    if not by_visit:
        return pd.DataFrame({"visit_id": pd.Series([], dtype="int64")})
    units = {t.code: t.unit for t in study.lab_tests}
    rows = {vid: _visit_labs(tests, people[vid], units) for vid, tests in by_visit.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("visit_id").reset_index()


def _schedule(frame: pd.DataFrame, study: StudyDefinition, today: Any) -> pd.DataFrame:
    """Target day and date, window start and end, calendar status and study day of every
    visit."""
    screening = study.protocol.screening_days_before
    out = []
    for row in frame.itertuples(index=False):
        vdef = study.visit(row.visit_code)
        dose = None if missing(row.dose_date) else row.dose_date
        target, start, end = visit_window_dates(vdef, dose, row.consent_date, screening)
        left = left_study_on(vdef, row.subject_status, row.status_date, today)
        status = calendar_status(row, end, start, today, left)
        done = not missing(row.actual_date)
        day = study_day(row.actual_date, dose) if done and dose else None
        out.append((vdef.target_day, target, start, end, status, day))
    columns = [
        "target_day",
        "target_date",
        "window_start",
        "window_end",
        "calendar_status",
        "study_day",
    ]
    return pd.DataFrame(out, columns=columns, index=frame.index)


def visit_measures(
    data: ClinicalData, study: StudyDefinition, series: dict[int, SteroidSeries] | None = None
) -> pd.DataFrame:
    """One row per visit of every subject with each catalogue measure (NaN = missing)."""
    people = data.subjects[list(_PEOPLE)].rename(columns={"status": "subject_status"})
    frame = data.visits.merge(people, on="subject_id", how="inner")
    frame = frame.rename(columns={"visit_status": "status"})  # calendar_status reads it
    frame = pd.concat([frame, _schedule(frame, study, data.today)], axis=1)
    frame = frame.merge(_instrument_values(data, study), on="visit_id", how="left")
    frame = frame.merge(_lab_values(data, frame, study), on="visit_id", how="left")
    frame = frame.merge(data.weights, on="visit_id", how="left")
    series = subject_series(data) if series is None else series
    frame["prednisone_mg"] = [
        dose_on(series.get(int(sid)), day)
        for sid, day in zip(frame["subject_id"], frame["actual_date"], strict=True)
    ]
    for measure in MEASURES:
        values = frame.get(measure.key, pd.Series(np.nan, index=frame.index))
        frame[measure.key] = pd.to_numeric(values, errors="coerce").astype(float)
    objects = ("sledai_descriptors", "gi_haemolysis", "pga_text", "bilag_overall", "weight_kg")
    for column in (*objects, *BILAG_GRADE_COLUMNS.values()):
        if column not in frame:
            frame[column] = None
    frame = frame.rename(columns={"status": "visit_status"})
    return frame.sort_values(["subject", "visit_order", "sequence"], kind="stable").reset_index(
        drop=True
    )
