"""AE controlled terminology and CTCAE grade ↔ severity (spec §9.1–9.3, records §4.5).

Codelist values as listed in spec §9.3 (verify against the current NCI CDISC CT package).
"""

from __future__ import annotations

from collections.abc import Collection

from scoring.errors import ScoringInputError

AESEV: tuple[str, ...] = ("MILD", "MODERATE", "SEVERE")
AEACN: tuple[str, ...] = (
    "DOSE INCREASED",
    "DOSE NOT CHANGED",
    "DOSE RATE REDUCED",
    "DOSE REDUCED",
    "DRUG INTERRUPTED",
    "DRUG WITHDRAWN",
    "NOT APPLICABLE",
    "UNKNOWN",
)
AEOUT: tuple[str, ...] = (
    "FATAL",
    "NOT RECOVERED/NOT RESOLVED",
    "RECOVERED/RESOLVED",
    "RECOVERED/RESOLVED WITH SEQUELAE",
    "RECOVERING/RESOLVING",
    "UNKNOWN",
)
NY: tuple[str, ...] = ("Y", "N")
CTCAE_GRADES: tuple[int, ...] = (1, 2, 3, 4, 5)

# AEREL is sponsor-defined (§9.2); default: the common 5-point trial scale [DESIGN].
AEREL_DEFAULT: tuple[str, ...] = (
    "NOT RELATED",
    "UNLIKELY RELATED",
    "POSSIBLY RELATED",
    "PROBABLY RELATED",
    "DEFINITELY RELATED",
)
# ICH E2A: related = causal relationship at least a reasonable possibility (§9.2) [DESIGN cut].
AEREL_RELATED_DEFAULT: frozenset[str] = frozenset(
    {"POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED"}
)

CTCAE_GRADE_MEANING: dict[int, str] = {
    1: "Mild",
    2: "Moderate",
    3: "Severe or medically significant but not immediately life-threatening",
    4: "Life-threatening consequences; urgent intervention indicated",
    5: "Death related to the AE",
}

_SEVERITY_OF_GRADE: dict[int, str] = {
    1: "MILD",
    2: "MODERATE",
    3: "SEVERE",
    4: "SEVERE",
    5: "SEVERE",
}


def check_code(field: str, value: str, allowed: Collection[str]) -> str:
    """Return `value` if it is one of the codelist's `allowed` values, else raise naming `field`."""
    if value not in allowed:
        raise ScoringInputError(field, value, allowed)
    return value


def severity_for_grade(grade: int) -> str:
    """AESEV for a CTCAE v5.0 grade: 1 MILD, 2 MODERATE, 3–5 SEVERE (§9.1) [DESIGN for 4–5]."""
    if isinstance(grade, bool) or grade not in _SEVERITY_OF_GRADE:
        raise ScoringInputError("grade", grade, CTCAE_GRADES)
    return _SEVERITY_OF_GRADE[grade]


def grades_for_severity(severity: str) -> tuple[int, ...]:
    """The CTCAE grades an AESEV value can correspond to (SEVERE covers grades 3, 4 and 5)."""
    check_code("severity", severity, AESEV)
    return tuple(g for g, sev in _SEVERITY_OF_GRADE.items() if sev == severity)


def is_related(
    aerel: str,
    scale: Collection[str] = AEREL_DEFAULT,
    related: Collection[str] = AEREL_RELATED_DEFAULT,
) -> bool:
    """Binary relatedness for reporting from a value of the sponsor's causality `scale` (§9.2)."""
    check_code("aerel", aerel, scale)
    return aerel in related


def grade_warnings(grade: int, *, death: bool, outcome: str | None = None) -> tuple[str, ...]:
    """Soft consistency checks between CTCAE grade, the death criterion and AEOUT (§9.1, §9.3)."""
    severity_for_grade(grade)
    if outcome is not None:
        check_code("outcome", outcome, AEOUT)
    warnings: list[str] = []
    if grade == 5 and not death:
        warnings.append("grade 5 (death) but the death seriousness criterion is not set")
    if death and grade != 5:
        warnings.append(f"death criterion set but CTCAE grade is {grade}, not 5")
    if outcome == "FATAL" and grade != 5:
        warnings.append(f"outcome FATAL but CTCAE grade is {grade}, not 5")
    if grade == 5 and outcome not in (None, "FATAL"):
        warnings.append(f"grade 5 but outcome is {outcome}, not FATAL")
    return tuple(warnings)
