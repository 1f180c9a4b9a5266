"""Lab-driven SLEDAI descriptor suggestions (spec/scoring.md §1.1 [DESIGN], §7.2)."""

from __future__ import annotations

import math

import pytest

from scoring import sledai
from scoring.errors import ScoringInputError
from scoring.sledai import LabValue

pytestmark = pytest.mark.req("SCO-SLEDAI")


def suggested(labs: dict[str, LabValue]) -> dict[str, tuple[str, ...]]:
    """Descriptor → test codes that triggered it."""
    return {
        s.descriptor: tuple(e.test_code for e in s.evidence) for s in sledai.suggest_from_labs(labs)
    }


class TestComplementAndDna:
    def test_c3_below_reference_low(self) -> None:
        labs = {"C3": LabValue(0.89, "g/L", 0.9, 1.8)}
        (suggestion,) = sledai.suggest_from_labs(labs)
        assert suggestion.descriptor == "low_complement"
        assert suggestion.evidence[0].rule == "C3 0.89 g/L below reference low 0.9 g/L"
        assert suggestion.evidence[0].lab is labs["C3"]
        assert "attributable to SLE activity" in suggestion.reasons[-1]

    def test_c3_at_reference_low_is_not_low(self) -> None:
        assert suggested({"C3": LabValue(0.9, "g/L", 0.9, 1.8)}) == {}

    def test_c3_and_c4_low_give_one_suggestion_with_both(self) -> None:
        labs = {"C3": LabValue(0.5, None, 0.9, None), "C4": LabValue(0.05, None, 0.1, None)}
        assert suggested(labs) == {"low_complement": ("C3", "C4")}
        (suggestion,) = sledai.suggest_from_labs(labs)
        assert suggestion.evidence[0].rule == "C3 0.5 below reference low 0.9"

    def test_ch50_counts(self) -> None:
        assert suggested({"CH50": LabValue(20, "U/mL", 30, 75)}) == {"low_complement": ("CH50",)}

    def test_no_reference_range_no_suggestion(self) -> None:
        assert suggested({"C3": LabValue(0.1, "g/L"), "DSDNA": LabValue(500, "IU/mL")}) == {}

    def test_dsdna_above_reference_high_only(self) -> None:
        assert suggested({"DSDNA": LabValue(30, "IU/mL", None, 30)}) == {}
        labs = {"DSDNA": LabValue(31, "IU/mL", None, 30)}
        assert suggested(labs) == {"increased_dna_binding": ("DSDNA",)}


class TestCounts:
    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (99, "10^9/L", True),
            (100, "10^9/L", False),
            (99.9, "×10⁹/L", True),
            (99000, "/mm3", True),
            (100000, "/µL", False),
            (99, "10*9/L", True),
            (99, "K/uL", True),
            (99, None, True),
        ],
    )
    def test_platelets_below_100(self, value: float, unit: str | None, expected: bool) -> None:
        result = suggested({"PLAT": LabValue(value, unit)})
        assert result == ({"thrombocytopenia": ("PLAT",)} if expected else {})

    def test_platelet_rule_text_shows_entered_and_converted(self) -> None:
        (suggestion,) = sledai.suggest_from_labs({"PLAT": LabValue(99000, "/mm3")})
        assert suggestion.evidence[0].rule == "PLAT 99000 /mm3 (99 10^9/L) < 100 10^9/L"
        assert suggestion.confirm == "exclude drug causes"

    @pytest.mark.parametrize(("value", "expected"), [(2.9, True), (3.0, False), (3, False)])
    def test_white_cells_below_3(self, value: float, expected: bool) -> None:
        result = suggested({"WBC": LabValue(value, "10^9/L")})
        assert result == ({"leukopenia": ("WBC",)} if expected else {})


