"""SLEDAI-2K: catalogue, totals, clinical SLEDAI, bands and change (spec/scoring.md §1)."""

from __future__ import annotations

import pytest

from scoring import sledai
from scoring.errors import ScoringInputError

pytestmark = pytest.mark.req("SCO-SLEDAI")

ALL_KEYS = [
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cva",
    "vasculitis",
    "arthritis",
    "myositis",
    "urinary_casts",
    "hematuria",
    "proteinuria",
    "pyuria",
    "rash",
    "alopecia",
    "mucosal_ulcers",
    "pleurisy",
    "pericarditis",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
]


class TestCatalogue:
    def test_24_descriptors_in_spec_order_with_codes_and_numbers(self) -> None:
        items = sledai.INSTRUMENT.items
        assert sledai.INSTRUMENT.code == "SLEDAI2K"
        assert [it.code for it in items] == ALL_KEYS
        assert [it.number for it in items] == list(range(1, 25))

    def test_weights_per_spec_table(self) -> None:
        weights = [it.weight for it in sledai.INSTRUMENT.items]
        assert weights == [8] * 8 + [4] * 6 + [2] * 7 + [1] * 3
        assert sledai.MAXIMUM == 105
        assert sledai.CLINICAL_MAXIMUM == 101

    def test_items_are_yes_no_scoring_their_weight(self) -> None:
        cva = sledai.INSTRUMENT.item("cva")
        assert cva.value_type == "yes_no"
        assert [(o.code, o.score) for o in cva.options] == [("Y", 8), ("N", 0)]
        assert cva.group == "neurological"

    def test_every_item_has_a_definition_and_a_known_group(self) -> None:
        for item in sledai.INSTRUMENT.items:
            assert item.definition
            assert item.group in sledai.INSTRUMENT.groups

    def test_definitions_keep_exact_thresholds(self) -> None:
        assert sledai.INSTRUMENT.item("hematuria").definition.startswith(">5 RBC/high-power field")
        assert sledai.INSTRUMENT.item("proteinuria").definition == ">0.5 g/24 h"
        assert "<100 × 10⁹/L" in sledai.INSTRUMENT.item("thrombocytopenia").definition
        assert ">38 °C" in sledai.INSTRUMENT.item("fever").definition

    def test_arthritis_wording_differs_by_variant(self) -> None:
        assert sledai.definition("arthritis").startswith("≥2 joints")
        assert sledai.definition("arthritis", "SELENA-SLEDAI").startswith("More than 2 joints")
        assert sledai.definition("rash", "SELENA-SLEDAI") == sledai.definition("rash")

    def test_definition_of_unknown_descriptor_raises(self) -> None:
        with pytest.raises(ScoringInputError, match="descriptor"):
            sledai.definition("headache")


