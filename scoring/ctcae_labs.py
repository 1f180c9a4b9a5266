"""CTCAE v5.0 grades of the lab-defined adverse-event terms, to check a recorded grade against
the lab values of the event (spec/scoring.md §9.1; the edit check CTCAE_LAB, issue #12).

Thresholds are those of NCI CTCAE v5.0 (27 Nov 2017), "Blood and lymphatic system disorders"
(Anemia) and "Investigations" (count decreased, creatinine increased), in SI units. A US-government
work, quoted here by threshold only. A semicolon in a CTCAE grade means "or": where a grade can
also be reached by a clinical criterion (anaemia grade 3 "transfusion indicated", grade 4
"life-threatening" and grade 5 "death"; creatinine's "× baseline" grades 2 and 3), the lab values
cannot show that grade is too high, only that it is too low. The count terms and creatinine have
no grade 5 in v5.0. Grade 1 of a "decreased" term starts below the lower limit of normal, so
without the range a value above the grade-2 cut is "grade 0 or 1".
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from scoring.errors import ScoringInputError

Direction = Literal["decreased", "increased"]


@dataclass(frozen=True, slots=True)
class LabTerm:
    """A CTCAE term graded from one analyte: cuts for grades 2, 3, 4 (None: no lab cut)."""

    term: str
    spellings: tuple[str, ...]
    analyte: str  # `scoring.labs` analyte; "decreased" cuts are in its SI unit
    direction: Direction
    cuts: tuple[float | None, float | None, float | None]
    clinical_grades: frozenset[int]
    source: str


LAB_TERMS: tuple[LabTerm, ...] = (
    LabTerm("Anemia", ("anemia", "anaemia"), "haemoglobin", "decreased", (100.0, 80.0, None),
            frozenset({3, 4, 5}), "G1 <LLN–10.0 g/dL; G2 <10.0–8.0; G3 <8.0 or transfusion"),
    LabTerm("Neutrophil count decreased", ("neutrophil count decreased", "neutropenia"),
            "neutrophils", "decreased", (1.5, 1.0, 0.5), frozenset(),
            "G1 <LLN–1.5; G2 <1.5–1.0; G3 <1.0–0.5; G4 <0.5 ×10⁹/L"),
    LabTerm("Platelet count decreased", ("platelet count decreased", "thrombocytopenia"),
            "platelets", "decreased", (75.0, 50.0, 25.0), frozenset(),
            "G1 <LLN–75; G2 <75–50; G3 <50–25; G4 <25 ×10⁹/L"),
    LabTerm("White blood cell decreased", ("white blood cell decreased",
                                           "white blood cell count decreased", "leukopenia",
                                           "leucopenia"),
            "wbc", "decreased", (3.0, 2.0, 1.0), frozenset(),
            "G1 <LLN–3.0; G2 <3.0–2.0; G3 <2.0–1.0; G4 <1.0 ×10⁹/L"),
    LabTerm("Lymphocyte count decreased", ("lymphocyte count decreased", "lymphopenia",
                                           "lymphocytopenia"),
            "lymphocytes", "decreased", (0.8, 0.5, 0.2), frozenset(),
            "G1 <LLN–0.8; G2 <0.8–0.5; G3 <0.5–0.2; G4 <0.2 ×10⁹/L"),
    LabTerm("Creatinine increased", ("creatinine increased", "blood creatinine increased"),
            "creatinine", "increased", (1.5, 3.0, 6.0), frozenset({2, 3}),
            "G1 >ULN–1.5×ULN; G2 >1.5–3.0×ULN or baseline; G3 >3.0–6.0×ULN or baseline; "
            "G4 >6.0×ULN"),
)  # fmt: skip


def lab_term(coded: str | None, verbatim: str | None = None) -> LabTerm | None:
    """The lab-defined CTCAE term an AE names (whole term, any case): its coded term when it has
    one (a coded "Anaemia haemolytic autoimmune" is not Anemia), else its verbatim term."""
    name = coded if coded and coded.strip() else verbatim
    key = " ".join((name or "").casefold().split())
    return next((term for term in LAB_TERMS if key in term.spellings), None)


@dataclass(frozen=True, slots=True)
class LabGrade:
    """The grades one value supports: `low`..`high` (equal unless the range is unknown)."""

    low: int
    high: int
    why: str


def grade_of(term: LabTerm, value: float, lower: float | None, upper: float | None) -> LabGrade:
    """The CTCAE grade(s) of one value, with the normal range in the value's own scale.

    "decreased": `value`, `lower` in the analyte's SI unit; "increased": `value` and `upper`
    in the same unit (the grade is a multiple of the upper limit of normal)."""
    if term.direction == "increased":
        if upper is None or upper <= 0:
            raise ScoringInputError("upper", upper, "the upper limit of normal (> 0)")
        # exact: 1.05 / 0.7 is 1.5000000000000002 in floats, which is not "> 1.5 × ULN"
        exact, limit = Fraction(repr(value)), Fraction(repr(upper))
        cuts = [Fraction(repr(cut)) * limit for cut in term.cuts if cut is not None]
        above = sum(1 for cut in cuts if exact > cut)
        grade = 0 if exact <= limit else 1 + above
        return LabGrade(grade, grade, f"{value / upper:.2f} × ULN")
    for grade, cut in ((4, term.cuts[2]), (3, term.cuts[1]), (2, term.cuts[0])):
        if cut is not None and value < cut:
            return LabGrade(grade, grade, f"below {cut:g}")
    if lower is None:
        return LabGrade(0, 1, "no lower limit of normal to tell grade 0 from 1")
    return (LabGrade(1, 1, f"below the LLN {lower:g}") if value < lower
            else LabGrade(0, 0, f"not below the LLN {lower:g}"))  # fmt: skip


def contradiction(term: LabTerm, recorded: int, worst: LabGrade) -> str | None:
    """Why the recorded grade disagrees with the worst lab grade of the event (None if not)."""
    if recorded not in range(1, 6):
        raise ScoringInputError("recorded", recorded, "a CTCAE grade 1–5")
    if recorded == 5 and 5 not in term.clinical_grades:
        return f"graded 5 but {term.term} has no grade 5 in CTCAE v5.0"
    if recorded < worst.low:
        return f"graded {recorded} but the lab values reach grade {worst.low}"
    if recorded > worst.high and recorded not in term.clinical_grades:
        return f"graded {recorded} but the lab values reach only grade {worst.high}"
    return None
