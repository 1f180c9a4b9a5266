"""PROMIS-29 v2.1 and Global-10 v1.2 scoring (spec/scoring.md §8.1–8.3)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.promis import (
    DOMAINS,
    PAIN_INTENSITY_CODE,
    PROMIS29,
    domain_item_codes,
    pain_intensity,
    promis29_se,
    promis29_t,
    score_domain,
    score_profile,
)
from scoring.promis_global import (
    GLOBAL10,
    global_mental_t,
    global_physical_t,
    recode_pain,
    score_global10,
)

pytestmark = pytest.mark.req("SCO-PRO")

# Copied verbatim from spec §8.2: raw | PF | Anxiety | Depression | Fatigue | Sleep | Social | PI.
SPEC_PROMIS29 = """
| 4 | 22.5 (4.0) | 40.3 (6.1) | 41.0 (6.2) | 33.7 (4.9) | 32.0 (5.2) | 27.5 (4.1) | 41.6 (6.1) |
| 5 | 26.6 (2.8) | 48.0 (3.6) | 49.0 (3.2) | 39.7 (3.1) | 37.5 (4.0) | 31.8 (2.5) | 49.6 (2.5) |
| 6 | 28.9 (2.5) | 51.2 (3.1) | 51.8 (2.7) | 43.1 (2.7) | 41.1 (3.7) | 34.0 (2.3) | 52.0 (2.0) |
| 7 | 30.5 (2.4) | 53.7 (2.8) | 53.9 (2.4) | 46.0 (2.6) | 43.8 (3.5) | 35.7 (2.2) | 53.9 (1.9) |
| 8 | 31.9 (2.3) | 55.8 (2.7) | 55.7 (2.3) | 48.6 (2.5) | 46.2 (3.5) | 37.3 (2.1) | 55.6 (1.9) |
| 9 | 33.2 (2.3) | 57.7 (2.6) | 57.3 (2.3) | 51.0 (2.5) | 48.4 (3.4) | 38.8 (2.2) | 57.1 (1.9) |
| 10 | 34.4 (2.3) | 59.5 (2.6) | 58.9 (2.3) | 53.1 (2.4) | 50.5 (3.4) | 40.5 (2.3) | 58.5 (1.8) |
| 11 | 35.6 (2.3) | 61.4 (2.6) | 60.5 (2.3) | 55.1 (2.4) | 52.4 (3.4) | 42.3 (2.3) | 59.9 (1.8) |
| 12 | 36.7 (2.3) | 63.4 (2.6) | 62.2 (2.3) | 57.0 (2.3) | 54.3 (3.4) | 44.2 (2.3) | 61.2 (1.8) |
| 13 | 37.9 (2.3) | 65.3 (2.7) | 63.9 (2.3) | 58.8 (2.3) | 56.1 (3.4) | 46.2 (2.3) | 62.5 (1.8) |
| 14 | 39.2 (2.4) | 67.3 (2.7) | 65.7 (2.3) | 60.7 (2.3) | 57.9 (3.3) | 48.1 (2.2) | 63.8 (1.8) |
| 15 | 40.5 (2.4) | 69.3 (2.7) | 67.5 (2.3) | 62.7 (2.4) | 59.8 (3.3) | 50.0 (2.2) | 65.2 (1.8) |
| 16 | 41.9 (2.5) | 71.2 (2.7) | 69.4 (2.3) | 64.6 (2.4) | 61.7 (3.3) | 51.9 (2.2) | 66.6 (1.8) |
| 17 | 43.5 (2.6) | 73.3 (2.7) | 71.2 (2.4) | 66.7 (2.4) | 63.8 (3.4) | 53.7 (2.3) | 68.0 (1.8) |
| 18 | 45.5 (2.8) | 75.4 (2.7) | 73.3 (2.4) | 69.0 (2.5) | 66.0 (3.4) | 55.8 (2.3) | 69.7 (1.9) |
| 19 | 48.3 (3.3) | 77.9 (2.9) | 75.7 (2.6) | 71.6 (2.7) | 68.8 (3.7) | 58.3 (2.7) | 71.6 (2.1) |
| 20 | 57.0 (6.6) | 81.6 (3.7) | 79.4 (2.6) | 75.8 (3.9) | 73.3 (4.6) | 64.2 (5.1) | 75.6 (3.7) |
"""
# Copied from spec §8.3, T for raw 4, 5, …, 20.
# fmt: off
SPEC_GLOBAL = {
    "GPH": (16.2, 19.9, 23.5, 26.7, 29.6, 32.4, 34.9, 37.4, 39.8,
            42.3, 44.9, 47.7, 50.8, 54.1, 57.7, 61.9, 67.7),
    "GMH": (21.2, 25.1, 28.4, 31.3, 33.8, 36.3, 38.8, 41.1, 43.5,
            45.8, 48.3, 50.8, 53.3, 56.0, 59.0, 62.5, 67.6),
}
# fmt: on
SPEC_DOMAIN_ORDER = (
    "physical_function",
    "anxiety",
    "depression",
    "fatigue",
    "sleep_disturbance",
    "social_roles",
    "pain_interference",
)


def _promis29_rows() -> list[tuple[str, int, float, float]]:
    rows = []
    for line in SPEC_PROMIS29.strip().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        for domain, cell in zip(SPEC_DOMAIN_ORDER, cells[1:], strict=True):
            t, se = cell.replace("(", "").replace(")", "").split()
            rows.append((domain, int(cells[0]), float(t), float(se)))
    return rows


def _global_rows() -> list[tuple[str, int, float]]:
    return [
        (name, raw, t)
        for name, values in SPEC_GLOBAL.items()
        for raw, t in enumerate(values, start=4)
    ]


PROMIS29_ROWS = _promis29_rows()
GLOBAL_ROWS = _global_rows()


def test_spec_tables_are_complete() -> None:
    assert len(PROMIS29_ROWS) == 7 * 17
    assert len(GLOBAL_ROWS) == 2 * 17
    assert set(DOMAINS) == set(SPEC_DOMAIN_ORDER)


@pytest.mark.parametrize(("domain", "raw", "t", "se"), PROMIS29_ROWS)
def test_promis29_every_table_row(domain: str, raw: int, t: float, se: float) -> None:
    assert promis29_t(domain, raw) == t
    assert promis29_se(domain, raw) == se


def test_pain_interference_raw_20_is_75_6_not_the_fatigue_value() -> None:
    assert promis29_t("pain_interference", 20) == 75.6
    assert promis29_t("fatigue", 20) == 75.8


def test_physical_function_is_v2_not_v1() -> None:
    assert promis29_t("physical_function", 4) == 22.5  # v1.0 would be 22.9
    assert promis29_t("physical_function", 20) == 57.0  # v1.0 would be 56.9


@pytest.mark.parametrize(("summary", "raw", "t"), GLOBAL_ROWS)
def test_global10_every_table_row(summary: str, raw: int, t: float) -> None:
    lookup = global_physical_t if summary == "GPH" else global_mental_t
    assert lookup(raw) == t


@pytest.mark.parametrize("raw", [3, 21, 0, -4, True, 4.0, "4"])
def test_raw_out_of_range_raises(raw: object) -> None:
    calls: list[Callable[[], float]] = [
        partial(promis29_t, "fatigue", raw),  # type: ignore[arg-type]
        partial(promis29_se, "fatigue", raw),  # type: ignore[arg-type]
        partial(global_physical_t, raw),  # type: ignore[arg-type]
        partial(global_mental_t, raw),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ScoringInputError) as info:
            call()
        assert info.value.field == "raw"
        assert "4–20" in str(info.value)


@pytest.mark.parametrize("domain", ["pain", "Fatigue", "global", ""])
def test_unknown_domain_raises_listing_domains(domain: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        promis29_t(domain, 10)
    assert info.value.field == "domain"
    assert "physical_function" in str(info.value) and "pain_interference" in str(info.value)


@given(st.sampled_from(SPEC_DOMAIN_ORDER), st.integers(4, 19))
def test_t_increases_with_raw(domain: str, raw: int) -> None:
    assert promis29_t(domain, raw) < promis29_t(domain, raw + 1)


# --- item catalogue ----------------------------------------------------------------------------


def test_promis29_instrument() -> None:
    assert PROMIS29.code == "PROMIS29"
    assert len(PROMIS29.items) == 29
    codes = [item.code for item in PROMIS29.items]
    assert len(set(codes)) == 29 and all(len(code) <= 8 for code in codes)
    assert [item.number for item in PROMIS29.items] == list(range(1, 30))
    assert PROMIS29.groups == (*SPEC_DOMAIN_ORDER, "pain_intensity")
    for domain in SPEC_DOMAIN_ORDER:
        items = [item for item in PROMIS29.items if item.group == domain]
        assert [item.code for item in items] == list(domain_item_codes(domain))
        assert all([o.score for o in item.options] == [1, 2, 3, 4, 5] for item in items)
    pain = PROMIS29.item(PAIN_INTENSITY_CODE)
    assert [o.score for o in pain.options] == list(range(11))
    assert PROMIS29.item("P29PF1").label == "Physical function item 1"
    assert all("?" not in item.label for item in PROMIS29.items)  # no item wording shipped


def test_global10_instrument() -> None:
    assert GLOBAL10.code == "PROMIS_GLOBAL10"
    assert [item.code for item in GLOBAL10.items] == [f"Global{n:02d}" for n in range(1, 11)]
    assert [o.score for o in GLOBAL10.item("Global07").options] == list(range(11))
    assert GLOBAL10.item("Global01").group == "not_in_summary"
    assert GLOBAL10.item("Global03").group == "global_physical"
    assert GLOBAL10.item("Global10").group == "global_mental"


# --- domain scoring and missing items (§8.2 DESIGN: all 4 items) -------------------------------


def answers_for(domain: str, values: tuple[int | None, ...]) -> dict[str, int | None]:
    return dict(zip(domain_item_codes(domain), values, strict=True))


def test_score_domain_complete() -> None:
    result = score_domain("fatigue", answers_for("fatigue", (2, 3, 3, 2)))
    assert (result.raw, result.t, result.se, result.answered) == (10, 53.1, 2.4, 4)
    assert "higher is worse" in result.reasons[0]
    pf = score_domain("physical_function", answers_for("physical_function", (5, 5, 5, 5)))
    assert pf.t == 57.0 and "higher is better" in pf.reasons[0]


@pytest.mark.parametrize("values", [(1, 2, 3, None), (None, None, None, None), (5, None, None, 5)])
def test_score_domain_incomplete_is_not_scored(values: tuple[int | None, ...]) -> None:
    result = score_domain("anxiety", answers_for("anxiety", values))
    assert (result.raw, result.t, result.se) == (None, None, None)
    assert result.answered == sum(v is not None for v in values)
    assert result.reasons[0].startswith("not scored – incomplete")
    assert "P29ANX" in result.reasons[0]


def test_score_domain_absent_keys_are_missing() -> None:
    assert score_domain("depression", {"P29DEP1": 1}).t is None


@pytest.mark.parametrize("bad", [0, 6, True, 2.0])
def test_score_domain_rejects_bad_item_value(bad: object) -> None:
    answers = answers_for("sleep_disturbance", (1, 1, 1, bad))  # type: ignore[arg-type]
    with pytest.raises(ScoringInputError) as info:
        score_domain("sleep_disturbance", answers)
    assert info.value.field == "P29SLP4"


@given(st.sampled_from(SPEC_DOMAIN_ORDER), st.lists(st.integers(1, 5), min_size=4, max_size=4))
def test_score_domain_raw_is_item_sum(domain: str, values: list[int]) -> None:
    result = score_domain(domain, answers_for(domain, tuple(values)))
    assert result.raw == sum(values)
    assert result.t == promis29_t(domain, sum(values))


def test_score_profile_full_form() -> None:
    answers: dict[str, int | None] = {}
    for domain in SPEC_DOMAIN_ORDER:
        answers |= answers_for(domain, (1, 1, 1, 1))
    answers[PAIN_INTENSITY_CODE] = 7
    result = score_profile(answers)
    assert [d.t for d in result.domains] == [promis29_t(d, 4) for d in SPEC_DOMAIN_ORDER]
    assert result.pain_intensity == 7
    assert result.domain("social_roles").t == 27.5
    assert result.reasons == ("7/7 domains scored", "pain intensity 7")
    with pytest.raises(ScoringInputError, match="domain"):
        result.domain("global")


def test_score_profile_partial_form_and_bad_codes() -> None:
    result = score_profile(answers_for("fatigue", (1, 2, 3, 4)))
    assert result.domain("fatigue").t == 53.1
    assert result.domain("anxiety").t is None
    assert result.pain_intensity is None
    assert result.reasons == ("1/7 domains scored", "pain intensity not answered")
    with pytest.raises(ScoringInputError) as info:
        score_profile({"PFA11": 3})
    assert info.value.field == "item"


@pytest.mark.parametrize("value", [0, 10])
def test_pain_intensity_passes_through(value: int) -> None:
    assert pain_intensity(value) == value


@pytest.mark.parametrize("value", [-1, 11, True, 5.5])
def test_pain_intensity_out_of_range(value: object) -> None:
    with pytest.raises(ScoringInputError, match=PAIN_INTENSITY_CODE):
        pain_intensity(value)  # type: ignore[arg-type]
    with pytest.raises(ScoringInputError, match=PAIN_INTENSITY_CODE):
        score_profile({PAIN_INTENSITY_CODE: value})  # type: ignore[dict-item]


# --- Global-10 recodes (§8.3) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "recoded"),
    [(0, 5), (1, 4), (2, 4), (3, 4), (4, 3), (5, 3), (6, 3), (7, 2), (8, 2), (9, 2), (10, 1)],
)
def test_global07_pain_recode(pain: int, recoded: int) -> None:
    assert recode_pain(pain) == recoded


def test_global10_scores_with_reversed_items() -> None:
    answers = {f"Global{n:02d}": 3 for n in range(1, 11)}
    answers |= {"Global03": 4, "Global06": 5, "Global07": 0, "Global08": 1}  # GPH 4+5+5+5
    answers |= {"Global02": 2, "Global04": 3, "Global05": 4, "Global10": 5}  # GMH 2+3+4+1
    result = score_global10(answers)
    assert (result.physical.raw, result.physical.t, result.physical.sd) == (19, 61.9, 5.2)
    assert (result.mental.raw, result.mental.t, result.mental.sd) == (10, 38.8, 3.6)
    assert result.reasons == ("GPH raw 19 → T 61.9", "GMH raw 10 → T 38.8")


def test_global10_best_and_worst() -> None:
    best = {"Global02": 5, "Global03": 5, "Global04": 5, "Global05": 5, "Global06": 5}
    best |= {"Global07": 0, "Global08": 1, "Global10": 1}
    worst = {code: 6 - value for code, value in best.items()} | {"Global07": 10}
    assert (score_global10(best).physical.t, score_global10(best).mental.t) == (67.7, 67.6)
    assert (score_global10(worst).physical.t, score_global10(worst).mental.t) == (16.2, 21.2)


def test_global10_incomplete_summary_is_not_scored() -> None:
    result = score_global10({"Global02": 3, "Global04": 3, "Global05": 3, "Global03": None})
    assert (result.physical.t, result.mental.t) == (None, None)
    assert "Global03, Global06, Global07, Global08" in result.physical.reasons[0]
    assert "Global10" in result.mental.reasons[0]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"Global07": 11}, "Global07"),
        ({"Global07": -1}, "Global07"),
        ({"Global08": 0}, "Global08"),
        ({"Global01": 6}, "Global01"),
        ({"Global01": True}, "Global01"),
        ({"Global11": 3}, "item"),
    ],
)
def test_global10_bad_input(answers: dict[str, int], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        score_global10(answers)
    assert info.value.field == field
