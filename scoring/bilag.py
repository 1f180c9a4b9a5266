"""BILAG-2004 derivations from investigator-entered domain grades: score, overall grade, new A/B.

spec/scoring.md §2.4–2.7: grades are entered, never computed from items here; the items only feed
soft consistency warnings (§2.7) that never change a grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from scoring.bilag_items import (
    ACTIVITY_FLAG_ITEMS,
    DOMAINS,
    GRADE_CODES,
    GRADE_ITEMS,
    INSTRUMENT,
    ITEMS_BY_DOMAIN,
    ORDINAL_ITEMS,
)
from scoring.errors import ScoringInputError

__all__ = [
    "ACTIVITY_FLAG_ITEMS",
    "DOMAINS",
    "GRADES",
    "GRADE_CODES",
    "GRADE_ITEMS",
    "INSTRUMENT",
    "ITEMS_BY_DOMAIN",
    "MAXIMUM",
    "NUMERIC",
    "ORDINAL_ITEMS",
    "BilagChange",
    "ConsistencyWarning",
    "Grade",
    "NewGrades",
    "change",
    "check_grades",
    "consistency_warnings",
    "gi_or_haemolysis_activity",
    "missing_domains",
    "new_grades",
    "numeric_score",
    "overall_grade",
]

Grade = Literal["A", "B", "C", "D", "E"]
GRADES: Final[tuple[Grade, ...]] = ("A", "B", "C", "D", "E")
NUMERIC: Final[dict[Grade, int]] = {"A": 12, "B": 8, "C": 1, "D": 0, "E": 0}
"""Yee 2010 numeric scores (spec §2.5 and Decisions)."""
MAXIMUM: Final = 12 * len(DOMAINS)

_FORM_CODES: Final = frozenset(
    item.code for item in (*INSTRUMENT.items, *ACTIVITY_FLAG_ITEMS, *GRADE_ITEMS)
)
_ORDINAL_CODES: Final = ("ND", "0", "1", "2", "3", "4")
_GI_ITEMS: Final = ITEMS_BY_DOMAIN["gastrointestinal"]
_HAEMOLYSIS_ITEM: Final = "BILAG96"


def _grade(value: object, field: str) -> Grade:
    """One grade A–E (case and spaces forgiven); raise naming `field` otherwise."""
    text = value.strip().upper() if isinstance(value, str) else value
    for grade in GRADES:
        if text == grade:
            return grade
    raise ScoringInputError(field, value, GRADES)


def check_grades(
    grades: Mapping[str, str], field: str = "grades", *, complete: bool = True
) -> dict[str, Grade]:
    """Domain → grade, validated; with `complete`, all 9 domains must be present (spec §2.5)."""
    if not isinstance(grades, Mapping):
        raise ScoringInputError(field, grades, "a mapping of domain → grade A–E")
    checked: dict[str, Grade] = {}
    for domain, value in grades.items():
        if domain not in DOMAINS:
            raise ScoringInputError(f"{field} domain", domain, DOMAINS)
        checked[domain] = _grade(value, f"{field}[{domain!r}]")
    missing = missing_domains(checked)
    if complete and missing:
        raise ScoringInputError(field, f"missing {', '.join(missing)}", "a grade for all 9 domains")
    return {domain: checked[domain] for domain in DOMAINS if domain in checked}


def missing_domains(grades: Mapping[str, str]) -> tuple[str, ...]:
    """The domains without a grade, in form order (responders report them as "not evaluable")."""
    return tuple(domain for domain in DOMAINS if domain not in grades)


def numeric_score(grades: Mapping[str, str]) -> int:
    """Global BILAG-2004 score, A=12 B=8 C=1 D=E=0 summed over 9 domains, 0–108 (spec §2.5)."""
    return sum(NUMERIC[grade] for grade in check_grades(grades).values())


def overall_grade(grades: Mapping[str, str]) -> Grade:
    """The visit's overall grade: the most active (highest) domain grade (spec §2.4)."""
    return min(check_grades(grades).values())


@dataclass(frozen=True, slots=True)
class NewGrades:
    """Domains newly graded A or B at a visit compared with a reference visit (spec §2.6)."""

    new_a: tuple[str, ...]
    new_b: tuple[str, ...]
    reasons: tuple[str, ...]


def new_grades(baseline: Mapping[str, str], visit: Mapping[str, str]) -> NewGrades:
    """New A: A now, B–E before; new B: B now, C–E before (A→B is an improvement) (spec §2.6)."""
    before = check_grades(baseline, "baseline")
    after = check_grades(visit, "visit")
    new_a = tuple(d for d in DOMAINS if after[d] == "A" and before[d] != "A")
    new_b = tuple(d for d in DOMAINS if after[d] == "B" and before[d] in ("C", "D", "E"))
    reasons = [f"new A: {d} ({before[d]} → A)" for d in new_a]
    reasons += [f"new B: {d} ({before[d]} → B)" for d in new_b]
    reasons.append(f"{len(new_a)} new A, {len(new_b)} new B domain(s)")
    return NewGrades(new_a, new_b, tuple(reasons))


