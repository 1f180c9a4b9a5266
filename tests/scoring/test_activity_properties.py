"""Property tests where the disease-activity rules compose (SLEDAI, BILAG, PGA, responders, SFI).

Expected values come from the spec tables typed out here, not from the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scoring import bilag, flares, pga, responders, sledai

# spec/scoring.md §1.1, typed independently of scoring.sledai_items.
SPEC_WEIGHTS = {
    "seizure": 8,
    "psychosis": 8,
    "organic_brain_syndrome": 8,
    "visual_disturbance": 8,
    "cranial_nerve_disorder": 8,
    "lupus_headache": 8,
    "cva": 8,
    "vasculitis": 8,
    "arthritis": 4,
    "myositis": 4,
    "urinary_casts": 4,
    "hematuria": 4,
    "proteinuria": 4,
    "pyuria": 4,
    "rash": 2,
    "alopecia": 2,
    "mucosal_ulcers": 2,
    "pleurisy": 2,
    "pericarditis": 2,
    "low_complement": 2,
    "increased_dna_binding": 2,
    "fever": 1,
    "thrombocytopenia": 1,
    "leukopenia": 1,
}
DOMAINS = tuple(bilag.DOMAINS)
SPEC_NUMERIC = {"A": 12, "B": 8, "C": 1, "D": 0, "E": 0}

descriptor_sets = st.sets(st.sampled_from(sorted(SPEC_WEIGHTS)))
grade_maps = st.fixed_dictionaries({d: st.sampled_from("ABCDE") for d in DOMAINS})
hundredths = st.integers(min_value=0, max_value=300)
totals = st.integers(min_value=0, max_value=105)


def protocol_band(total: int) -> str:
    if total == 0:
        return "none"
    if total <= 5:
        return "mild"
    if total <= 10:
        return "moderate"
    if total <= 19:
        return "high"
    return "very high"


@given(descriptor_sets)
def test_sledai_total_is_sum_of_spec_weights(present: set[str]) -> None:
    result = sledai.score(present)
    expected = sum(SPEC_WEIGHTS[d] for d in present)
    serology = 2 * len(present & {"low_complement", "increased_dna_binding"})
    assert result.total == expected <= 105
    assert result.clinical == expected - serology <= result.total
    assert result.clinical <= 101
    assert result.band == protocol_band(result.total)
    assert set(result.descriptors) == present


@given(grade_maps)
def test_bilag_numeric_score_in_range(grades: dict[str, str]) -> None:
    score = bilag.numeric_score(grades)
    assert score == sum(SPEC_NUMERIC[g] for g in grades.values())
    assert 0 <= score <= 108
    assert bilag.overall_grade(grades) == min(grades.values())


@given(grade_maps, grade_maps)
def test_new_grades_follow_section_2_6(before: dict[str, str], after: dict[str, str]) -> None:
    result = bilag.new_grades(before, after)
    for domain in DOMAINS:
        is_new_a = after[domain] == "A" and before[domain] in "BCDE"
        is_new_b = after[domain] == "B" and before[domain] in "CDE"
        assert (domain in result.new_a) is is_new_a
        assert (domain in result.new_b) is is_new_b


@given(hundredths, hundredths)
def test_pga_change_exact_for_str_and_float(start: int, end: int) -> None:
    as_text = pga.change(f"{start / 100:.2f}", f"{end / 100:.2f}")
    as_float = pga.change(start / 100, end / 100)
    assert as_text.change == as_float.change == Decimal(end - start) / 100
    assert as_text.worsened is as_float.worsened is (end - start >= 30)


@given(
    totals,
    totals,
    grade_maps,
    grade_maps,
    hundredths,
    hundredths,
    st.integers(min_value=4, max_value=7),
)
def test_sri_k_plus_1_implies_sri_k(
    base: int, visit: int, base_bilag: dict[str, str], visit_bilag: dict[str, str],
    base_pga: int, visit_pga: int, k: int,
) -> None:  # fmt: skip
    def at(level: int) -> bool | None:
        return responders.sri(
            baseline_sledai=base,
            visit_sledai=visit,
            baseline_bilag=base_bilag,
            visit_bilag=visit_bilag,
            baseline_pga=base_pga / 100,
            visit_pga=visit_pga / 100,
            k=level,
        ).responder

    higher, lower = at(k + 1), at(k)
    if higher:
        assert lower is True
    assert lower is (base - visit >= k and at_most_one_new_b(base_bilag, visit_bilag)
                     and visit_pga - base_pga < 30)  # fmt: skip


def at_most_one_new_b(before: dict[str, str], after: dict[str, str]) -> bool:
    new_a = sum(after[d] == "A" and before[d] != "A" for d in DOMAINS)
    new_b = sum(after[d] == "B" and before[d] in "CDE" for d in DOMAINS)
    return new_a == 0 and new_b <= 1


@given(
    st.one_of(st.none(), totals),
    st.one_of(st.none(), totals),
    st.one_of(st.none(), hundredths),
    st.one_of(st.none(), hundredths),
)
def test_tri_state_is_consistent_with_components(
    base: int | None, visit: int | None, base_pga: int | None, visit_pga: int | None
) -> None:
    result = responders.sri(
        baseline_sledai=base,
        visit_sledai=visit,
        baseline_bilag=None if base is None else {d: "E" for d in DOMAINS},
        visit_bilag={d: "E" for d in DOMAINS},
        baseline_pga=None if base_pga is None else Decimal(base_pga) / 100,
        visit_pga=None if visit_pga is None else Decimal(visit_pga) / 100,
    )
    states = [c.met for c in result.components]
    if result.responder is True:
        assert all(states)
    elif result.responder is False:
        assert False in states
    else:
        assert None in states and False not in states
        assert result.missing


@given(st.sets(st.sampled_from(["low_complement", "increased_dna_binding"])), hundredths,
       st.integers(min_value=0, max_value=100))  # fmt: skip
def test_doris_remission_implies_lldas(
    serology: set[str], pga_value: int, dose_tenths: int
) -> None:
    dose = Decimal(dose_tenths) / 10
    doris = responders.doris(descriptors=serology, pga=pga_value / 100, prednisone_mg=dose)
    lldas = responders.lldas(
        descriptors=serology,
        previous_descriptors=serology,
        pga=pga_value / 100,
        prednisone_mg=dose,
        gi_or_haemolysis=False,
    )
    assert doris.responder is (pga_value < 50 and dose <= 5)
    if doris.responder:
        assert lldas.responder is True


@given(st.lists(st.sampled_from(sorted({*flares.MILD_FEATURES, *flares.SEVERE_FEATURES}))))
def test_sfi_more_features_never_lowers_category(features: list[str]) -> None:
    order = {"none": 0, "mild_moderate": 1, "severe": 2}
    common: dict[str, Any] = {
        "previous_sledai": 4,
        "current_sledai": 4,
        "previous_pga": 1,
        "current_pga": 1,
        "previous_prednisone_mg": 5,
        "current_prednisone_mg": 5,
    }
    previous = "none"
    for size in range(len(features) + 1):
        category = flares.selena_flare_index(**common, new_or_worse=features[:size]).category
        assert category is not None
        assert order[category] >= order[previous]
        previous = category
