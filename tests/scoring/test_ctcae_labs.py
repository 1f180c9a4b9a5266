"""CTCAE v5.0 lab-defined grades (spec §9.1, NCI CTCAE v5.0): every cut on both sides, the
range-less grade 0/1, the ×ULN grades of creatinine, and which contradictions are reported."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.ctcae_labs import LAB_TERMS, LabGrade, contradiction, grade_of, lab_term
from scoring.errors import ScoringInputError

pytestmark = pytest.mark.req("SCO-SAFETY")

TERMS = {t.term: t for t in LAB_TERMS}
LLN = {
    "Neutrophil count decreased": 1.8,
    "Platelet count decreased": 150.0,
    "Anemia": 120.0,
    "White blood cell decreased": 4.0,
    "Lymphocyte count decreased": 1.0,
}  # the study's ranges
NEUT, ANEMIA, CREAT = (TERMS["Neutrophil count decreased"], TERMS["Anemia"],
                       TERMS["Creatinine increased"])  # fmt: skip


@pytest.mark.parametrize(
    ("term", "value", "grade"),
    [
        # Neutrophils ×10⁹/L, LLN 1.8: G1 <LLN–1.5; G2 <1.5–1.0; G3 <1.0–0.5; G4 <0.5
        ("Neutrophil count decreased", 1.8, 0), ("Neutrophil count decreased", 1.79, 1),
        ("Neutrophil count decreased", 1.5, 1), ("Neutrophil count decreased", 1.49, 2),
        ("Neutrophil count decreased", 1.0, 2), ("Neutrophil count decreased", 0.99, 3),
        ("Neutrophil count decreased", 0.5, 3), ("Neutrophil count decreased", 0.49, 4),
        # Platelets: G2 <75, G3 <50, G4 <25
        ("Platelet count decreased", 75.0, 1), ("Platelet count decreased", 74.9, 2),
        ("Platelet count decreased", 49.9, 3), ("Platelet count decreased", 24.9, 4),
        # White cells: G2 <3.0, G3 <2.0, G4 <1.0
        ("White blood cell decreased", 3.0, 1), ("White blood cell decreased", 2.9, 2),
        ("White blood cell decreased", 1.9, 3), ("White blood cell decreased", 0.9, 4),
        # Lymphocytes: G2 <0.8, G3 <0.5, G4 <0.2
        ("Lymphocyte count decreased", 0.8, 1), ("Lymphocyte count decreased", 0.79, 2),
        ("Lymphocyte count decreased", 0.49, 3), ("Lymphocyte count decreased", 0.19, 4),
        # Haemoglobin g/L: G2 <100, G3 <80, no lab grade 4 (life-threatening is clinical)
        ("Anemia", 100.0, 1), ("Anemia", 99.0, 2), ("Anemia", 80.0, 2), ("Anemia", 79.0, 3),
        ("Anemia", 40.0, 3),
    ],
)  # fmt: skip
def test_decreased_terms_at_every_cut(term, value, grade):
    assert grade_of(TERMS[term], value, LLN[term], None).low == grade


def test_without_a_lower_limit_grade_0_and_1_cannot_be_told_apart():
    assert grade_of(NEUT, 1.7, None, None) == LabGrade(0, 1, "no lower limit of normal to tell "
                                                       "grade 0 from 1")  # fmt: skip
    assert grade_of(NEUT, 1.2, None, None).low == 2  # the cuts need no range


@pytest.mark.parametrize(
    ("value", "grade"),
    [(1.1, 0), (1.11, 1), (1.65, 1), (1.66, 2), (3.3, 2), (3.31, 3), (6.6, 3), (6.61, 4)],
)
def test_creatinine_in_multiples_of_the_upper_limit(value, grade):
    """ULN 1.1 mg/dL: G1 >ULN–1.5×; G2 >1.5–3.0×; G3 >3.0–6.0×; G4 >6.0×."""
    assert grade_of(CREAT, value, 0.5, 1.1).low == grade


@pytest.mark.parametrize("upper", [0.7, 0.95, 0.72, 1.1, 1.3])
def test_creatinine_cuts_are_exact_whatever_the_upper_limit(upper):
    """1.05 / 0.7 is 1.5000000000000002 in floats: exactly 1.5 × ULN is still grade 1."""
    for multiple, grade in ((1.5, 1), (3.0, 2), (6.0, 3)):
        value = float(Fraction(repr(multiple)) * Fraction(repr(upper)))
        assert grade_of(CREAT, value, None, upper).low == grade, (upper, multiple)


def test_creatinine_needs_its_upper_limit():
    with pytest.raises(ScoringInputError, match="upper"):
        grade_of(CREAT, 2.0, None, None)


def test_terms_are_recognised_whole_in_any_case_coded_first():
    assert lab_term("Neutropenia") is NEUT and lab_term(None, " ANAEMIA ") is ANEMIA
    assert lab_term("Febrile neutropenia") is None  # a different CTCAE term, not lab-defined
    assert lab_term(None, "Thrombocytopenia").term == "Platelet count decreased"
    assert lab_term("Anaemia haemolytic autoimmune", "Anaemia") is None  # the coded term rules
    assert lab_term("White blood cell count decreased").term == "White blood cell decreased"


def test_under_grading_is_always_a_contradiction():
    assert contradiction(NEUT, 1, LabGrade(3, 3, "")) == (
        "graded 1 but the lab values reach grade 3"
    )
    assert contradiction(NEUT, 3, LabGrade(3, 3, "")) is None


def test_over_grading_only_where_no_clinical_criterion_can_give_the_grade():
    assert contradiction(NEUT, 3, LabGrade(1, 1, "")) == (
        "graded 3 but the lab values reach only grade 1"
    )
    assert contradiction(ANEMIA, 3, LabGrade(1, 1, "")) is None  # "transfusion indicated"
    assert contradiction(CREAT, 2, LabGrade(1, 1, "")) is None  # "× baseline"
    assert contradiction(ANEMIA, 5, LabGrade(1, 1, "")) is None  # death
    assert contradiction(NEUT, 5, LabGrade(4, 4, "")) == (
        "graded 5 but Neutrophil count decreased has no grade 5 in CTCAE v5.0"
    )
    assert contradiction(NEUT, 1, LabGrade(0, 1, "")) is None  # range unknown


def test_a_grade_outside_1_to_5_is_refused():
    with pytest.raises(ScoringInputError, match="CTCAE grade"):
        contradiction(NEUT, 0, LabGrade(0, 0, ""))


@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_a_lower_count_never_has_a_lower_grade(a, b):
    """Values drawn over each term's own range (0 to 2 × its LLN), so every cut is crossed."""
    for name, lln in LLN.items():
        low, high = sorted((a * 2 * lln, b * 2 * lln))
        term = TERMS[name]
        assert grade_of(term, low, lln, None).low >= grade_of(term, high, lln, None).low