@dataclass(frozen=True, slots=True)
class BilagChange:
    """Numeric and per-domain grade change; lower numeric score / grades towards E are better."""

    baseline_score: int
    visit_score: int
    change: int
    improved: tuple[str, ...]
    worsened: tuple[str, ...]
    reasons: tuple[str, ...]


def change(baseline: Mapping[str, str], visit: Mapping[str, str]) -> BilagChange:
    """Change from baseline, showing both grade and numeric change and which way is better."""
    before = check_grades(baseline, "baseline")
    after = check_grades(visit, "visit")
    start = sum(NUMERIC[g] for g in before.values())
    end = sum(NUMERIC[g] for g in after.values())
    improved = tuple(d for d in DOMAINS if after[d] > before[d])
    worsened = tuple(d for d in DOMAINS if after[d] < before[d])
    reasons = [f"{d}: {before[d]} → {after[d]} (improved)" for d in improved]
    reasons += [f"{d}: {before[d]} → {after[d]} (worse)" for d in worsened]
    reasons.append(f"numeric score {start} → {end} ({end - start:+d}; a fall is an improvement)")
    return BilagChange(start, end, end - start, improved, worsened, tuple(reasons))


@dataclass(frozen=True, slots=True)
class ConsistencyWarning:
    """A soft warning that a grade and its items disagree (spec §2.7); the grade stays as is."""

    domain: str
    grade: Grade
    item_codes: tuple[str, ...]
    message: str


def _ordinal_values(items: Mapping[str, object]) -> dict[str, str]:
    """Item code → ordinal code for the clinical items given; unknown codes or values raise."""
    values: dict[str, str] = {}
    for code, value in items.items():
        if code not in _FORM_CODES:
            raise ScoringInputError("items", code, "BILAG-2004 form codes (BILAG01 … BILAG97, …)")
        if code in ORDINAL_ITEMS and value is not None:
            text = value.strip().upper() if isinstance(value, str) else value
            if text not in _ORDINAL_CODES:
                raise ScoringInputError(f"items[{code!r}]", value, _ORDINAL_CODES)
            values[code] = str(text)
    return values


def _domain_warning(domain: str, grade: Grade, codes: dict[str, str]) -> ConsistencyWarning | None:
    """The §2.7 warning for one domain, if its grade contradicts its clinical items."""
    if grade in ("D", "E"):
        active = tuple(code for code, value in codes.items() if value in ("3", "4"))
        if active:
            shown = "; ".join(f"{c} {INSTRUMENT.item(c).label} = {codes[c]}" for c in active)
            text = f"{domain} graded {grade} while coded worse (3) or new (4): {shown}"
            return ConsistencyWarning(domain, grade, active, text)
    elif grade in ("A", "B") and not any(v in ("1", "2", "3", "4") for v in codes.values()):
        listed = tuple(codes)
        text = f"{domain} graded {grade} while every item is 0, ND or not entered"
        return ConsistencyWarning(domain, grade, listed, text)
    return None


def consistency_warnings(
    items: Mapping[str, object], grades: Mapping[str, str]
) -> tuple[ConsistencyWarning, ...]:
    """Soft §2.7 checks on the clinical (0–4) items; renal and haematological have none to check."""
    values = _ordinal_values(items)
    warnings = []
    for domain, grade in check_grades(grades, complete=False).items():
        domain_codes = [c for c in ITEMS_BY_DOMAIN[domain] if c in ORDINAL_ITEMS]
        if not domain_codes:
            continue
        found = _domain_warning(domain, grade, {c: values[c] for c in domain_codes if c in values})
        if found is not None:
            warnings.append(found)
    return tuple(warnings)


def gi_or_haemolysis_activity(items: Mapping[str, object]) -> tuple[str, ...]:
    """GI items (56–64) coded 1–4, item 96 (haemolysis) "Y" unless not due to SLE (LLDAS, §4.2)."""
    values = _ordinal_values(items)
    active = [code for code in _GI_ITEMS if values.get(code) in ("1", "2", "3", "4")]
    if _yes(items.get(_HAEMOLYSIS_ITEM)) and not _no(items.get(f"{_HAEMOLYSIS_ITEM}S")):
        active.append(_HAEMOLYSIS_ITEM)
    return tuple(active)


def _yes(value: object) -> bool:
    """A "Y" answer (case and spaces forgiven)."""
    return isinstance(value, str) and value.strip().upper() == "Y"


def _no(value: object) -> bool:
    """An "N" answer (case and spaces forgiven)."""
    return isinstance(value, str) and value.strip().upper() == "N"
