"""RAND 36-Item Health Survey 1.0: eight 0–100 scales (spec/scoring.md §8.4).

Step 1 recodes each item to 0–100 (higher = better); step 2 averages the answered items of each
scale (blanks ignored). SF-36v2 norm-based scores and PCS/MCS are licensed and not computed.
Item wording is not shipped: labels are neutral ("Physical functioning item 3"); option codes are
the response numbers of the form and each option's score is its recoded 0–100 value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scoring.errors import ScoringInputError
from scoring.items import Instrument, InstrumentItem, ResponseOption

_RECODE_GROUPS: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = (
    ((1, 2, 20, 22, 34, 36), (100, 75, 50, 25, 0)),
    (tuple(range(3, 13)), (0, 50, 100)),
    (tuple(range(13, 20)), (0, 100)),
    ((21, 23, 26, 27, 30), (100, 80, 60, 40, 20, 0)),
    ((24, 25, 28, 29, 31), (0, 20, 40, 60, 80, 100)),
    ((32, 33, 35), (0, 25, 50, 75, 100)),
)

# item number -> recoded score of response 1, 2, …
RECODE: Mapping[int, tuple[int, ...]] = MappingProxyType(
    {item: scores for items, scores in _RECODE_GROUPS for item in items}
)

SCALES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "physical_functioning": tuple(range(3, 13)),
        "role_physical": (13, 14, 15, 16),
        "role_emotional": (17, 18, 19),
        "energy_fatigue": (23, 27, 29, 31),
        "emotional_wellbeing": (24, 25, 26, 28, 30),
        "social_functioning": (20, 32),
        "pain": (21, 22),
        "general_health": (1, 33, 34, 35, 36),
    }
)
HEALTH_CHANGE_ITEM = 2

_SCALE_LABELS = {
    "physical_functioning": "Physical functioning",
    "role_physical": "Role limitations – physical health",
    "role_emotional": "Role limitations – emotional problems",
    "energy_fatigue": "Energy/fatigue",
    "emotional_wellbeing": "Emotional well-being",
    "social_functioning": "Social functioning",
    "pain": "Pain",
    "general_health": "General health",
    "health_change": "Health change",
}


def item_code(number: int) -> str:
    """Storage code of RAND-36 item `number` (RAND01…RAND36)."""
    return f"RAND{number:02d}"


def _group(number: int) -> str:
    """The scale an item belongs to; item 2 is "health_change" (in no scale)."""
    for scale, items in SCALES.items():
        if number in items:
            return scale
    return "health_change"


def _build() -> Instrument:
    """The RAND-36 item catalogue with neutral labels and recoded option scores."""
    items = tuple(
        InstrumentItem(
            code=item_code(number),
            label=f"{_SCALE_LABELS[_group(number)]} item {number}",
            group=_group(number),
            value_type="ordinal",
            options=tuple(
                ResponseOption(str(n), str(n), score)
                for n, score in enumerate(RECODE[number], start=1)
            ),
            number=number,
        )
        for number in range(1, 37)
    )
    return Instrument("RAND36", "RAND 36-Item Health Survey 1.0", items, (*SCALES, "health_change"))


def recode(item: int, response: int) -> int:
    """The 0–100 score of one item response (spec §8.4 step 1)."""
    if isinstance(item, bool) or item not in RECODE:
        raise ScoringInputError("item", item, "an item number 1–36")
    scores = RECODE[item]
    if isinstance(response, bool) or not isinstance(response, int):
        raise ScoringInputError(f"item {item}", response, f"an integer 1–{len(scores)}")
    if not 1 <= response <= len(scores):
        raise ScoringInputError(f"item {item}", response, f"an integer 1–{len(scores)}")
    return scores[response - 1]


@dataclass(frozen=True, slots=True)
class ScaleScore:
    """One scale: mean of answered recoded items, or None when none answered."""

    scale: str
    score: float | None
    answered: int
    items: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rand36Result:
    """All eight scales plus the recoded health-change item (not in any scale)."""

    scales: tuple[ScaleScore, ...]
    health_change: int | None
    reasons: tuple[str, ...]

    def scale(self, name: str) -> ScaleScore:
        """One scale by name."""
        for score in self.scales:
            if score.scale == name:
                return score
        raise ScoringInputError("scale", name, tuple(SCALES))


def _scale(name: str, recoded: Mapping[int, int]) -> ScaleScore:
    """Average the answered recoded items of a scale (spec §8.4 step 2)."""
    numbers = SCALES[name]
    values = [recoded[n] for n in numbers if n in recoded]
    if not values:
        reason = f"not scored: none of items {', '.join(map(str, numbers))} answered"
        return ScaleScore(name, None, 0, len(numbers), (reason,))
    mean = sum(values) / len(values)
    reason = f"mean of {len(values)}/{len(numbers)} answered items = {mean:g}"
    return ScaleScore(name, mean, len(values), len(numbers), (reason,))


def score(responses: Mapping[int, int | None]) -> Rand36Result:
    """Score a RAND-36 form keyed by item number (1–36); None or absent = blank."""
    recoded = {item: recode(item, r) for item, r in responses.items() if r is not None}
    unknown = [item for item, r in responses.items() if r is None and item not in RECODE]
    if unknown:
        raise ScoringInputError("item", unknown[0], "an item number 1–36")
    results = tuple(_scale(name, recoded) for name in SCALES)
    scored = sum(1 for s in results if s.score is not None)
    change = recoded.get(HEALTH_CHANGE_ITEM)
    reasons = (f"{scored}/8 scales scored; {len(recoded)}/36 items answered",)
    return Rand36Result(results, change, reasons)


def scales(responses: Mapping[int, int | None]) -> Mapping[str, float]:
    """The eight 0–100 scales; a scale with no answered item is left out (spec §8.4)."""
    return MappingProxyType(
        {s.scale: s.score for s in score(responses).scales if s.score is not None}
    )


INSTRUMENT = _build()