class TestUrine:
    @pytest.mark.parametrize(("value", "expected"), [(5, False), (6, True), (5.5, True)])
    def test_rbc_and_wbc_per_hpf_above_5(self, value: float, expected: bool) -> None:
        labs = {"URBC": LabValue(value, "/HPF"), "UWBC": LabValue(value, "cells/hpf")}
        result = suggested(labs)
        assert result == ({"hematuria": ("URBC",), "pyuria": ("UWBC",)} if expected else {})

    def test_hematuria_confirm_clause(self) -> None:
        (suggestion,) = sledai.suggest_from_labs({"URBC": LabValue(10)})
        assert suggestion.confirm == "exclude stone, infection and other causes"

    @pytest.mark.parametrize(
        ("lab", "expected"),
        [
            (LabValue(1, "/LPF"), True),
            (LabValue(0, "/LPF"), False),
            (LabValue(None, text="Positive"), True),
            (LabValue(None, text=" present "), True),
            (LabValue(None, text="negative"), False),
            (LabValue(None), False),
        ],
    )
    def test_casts(self, lab: LabValue, expected: bool) -> None:
        result = suggested({"UCAST": lab})
        assert result == ({"urinary_casts": ("UCAST",)} if expected else {})

    def test_casts_confirm_type(self) -> None:
        (suggestion,) = sledai.suggest_from_labs({"UCAST": LabValue(None, text="positive")})
        assert suggestion.evidence[0].rule == "UCAST positive: casts reported"
        assert "heme-granular or red-cell" in suggestion.confirm

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (0.5, "g/g", False),
            (0.51, "g/g", True),
            (500, "mg/g", False),
            (501, "mg/g", True),
            (0.51, "mg/mg", True),
            (56.56, "mg/mmol", False),  # 56.56 / 113.12 = 0.5 exactly
            (56.6, "mg/mmol", True),  # 0.5004 g/g
            (50, "mg/mmol", False),  # 0.442 g/g: the rounded guideline pair is not the threshold
            (0.0566, "g/mmol", True),
        ],
    )
    def test_upcr_above_half_g_per_g(self, value: float, unit: str, expected: bool) -> None:
        result = suggested({"UPCR": LabValue(value, unit)})
        assert result == ({"proteinuria": ("UPCR",)} if expected else {})

    def test_upcr_rule_shows_conversion(self) -> None:
        (suggestion,) = sledai.suggest_from_labs({"UPCR": LabValue(56.6, "mg/mmol")})
        assert suggestion.evidence[0].rule == "UPCR 56.6 mg/mmol (≈0.5004 g/g) > 0.5 g/g"

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [(0.5, "g/24h", False), (0.6, "g/24 h", True), (500, "mg/24h", False), (510, "mg/d", True)],
    )
    def test_24h_protein_above_half_gram(self, value: float, unit: str, expected: bool) -> None:
        result = suggested({"PROT24": LabValue(value, unit)})
        assert result == ({"proteinuria": ("PROT24",)} if expected else {})

    def test_upcr_and_24h_together_one_suggestion(self) -> None:
        labs = {"UPCR": LabValue(1.2, "g/g"), "PROT24": LabValue(1.5, "g/24h")}
        assert suggested(labs) == {"proteinuria": ("UPCR", "PROT24")}


class TestGeneral:
    def test_suggestions_come_in_form_order_and_ignore_other_tests(self) -> None:
        labs = {
            "WBC": LabValue(2.0, "10^9/L"),
            "CREAT": LabValue(300, "umol/L"),
            "C3": LabValue(0.4, "g/L", 0.9, 1.8),
            "URBC": LabValue(20, "/hpf"),
        }
        assert list(suggested(labs)) == ["hematuria", "low_complement", "leukopenia"]

    def test_missing_value_no_suggestion(self) -> None:
        assert suggested({"PLAT": LabValue(None, "10^9/L"), "C3": LabValue(None, None, 0.9)}) == {}

    def test_empty_labs(self) -> None:
        assert sledai.suggest_from_labs({}) == ()

    def test_unknown_unit_names_lab_and_allowed_units(self) -> None:
        with pytest.raises(ScoringInputError) as caught:
            sledai.suggest_from_labs({"PLAT": LabValue(99, "g/L")})
        assert caught.value.field == "labs['PLAT'].unit"
        assert "10^9/l" in caught.value.allowed

    @pytest.mark.parametrize(
        ("lab", "field"),
        [
            (LabValue(-1, "10^9/L"), "labs['PLAT'].value"),
            (LabValue(math.nan, "10^9/L"), "labs['PLAT'].value"),
            (LabValue(math.inf, "10^9/L"), "labs['PLAT'].value"),
            (LabValue(1, "10^9/L", low=-2), "labs['PLAT'].low"),
            (LabValue("99", "10^9/L"), "labs['PLAT'].value"),  # type: ignore[arg-type]
            (LabValue(True, "10^9/L"), "labs['PLAT'].value"),
        ],
    )
    def test_bad_values_raise(self, lab: LabValue, field: str) -> None:
        with pytest.raises(ScoringInputError) as caught:
            sledai.suggest_from_labs({"PLAT": lab})
        assert caught.value.field == field

    def test_non_labvalue_raises(self) -> None:
        with pytest.raises(ScoringInputError, match=r"labs\['C3'\]"):
            sledai.suggest_from_labs({"C3": 0.5})  # type: ignore[dict-item]
