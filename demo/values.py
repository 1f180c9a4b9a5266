"""Generated form values of the demo: labs, instruments and exam items follow disease activity.

Lab values sit inside the study's reference ranges except where disease drives them (serology,
kidney markers, one transaminase rise); anything out of range carries CS/NCS like real entry.
"""

from __future__ import annotations

import math
from typing import Any

from demo.plan import Plan
from scoring import bilag, promis, rand36
from scoring.sledai import DESCRIPTORS
from study.schema import FormDef, LabTestDef

VITALS = {"SYSBP": 118, "DIABP": 74, "PULSE": 74, "RESP": 15, "TEMP": 36.7}
ECG = {"EGHR": 72, "PRAG": 160, "QRSAG": 92, "QTAG": 390, "QTCFAG": 412}
CHOICES = {"ANA": "1:320", "ENA": "POSITIVE", "UBLOOD": "TRACE", "UCAST": "NONE"}
CS_TESTS = frozenset({"DSDNA", "C3", "C4", "CREAT", "UPCR", "URBC"})


def _special(plan: Plan, code: str, a: float, day: int) -> float | None:
    """Disease-driven lab values: serology and kidney markers follow disease activity."""
    renal = plan.nephritis and plan.profile != "F"
    table = {
        "DSDNA": 20 + plan.base["dsdna"] * a, "C3": 98 - 30 * a, "C4": 17 - 9 * a,
        "CREAT": 2.6 if plan.profile == "F" else (1.0 + 0.25 * a if renal else 0.8),
        "UPCR": 0.2 + 1.2 * a if renal else 0.12, "URBC": 2 + 8 * a if renal else 2,
        "ESR": 10 + 22 * a, "CRPHS": 1.2 + 2.5 * a, "IL6": 3 + 12 * a, "IFNA": 40 + 420 * a,
        "BAFF": 800 + 1300 * a, "ALT": 96 if plan.index % 10 == 1 and day in range(6, 9) else None,
    }  # fmt: skip
    return table.get(code)


def _lab_value(plan: Plan, test: LabTestDef, day: int) -> Any:
    if test.type == "choice":
        if test.code == "UPROT":
            return "1+" if plan.nephritis and plan.activity(day) > 0.5 else "NEGATIVE"
        return CHOICES.get(test.code, plan.wb.study.codes(test.codelist or "")[0])
    value = _special(plan, test.code, plan.activity(day), day)
    if value is None and test.low is not None and test.high is not None:
        value = test.low + (test.high - test.low) * (0.3 + 0.4 * plan.rng.random())
    if value is None:
        return None
    value = round(value, 2)
    outside = (test.low is not None and value < test.low) or (
        test.high is not None and value > test.high
    )
    if not outside:
        return value
    return {"value": value, "clinical_significance": "CS" if test.code in CS_TESTS else "NCS"}


def labs(plan: Plan, panel: str, day: int) -> dict[str, Any]:
    """The results of one panel at a study day; free analyte IL10 on the day-1 cytokine panel."""
    values = {t.code: _lab_value(plan, t, day) for t in plan.wb.study.lab_tests_of(panel)}
    if panel == "CYTO" and day == 1:
        values["IL10"] = {"value": round(4 + 6 * plan.rng.random(), 1), "unit": "pg/mL"}
    return {code: value for code, value in values.items() if value is not None}


def _descriptors(plan: Plan, a: float) -> list[str]:
    clinical = ["arthritis", "rash", "alopecia", *(["proteinuria"] if plan.nephritis else [])]
    present = clinical[: math.ceil(len(clinical) * min(a, 1.0))]
    if a > 1:
        present += ["pleurisy", "fever"]
    return [*present, "low_complement", *(["increased_dna_binding"] if a > 0.05 else [])]


def _bilag(present: list[str]) -> dict[str, str]:
    """BILAG-2004: every item coded, grades and supporting items consistent with the SLEDAI."""
    grade = {"musculoskeletal": "arthritis", "mucocutaneous": "rash", "renal": "proteinuria"}
    grades = {
        d: "B" if grade.get(d) in present else "D" if d in grade else "E" for d in bilag.DOMAINS
    }
    if "pleurisy" in present:
        grades.update(cardiorespiratory="B", constitutional="C")
    values = {bilag.GRADE_CODES[d]: g for d, g in grades.items()}
    values.update({code: "0" for code in sorted(bilag.ORDINAL_ITEMS)})  # every item captured
    items = {
        "BILAG42": "musculoskeletal",
        "BILAG06": "mucocutaneous",
        "BILAG48": "cardiorespiratory",
    }
    values.update({code: "2" for code, d in items.items() if grades[d] == "B"})
    if "fever" in present:
        values["BILAG01"] = "4"
    return values


def _pro(plan: Plan, instrument: str, a: float) -> dict[str, str]:
    """PROMIS-29 / RAND-36 answers near a target that improves as activity falls."""
    target = 70 - 45 * min(a, 1.2) + plan.rng.uniform(-8, 8)
    if instrument == "RAND36":
        items = rand36.INSTRUMENT.items
        return {
            it.code: min(it.options, key=lambda o: abs((o.score or 0) - target)).code
            for it in items
        }
    worse = {d for d in promis.DOMAINS if d not in promis.HIGHER_IS_BETTER} | {
        promis.PAIN_INTENSITY
    }
    answers = {}
    for it in promis.PROMIS29.items:
        level = (100 - target if it.group in worse else target) / 100
        answers[it.code] = it.options[min(len(it.options) - 1, int(level * len(it.options)))].code
    return answers


def form_values(plan: Plan, form: FormDef, day: int) -> tuple[dict[str, Any], str | None]:
    """Item values of an instrument or exam form at a study day, and the PRO mode."""
    a = plan.activity(day)
    if form.instrument == "PGA":
        return {"PGA": f"{min(3.0, plan.base['pga'] * (0.25 + 0.75 * a)):.2f}"}, None
    if form.instrument == "SLEDAI2K":
        present = _descriptors(plan, a)
        return {d: "Y" if d in present else "N" for d in DESCRIPTORS}, None
    if form.instrument == "BILAG2004":
        return _bilag(_descriptors(plan, a)), None
    if form.instrument in ("RAND36", "PROMIS29"):
        return _pro(plan, form.instrument, a), "SELF"
    values: dict[str, Any] = {}
    for item in form.items:
        if item.type == "choice" and item.codelist:
            values[item.code] = next(
                c for c in plan.wb.study.codes(item.codelist) if "NOT" not in c
            )
        elif item.type == "number":
            values[item.code] = ECG.get(item.code)
    return values, None
