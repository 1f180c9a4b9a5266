"""Live derived values of a form (scores, bands, T-scores) through `scoring`; never stored.

Each result carries the reasons that decided it, so the page can explain the number it shows.
Input is the stored text of the items (or unsaved entries): invalid values are skipped and named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from records import fields
from records.instruments import PGA_CODE, field_key, item_specs, parse_item
from scoring import bilag, pga, promis, rand36, renal, sledai
from scoring.errors import ScoringInputError
from study.schema import StudyDefinition

Value = int | float | str | None
LabRow = tuple[str, str | None, float | None, str | None, float | None, float | None]
_POSITIVE_CASTS = frozenset({"HEME-GRANULAR", "RBC"})


@dataclass(frozen=True, slots=True)
class Derived:
    """Derived values of one form, with warnings (soft checks) and the reasons behind them."""

    form_code: str
    values: dict[str, Value]
    warnings: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def clean_values(
    study: StudyDefinition, form_code: str, values: Mapping[str, Any]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The parseable item values as stored text, and a note for each value that was skipped."""
    specs = {s.code: s for s in item_specs(study, form_code)}
    clean: dict[str, str] = {}
    skipped: list[str] = []
    for code, raw in values.items():
        errors: fields.Errors = {}
        if code not in specs:
            skipped.append(f"{field_key(code)}: not an item of {form_code}, ignored")
            continue
        text, _ = parse_item(errors, specs[code], raw)
        if errors:
            skipped.append(f"{code}: {errors[code]}, ignored")
        elif text is not None:
            clean[code] = text
    return clean, tuple(skipped)


def _sledai(study: StudyDefinition, values: Mapping[str, str]) -> Derived:
    """SLEDAI-2K total, clinical SLEDAI and band (spec/scoring.md §1.1, §1.4, §1.5)."""
    present = [code for code in sledai.DESCRIPTORS if values.get(code) == "Y"]
    window = study.protocol.sledai_window_days
    result = sledai.score(
        present,
        variant=study.protocol.sledai_variant,
        window_days=window if window in sledai.WINDOWS_DAYS else None,
    )
    answered = sum(1 for code in sledai.DESCRIPTORS if code in values)
    warnings = (
        () if answered == len(sledai.DESCRIPTORS) else (f"{answered}/24 descriptors answered",)
    )
    out: dict[str, Value] = {
        "total": result.total,
        "clinical": result.clinical,
        "band": result.band,
    }
    return Derived("SLEDAI2K", out, warnings, result.reasons)


def _bilag(_study: StudyDefinition, values: Mapping[str, str]) -> Derived:
    """BILAG-2004 numeric score and overall grade from entered grades; §2.7 soft warnings."""
    grades = {d: values[c] for d, c in bilag.GRADE_CODES.items() if c in values}
    items = {c: v for c, v in values.items() if c in bilag.ORDINAL_ITEMS}
    warnings = tuple(w.message for w in bilag.consistency_warnings(items, grades))
    missing = bilag.missing_domains(grades)
    if missing:
        reason = f"not scored: no grade for {', '.join(missing)}"
        return Derived(
            "BILAG2004", {"numeric_score": None, "overall_grade": None}, warnings, (reason,)
        )
    score = bilag.numeric_score(grades)
    overall = bilag.overall_grade(grades)
    reasons = (
        *(f"{d}: {g} = {bilag.NUMERIC[g]}" for d, g in bilag.check_grades(grades).items()),
        f"numeric score {score} of {bilag.MAXIMUM} (A=12 B=8 C=1 D=E=0; lower is better)",
        f"overall grade {overall} (most active domain)",
    )
    return Derived(
        "BILAG2004", {"numeric_score": score, "overall_grade": overall}, warnings, reasons
    )


def _pga(_study: StudyDefinition, values: Mapping[str, str]) -> Derived:
    """PGA value and where it lies between the anchors (spec/scoring.md §5)."""
    if PGA_CODE not in values:
        return Derived("PGA", {"pga": None, "anchor": None}, (), ("not recorded",))
    anchor = pga.describe(values[PGA_CODE])
    reason = f"PGA {values[PGA_CODE]} ({anchor}); 0 none, 1 mild, 2 moderate, 3 severe"
    return Derived("PGA", {"pga": values[PGA_CODE], "anchor": anchor}, (), (reason,))