class TestScore:
    def test_nothing_present_is_zero_and_none(self) -> None:
        result = sledai.score([])
        assert (result.total, result.clinical, result.band) == (0, 0, "none")
        assert "no descriptor present" in result.reasons

    def test_total_is_sum_of_weights(self) -> None:
        # seizure 8 + arthritis 4 + rash 2 + fever 1 = 15
        result = sledai.score(["fever", "seizure", "rash", "arthritis"])
        assert result.total == 15
        assert result.clinical == 15
        assert result.descriptors == ("seizure", "arthritis", "rash", "fever")
        assert "Seizure +8" in result.reasons

    def test_clinical_excludes_serology(self) -> None:
        # arthritis 4 + low complement 2 + anti-dsDNA 2 = 8; clinical = 4
        result = sledai.score(["arthritis", "low_complement", "increased_dna_binding"])
        assert (result.total, result.clinical) == (8, 4)

    def test_serology_only_is_clinical_zero(self) -> None:
        result = sledai.score(["low_complement", "increased_dna_binding"])
        assert (result.total, result.clinical, result.band) == (4, 0, "mild")

    def test_everything_present_is_105(self) -> None:
        result = sledai.score(ALL_KEYS)
        assert (result.total, result.clinical, result.band) == (105, 101, "very high")

    def test_duplicates_count_once(self) -> None:
        assert sledai.score(["rash", "rash"]).total == 2

    @pytest.mark.parametrize(
        ("present", "band"),
        [
            (["fever"], "mild"),  # 1
            (["arthritis", "fever"], "mild"),  # 5
            (["arthritis", "rash"], "moderate"),  # 6
            (["seizure", "rash"], "moderate"),  # 10
            (["seizure", "rash", "fever"], "high"),  # 11
            (["seizure", "arthritis", "myositis", "rash", "fever"], "high"),  # 19
            (["seizure", "arthritis", "myositis", "rash", "alopecia"], "very high"),  # 20
        ],
    )
    def test_protocol_band_boundaries(self, present: list[str], band: str) -> None:
        assert sledai.score(present).band == band

    def test_other_band_schemes_are_labels(self) -> None:
        present = ["arthritis", "fever"]  # 5
        assert sledai.score(present, bands=sledai.FOUR_BANDS).band == "moderate"
        assert sledai.score(present, bands=sledai.BSR_BANDS).band == "mild"
        assert sledai.score(present, bands=sledai.BSR_BANDS).band_scheme == "BSR"

    def test_records_variant_and_window(self) -> None:
        result = sledai.score(["rash"], variant="SELENA-SLEDAI", window_days=30)
        assert (result.variant, result.window_days) == ("SELENA-SLEDAI", 30)
        assert sledai.score(["rash"]).variant == "SLEDAI-2K"
        assert sledai.score(["rash"]).window_days is None

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"present": ["headache"]}, "present"),
            ({"present": "seizure"}, "present"),
            ({"present": [], "variant": "SLEDAI"}, "variant"),
            ({"present": [], "window_days": 28}, "window_days"),
        ],
    )
    def test_bad_input_names_the_field(self, kwargs: dict[str, object], field: str) -> None:
        with pytest.raises(ScoringInputError) as caught:
            sledai.score(**kwargs)  # type: ignore[arg-type]
        assert caught.value.field == field
        assert str(caught.value).startswith(f"{field}:")

    def test_unknown_descriptor_message_lists_allowed(self) -> None:
        with pytest.raises(ScoringInputError, match="organic_brain_syndrome"):
            sledai.score(["brain"])


class TestBandScheme:
    def test_custom_scheme(self) -> None:
        scheme = sledai.BandScheme(
            "active/inactive", (sledai.Band(0, 3, "inactive"), sledai.Band(4, None, "active"))
        )
        assert sledai.score(["arthritis"], bands=scheme).band == "active"
        assert sledai.score(["pleurisy"], bands=scheme).band == "inactive"

    @pytest.mark.parametrize(
        "bands",
        [
            (sledai.Band(1, None, "x"),),  # does not start at 0
            (sledai.Band(0, 3, "a"), sledai.Band(5, None, "b")),  # gap
            (sledai.Band(0, 50, "a"),),  # does not reach 105
            (sledai.Band(0, -1, "a"), sledai.Band(0, None, "b")),  # upper < lower
        ],
    )
    def test_invalid_schemes_raise(self, bands: tuple[sledai.Band, ...]) -> None:
        with pytest.raises(ScoringInputError, match="bands"):
            sledai.BandScheme("bad", bands)

    def test_label_for_out_of_range(self) -> None:
        with pytest.raises(ScoringInputError, match="total"):
            sledai.PROTOCOL_BANDS.label_for(106)

    def test_closed_scheme_up_to_105_is_valid(self) -> None:
        scheme = sledai.BandScheme("closed", (sledai.Band(0, 105, "any"),))
        assert scheme.label_for(105) == "any"


class TestChange:
    @pytest.mark.parametrize(
        ("baseline", "visit", "delta", "category"),
        [
            (10, 6, -4, "improvement"),
            (10, 7, -3, "persistent activity"),
            (10, 13, 3, "persistent activity"),
            (10, 14, 4, "flare"),
            (0, 0, 0, "persistent activity"),
        ],
    )
    def test_change_bands(self, baseline: int, visit: int, delta: int, category: str) -> None:
        result = sledai.change(baseline, visit)
        assert (result.change, result.category) == (delta, category)
        assert "lower is better" in result.reasons[0]

    @pytest.mark.parametrize("bad", [-1, 106, 4.0, True, None, "4"])
    def test_bad_totals_raise(self, bad: object) -> None:
        with pytest.raises(ScoringInputError, match="baseline"):
            sledai.change(bad, 4)  # type: ignore[arg-type]
        with pytest.raises(ScoringInputError, match=r"^visit"):
            sledai.change(4, bad)  # type: ignore[arg-type]
