"""PROMIS Global Health (Global-10) v1.2: GPH and GMH summary T-scores (spec §8.3).

Items are entered with the values printed on the licensed form (Global07 pain 0–10, the rest
1–5); the spec's recodes are applied here: Global07rc (0→5, 1–3→4, 4–6→3, 7–9→2, 10→1) and
Global08r/Global10r = 6 − value so 5 = best. Each summary needs all four of its items (the
official tables assume all 4). Item wording is not shipped; labels are neutral.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.errors import ScoringInputError
from scoring.items import Instrument, InstrumentItem, ResponseOption
from scoring.promis_tables import (
    GLOBAL_MENTAL_SD,
    GLOBAL_MENTAL_T,
    GLOBAL_PHYSICAL_SD,
    GLOBAL_PHYSICAL_T,
    RAW_MAX,
    RAW_MIN,
)

PAIN_ITEM = "Global07"
REVERSED_ITEMS: frozenset[str] = frozenset({"Global08", "Global10"})
PHYSICAL_ITEMS: tuple[str, ...] = ("Global03", "Global06", "Global07", "Global08")
MENTAL_ITEMS: tuple[str, ...] = ("Global02", "Global04", "Global05", "Global10")
ITEM_CODES: tuple[str, ...] = tuple(f"Global{n:02d}" for n in range(1, 11))

_CONCEPT = {"Global07": "pain", "Global08": "fatigue", "Global10": "emotional problems"}


def recode_pain(value: int) -> int:
    """Global07rc from the 0–10 pain rating: 0→5, 1–3→4, 4–6→3, 7–9→2, 10→1 (spec §8.3)."""
    _check(PAIN_ITEM, value)
    if value == 0:
        return 5
    if value == 10:
        return 1
    return 4 - (value - 1) // 3


def _check(code: str, value: int) -> int:
    """Validate a printed item value: 0–10 for Global07, 1–5 otherwise."""
    top, low = (10, 0) if code == PAIN_ITEM else (5, 1)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
        raise ScoringInputError(code, value, f"an integer {low}–{top} or None")
    return value


def _scored(code: str, value: int) -> int:
    """The value used in the summary sum after the spec's recodes."""
    if code == PAIN_ITEM:
        return recode_pain(value)
    _check(code, value)
    return 6 - value if code in REVERSED_ITEMS else value


def _group(code: str) -> str:
    """Which summary an item belongs to (Global01 and Global09 belong to neither)."""
    if code in PHYSICAL_ITEMS:
        return "global_physical"
    return "global_mental" if code in MENTAL_ITEMS else "not_in_summary"


def _build() -> Instrument:
    """The Global-10 v1.2 item catalogue with neutral labels."""
    items = []
    for number, code in enumerate(ITEM_CODES, start=1):
        low, top = (0, 10) if code == PAIN_ITEM else (1, 5)
        concept = f" ({_CONCEPT[code]})" if code in _CONCEPT else ""
        options = tuple(ResponseOption(str(v), str(v), v) for v in range(low, top + 1))
        label = f"Global health item {number}{concept}"
        items.append(InstrumentItem(code, label, _group(code), "ordinal", options, number=number))
    groups = ("global_physical", "global_mental", "not_in_summary")
    return Instrument("PROMIS_GLOBAL10", "PROMIS Global Health v1.2", tuple(items), groups)


def global_physical_t(raw: int) -> float:
    """GPH T-score for a raw sum 4–20 (spec §8.3)."""
    return GLOBAL_PHYSICAL_T[_check_raw(raw) - RAW_MIN]


def global_mental_t(raw: int) -> float:
    """GMH T-score for a raw sum 4–20 (spec §8.3)."""
    return GLOBAL_MENTAL_T[_check_raw(raw) - RAW_MIN]


def _check_raw(raw: int) -> int:
    """A raw sum in 4…20."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not RAW_MIN <= raw <= RAW_MAX:
        raise ScoringInputError("raw", raw, f"an integer {RAW_MIN}–{RAW_MAX}")
    return raw


@dataclass(frozen=True, slots=True)
class GlobalSummary:
    """One Global-10 summary (GPH or GMH): raw, T and SD, or None with the missing items."""

    summary: str
    raw: int | None
    t: float | None
    sd: float | None
    reasons: tuple[str, ...]


def _summary(name: str, codes: tuple[str, ...], answers: Mapping[str, int | None]) -> GlobalSummary:
    """Score one summary when all four items are answered."""
    values = [(c, answers.get(c)) for c in codes]
    missing = [c for c, v in values if v is None]
    if missing:
        reason = f"not scored – incomplete: missing {', '.join(missing)}"
        return GlobalSummary(name, None, None, None, (reason,))
    raw = sum(_scored(c, v) for c, v in values if v is not None)
    physical = name == "GPH"
    t = (GLOBAL_PHYSICAL_T if physical else GLOBAL_MENTAL_T)[raw - RAW_MIN]
    sd = (GLOBAL_PHYSICAL_SD if physical else GLOBAL_MENTAL_SD)[raw - RAW_MIN]
    return GlobalSummary(name, raw, t, sd, (f"{name} raw {raw} → T {t:g}",))


@dataclass(frozen=True, slots=True)
class Global10Result:
    """GPH and GMH summaries of one Global-10 form."""

    physical: GlobalSummary
    mental: GlobalSummary
    reasons: tuple[str, ...]


def score_global10(answers: Mapping[str, int | None]) -> Global10Result:
    """GPH = Global03+06+07rc+08r, GMH = Global02+04+05+10r, looked up in the spec tables."""
    for code, value in answers.items():
        if code not in ITEM_CODES:
            raise ScoringInputError("item", code, ITEM_CODES)
        if value is not None:
            _check(code, value)
    physical = _summary("GPH", PHYSICAL_ITEMS, answers)
    mental = _summary("GMH", MENTAL_ITEMS, answers)
    return Global10Result(physical, mental, (*physical.reasons, *mental.reasons))


GLOBAL10 = _build()