def _promis(_study: StudyDefinition, values: Mapping[str, str]) -> Derived:
    """PROMIS-29 v2.1 domain T-scores and pain intensity (spec/scoring.md §8.2)."""
    answers = {code: int(v) for code, v in values.items() if v.isdigit()}
    result = promis.score_profile(answers)
    out: dict[str, Value] = {f"{d.domain}_t": d.t for d in result.domains}
    out["pain_intensity"] = result.pain_intensity
    reasons = (*result.reasons, *(f"{d.domain}: {d.reasons[0]}" for d in result.domains))
    return Derived("PROMIS29", out, (), reasons)


def _rand36(_study: StudyDefinition, values: Mapping[str, str]) -> Derived:
    """RAND-36 eight 0–100 scales and the health-change item (spec/scoring.md §8.4)."""
    responses = {int(code[4:]): int(v) for code, v in values.items() if v.isdigit()}
    result = rand36.score(responses)
    out: dict[str, Value] = {s.scale: s.score for s in result.scales}
    out["health_change"] = result.health_change
    reasons = (*result.reasons, *(f"{s.scale}: {s.reasons[0]}" for s in result.scales))
    return Derived("RAND36", out, (), reasons)


_DERIVATIONS: dict[str, Callable[[StudyDefinition, Mapping[str, str]], Derived]] = {
    "SLEDAI2K": _sledai,
    "BILAG2004": _bilag,
    "PGA": _pga,
    "PROMIS29": _promis,
    "RAND36": _rand36,
}


def derive(study: StudyDefinition, form_code: str, values: Mapping[str, Any]) -> Derived:
    """Derived values of a form from its (stored or unsaved) item values; never raises on input."""
    form = study.form(form_code)
    derivation = _DERIVATIONS.get(form.instrument or "")
    if derivation is None:
        return Derived(form_code, {})
    clean, skipped = clean_values(study, form_code, values)
    try:
        result = derivation(study, clean)
    except ScoringInputError as error:
        return Derived(form_code, {}, (*skipped, f"not scored: {error}"), ())
    return Derived(form_code, result.values, (*skipped, *result.warnings), result.reasons)


def derive_labs(
    sex: str, age: float | None, results: Mapping[str, tuple[float | None, str | None]]
) -> Derived:
    """eGFR (CKD-EPI 2021, §7.1) from creatinine, age and sex; UPCR in g/g (§7.2)."""
    out: dict[str, Value] = {}
    reasons: list[str] = []
    creat, creat_unit = results.get("CREAT", (None, None))
    if creat is not None and age is not None:
        try:
            egfr = renal.egfr_ckd_epi_2021(creat, creat_unit or "mg/dL", age, sex)
        except ScoringInputError as error:
            reasons.append(f"eGFR not computed: {error}")
        else:
            out["EGFR"] = egfr
            reasons.append(
                f"eGFR {egfr:.1f} mL/min/1.73 m² (CKD-EPI 2021, race-free): creatinine "
                f"{creat:g} {creat_unit}, age {age:g}, sex {sex}"
            )
    upcr, upcr_unit = results.get("UPCR", (None, None))
    if upcr is not None and upcr_unit in renal.UPCR_UNITS:
        out["UPCR_G_PER_G"] = renal.upcr_g_per_g(upcr, upcr_unit)
        reasons.append(f"UPCR {upcr:g} {upcr_unit} = {out['UPCR_G_PER_G']:g} g/g")
    return Derived("LABS", out, (), tuple(reasons))


def age_on(birth_date: date | None, birth_year: int | None, on: date) -> int:
    """Age in whole years on a date (a mid-year birthday when only the year is known)."""
    birth = birth_date or date(birth_year or on.year, 7, 1)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def suggest_sledai(rows: Iterable[LabRow]) -> tuple[sledai.Suggestion, ...]:
    """SLEDAI-2K hints from (code, value, number, unit, low, high) lab rows (§1.1, Decisions)."""
    labs: dict[str, sledai.LabValue] = {}
    for code, text, number, unit, low, high in rows:
        if code == "UCAST" and text:
            cast = "positive" if text in _POSITIVE_CASTS else "negative"
            labs[code] = sledai.LabValue(None, text=cast)
        elif number is not None and number >= 0 and all(x is None or x >= 0 for x in (low, high)):
            labs[code] = sledai.LabValue(number, unit, low, high)
    return sledai.suggest_from_labs(labs)
