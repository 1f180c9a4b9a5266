"""SELENA-SLEDAI Flare Index categories and BILAG flare (spec/scoring.md §4.4, §2.6)."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import flares
from scoring.errors import ScoringInputError
from tests.scoring.bilag_cases import grades

pytestmark = pytest.mark.req("SCO-FLARE")


def sfi(**changes: Any) -> flares.SfiResult:
    """SFI with a stable visit (SLEDAI 4 → 4, PGA 1 → 1, prednisone 5 → 5 mg, 60 kg) changed."""
    inputs: dict[str, Any] = {
        "previous_sledai": 4,
        "current_sledai": 4,
        "previous_pga": "1.00",
        "current_pga": "1.00",
        "previous_prednisone_mg": 5,
        "current_prednisone_mg": 5,
        "weight_kg": 60,
    }
    inputs.update(changes)
    return flares.selena_flare_index(**inputs)


class TestSfiSledai:
    def test_stable_is_no_flare(self) -> None:
        result = sfi()
        assert result.category == "none"
        assert result.reasons[0] == "SFI: no flare"
        assert result.not_evaluated == ()

    @pytest.mark.parametrize(
        ("previous", "current", "category"),
        [
            (4, 6, "none"),  # +2
            (4, 7, "mild_moderate"),  # +3
            (9, 12, "mild_moderate"),  # +3 to 12
            (10, 13, "severe"),  # +3 to 13 (> 12)
            (12, 13, "severe"),  # rising to > 12
            (14, 13, "none"),  # falling, though > 12
            (13, 13, "none"),
        ],
    )
    def test_sledai_criteria(self, previous: int, current: int, category: str) -> None:
        result = sfi(previous_sledai=previous, current_sledai=current)
        assert result.category == category


class TestSfiPga:
    @pytest.mark.parametrize(
        ("previous", "current", "category"),
        [
            ("1.00", "1.99", "none"),
            ("1.00", "2.00", "mild_moderate"),
            (1.0, 2.0, "mild_moderate"),
            ("1.50", "2.50", "mild_moderate"),  # to 2.5, not > 2.5
            ("1.00", "2.51", "severe"),
            ("2.60", "2.70", "severe"),  # rising to > 2.5
            ("2.80", "2.70", "none"),
        ],
    )
    def test_pga_criteria(self, previous: str, current: str, category: str) -> None:
        assert sfi(previous_pga=previous, current_pga=current).category == category


class TestSfiPrednisone:
    @pytest.mark.parametrize(
        ("current", "category"),
        [
            (5, "none"),
            (4, "none"),
            (10, "mild_moderate"),
            (30, "mild_moderate"),  # 0.5 mg/kg × 60 kg = 30, not > 30
            (30.5, "severe"),
        ],
    )
    def test_half_mg_per_kg(self, current: float, category: str) -> None:
        assert sfi(current_prednisone_mg=current).category == category

    def test_weight_missing_gives_a_lower_bound(self) -> None:
        result = sfi(current_prednisone_mg=40, weight_kg=None)
        assert result.category == "mild_moderate"
        assert result.not_evaluated == ("prednisone_above_half_mg_kg",)
        assert "category is a lower bound" in result.reasons[-1]

    def test_weight_missing_irrelevant_without_increase(self) -> None:
        assert sfi(weight_kg=None).category == "none"

    def test_zero_weight_raises(self) -> None:
        with pytest.raises(ScoringInputError, match=r"^weight_kg"):
            sfi(current_prednisone_mg=10, weight_kg=0)


class TestSfiEvents:
    @pytest.mark.parametrize("feature", sorted(flares.MILD_FEATURES))
    def test_mild_features(self, feature: str) -> None:
        result = sfi(new_or_worse=[feature])
        assert result.category == "mild_moderate"
        assert result.mild_moderate == (f"new_or_worse:{feature}",)

    @pytest.mark.parametrize("feature", sorted(flares.SEVERE_FEATURES))
    def test_severe_features(self, feature: str) -> None:
        assert sfi(new_or_worse=[feature]).category == "severe"

    def test_nsaid_or_hcq_added(self) -> None:
        assert sfi(nsaid_or_hcq_added=True).category == "mild_moderate"

    def test_hospitalisation(self) -> None:
        assert sfi(hospitalised_for_sle=True).severe == ("hospitalised_for_sle",)

    @pytest.mark.parametrize("drug", flares.SEVERE_DRUGS)
    def test_new_drugs(self, drug: str) -> None:
        assert sfi(new_drugs=[drug]).category == "severe"

    def test_mycophenolate_can_be_left_out(self) -> None:
        classic = ("cyclophosphamide", "azathioprine", "methotrexate")
        result = sfi(new_drugs=["mycophenolate"], severe_drugs=classic)
        assert result.category == "none"

    def test_severe_wins_over_mild(self) -> None:
        result = sfi(new_or_worse=["arthritis", "nephritis"], current_sledai=7)
        assert result.category == "severe"
        assert result.mild_moderate == ("sledai_rise", "new_or_worse:arthritis")
        assert result.severe == ("new_or_worse:nephritis",)


class TestSfiMissingAndErrors:
    def test_nothing_met_and_something_missing_is_not_evaluable(self) -> None:
        result = sfi(previous_sledai=None)
        assert result.category is None
        assert result.not_evaluated == ("sledai_rise", "sledai_above_12")
        assert result.reasons[0] == "SFI: not evaluable"

    def test_missing_pga_and_dose(self) -> None:
        result = sfi(current_pga=None, previous_prednisone_mg=None)
        assert result.category is None
        assert result.not_evaluated == (
            "pga_rise",
            "pga_above_2_5",
            "prednisone_rise",
            "prednisone_above_half_mg_kg",
        )

    def test_severe_met_is_final_despite_missing(self) -> None:
        result = sfi(previous_sledai=None, hospitalised_for_sle=True)
        assert result.category == "severe"
        assert "category is a lower bound" not in result.reasons[-1]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"new_or_worse": ["rash"]}, "new_or_worse"),
            ({"new_or_worse": "arthritis"}, "new_or_worse"),
            ({"new_drugs": ["rituximab"]}, "new_drugs"),
            ({"severe_drugs": ["rituximab"]}, "severe_drugs"),
            ({"nsaid_or_hcq_added": None}, "nsaid_or_hcq_added"),
            ({"hospitalised_for_sle": "yes"}, "hospitalised_for_sle"),
            ({"current_sledai": 106}, "current_sledai"),
            ({"previous_pga": "3.5"}, "previous_pga"),
            ({"current_prednisone_mg": -5}, "current_prednisone_mg"),
            ({"current_prednisone_mg": 10, "weight_kg": "heavy"}, "weight_kg"),
        ],
    )
    def test_bad_input_names_field(self, changes: dict[str, Any], field: str) -> None:
        with pytest.raises(ScoringInputError) as caught:
            sfi(**changes)
        assert caught.value.field == field


class TestBilagFlare:
    def test_no_flare(self) -> None:
        result = flares.bilag_flare(grades(renal="B"), grades(renal="B"))
        assert (result.flare, result.severity) == (False, "none")
        assert result.reasons[0] == "no BILAG flare"

    @pytest.mark.parametrize("before", ["C", "D", "E"])
    def test_new_b_after_c_d_e_is_moderate(self, before: str) -> None:
        result = flares.bilag_flare(grades(renal=before), grades(renal="B"))
        assert (result.flare, result.severity, result.new_b) == (True, "moderate", ("renal",))

    def test_a_to_b_is_not_a_flare(self) -> None:
        assert flares.bilag_flare(grades(renal="A"), grades(renal="B")).flare is False

    def test_new_a_is_severe(self) -> None:
        result = flares.bilag_flare(
            grades(renal="B", ophthalmic="D"), grades(renal="A", ophthalmic="B")
        )
        assert (result.severity, result.new_a, result.new_b) == (
            "severe",
            ("renal",),
            ("ophthalmic",),
        )
        assert result.reasons[0] == "severe BILAG flare"
