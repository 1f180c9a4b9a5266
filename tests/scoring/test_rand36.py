"""RAND-36 0–100 scales (spec/scoring.md §8.4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.rand36 import INSTRUMENT, RECODE, SCALES, recode, scales, score

pytestmark = pytest.mark.req("SCO-PRO")

# Spec §8.4 step 1, row by row: items → scores of responses 1, 2, …
SPEC_RECODE = [
    ((1, 2, 20, 22, 34, 36), (100, 75, 50, 25, 0)),
    ((3, 4, 5, 6, 7, 8, 9, 10, 11, 12), (0, 50, 100)),
    ((13, 14, 15, 16, 17, 18, 19), (0, 100)),
    ((21, 23, 26, 27, 30), (100, 80, 60, 40, 20, 0)),
    ((24, 25, 28, 29, 31), (0, 20, 40, 60, 80, 100)),
    ((32, 33, 35), (0, 25, 50, 75, 100)),
]
SPEC_RECODE_CASES = [
    (item, response, value)
    for items, values in SPEC_RECODE
    for item in items
    for response, value in enumerate(values, start=1)
]
# Spec §8.4 step 2.
SPEC_SCALES = {
    "physical_functioning": (3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    "role_physical": (13, 14, 15, 16),
    "role_emotional": (17, 18, 19),
    "energy_fatigue": (23, 27, 29, 31),
    "emotional_wellbeing": (24, 25, 26, 28, 30),
    "social_functioning": (20, 32),
    "pain": (21, 22),
    "general_health": (1, 33, 34, 35, 36),
}


def best_response(item: int) -> int:
    values = RECODE[item]
    return values.index(max(values)) + 1


def worst_response(item: int) -> int:
    values = RECODE[item]
    return values.index(min(values)) + 1


@pytest.mark.parametrize(("item", "response", "value"), SPEC_RECODE_CASES)
def test_every_recode_cell(item: int, response: int, value: int) -> None:
    assert recode(item, response) == value


def test_recode_covers_items_1_to_36_and_scales_match_spec() -> None:
    assert sorted(RECODE) == list(range(1, 37))
    assert dict(SCALES) == SPEC_SCALES
    in_scales = sorted(i for items in SPEC_SCALES.values() for i in items)
    assert in_scales == sorted(set(range(1, 37)) - {2})


def test_all_best_and_all_worst() -> None:
    assert scales({i: best_response(i) for i in range(1, 37)}) == dict.fromkeys(SPEC_SCALES, 100.0)
    assert scales({i: worst_response(i) for i in range(1, 37)}) == dict.fromkeys(SPEC_SCALES, 0.0)


def test_hand_worked_form_with_blanks() -> None:
    responses: dict[int, int | None] = {
        1: 2,  # GH 75
        3: 1, 4: 2, 5: 3, 6: 3, 7: None, 8: 2, 9: 2, 10: 3, 11: 3,  # PF, 12 absent
        13: 1, 14: 2,  # RP 0, 100
        17: 2, 18: 2, 19: 1,  # RE 100, 100, 0
        20: 3, 32: 4,  # SF 50, 75
        21: 3, 22: 2,  # pain 60, 75
        23: 2, 27: 5, 29: 5, 31: None,  # EF 80, 20, 80
        24: 6, 25: 5, 26: 1, 28: 4, 30: 2,  # EWB 100, 80, 100, 60, 80
        33: 1, 34: 5, 35: 3, 36: None,  # GH 0, 0, 50
        2: 3,  # health change, no scale
    }  # fmt: skip
    result = scales(responses)
    assert result["physical_functioning"] == 68.75  # (0+50+100+100+50+50+100+100)/8
    assert result["role_physical"] == 50
    assert result["role_emotional"] == pytest.approx(200 / 3)
    assert result["social_functioning"] == 62.5
    assert result["pain"] == 67.5
    assert result["energy_fatigue"] == 60
    assert result["emotional_wellbeing"] == 84
    assert result["general_health"] == 31.25
    full = score(responses)
    assert full.health_change == 50
    assert full.scale("physical_functioning").answered == 8
    assert full.scale("role_physical").items == 4
    assert "8/10" in full.scale("physical_functioning").reasons[0]


def test_scale_with_no_answer_is_left_out() -> None:
    result = scales({21: 1, 22: 1, 13: None})
    assert dict(result) == {"pain": 100.0}
    full = score({21: 1, 22: 1})
    assert full.scale("general_health").score is None
    assert full.scale("general_health").reasons[0].startswith("not scored")
    assert full.health_change is None
    assert full.reasons == ("1/8 scales scored; 2/36 items answered",)
    with pytest.raises(ScoringInputError, match="scale"):
        full.scale("vitality")


@pytest.mark.parametrize(
    ("responses", "field"),
    [
        ({37: 1}, "item"),
        ({0: 1}, "item"),
        ({37: None}, "item"),
        ({3: 4}, "item 3"),
        ({13: 3}, "item 13"),
        ({21: 7}, "item 21"),
        ({1: 0}, "item 1"),
        ({1: True}, "item 1"),
        ({1: 2.0}, "item 1"),
        ({2: 6}, "item 2"),
    ],
)
def test_bad_responses_name_the_item(responses: dict[int, int | None], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        scales(responses)
    assert info.value.field == field


def test_instrument_catalogue() -> None:
    assert INSTRUMENT.code == "RAND36"
    assert len(INSTRUMENT.items) == 36
    assert [item.number for item in INSTRUMENT.items] == list(range(1, 37))
    assert INSTRUMENT.item("RAND02").group == "health_change"
    assert INSTRUMENT.groups == (*SPEC_SCALES, "health_change")
    for item in INSTRUMENT.items:
        assert item.number is not None
        assert tuple(o.score for o in item.options) == RECODE[item.number]
        assert [o.code for o in item.options] == [str(n) for n in range(1, len(item.options) + 1)]
        assert item.number in SPEC_SCALES.get(item.group, (2,))
    assert INSTRUMENT.item("RAND03").label == "Physical functioning item 3"


@st.composite
def forms(draw: st.DrawFn) -> dict[int, int]:
    """A RAND-36 form with a random subset of items answered with valid responses."""
    items = draw(st.lists(st.integers(1, 36), unique=True))
    return {i: draw(st.integers(1, len(RECODE[i]))) for i in items}


@given(forms())
def test_scale_is_mean_of_answered_recoded_items(responses: dict[int, int]) -> None:
    result = scales(responses)
    for name, items in SPEC_SCALES.items():
        answered = [recode(i, responses[i]) for i in items if i in responses]
        if answered:
            assert result[name] == pytest.approx(sum(answered) / len(answered))
            assert 0 <= result[name] <= 100
        else:
            assert name not in result
    blanks = {i: None for i in range(1, 37) if i not in responses}
    with_blanks: dict[int, int | None] = {**responses, **blanks}
    assert scales(with_blanks) == result
