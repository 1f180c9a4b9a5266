"""Lab reference-range flags and unit conversions (records §4.1 LBNRIND; spec §7.1)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.labs import UNIT_FACTORS, convert, reference_flag, standard_unit


@pytest.mark.parametrize(
    ("value", "low", "high", "flag"),
    [
        (3.49, 3.5, 5.0, "L"),
        (3.5, 3.5, 5.0, "N"),  # limits are inside the range
        (4.2, 3.5, 5.0, "N"),
        (5.0, 3.5, 5.0, "N"),
        (5.01, 3.5, 5.0, "H"),
        (0.9, 0.9, None, "N"),  # C3 lower limit only
        (0.89, 0.9, None, "L"),
        (10.0, None, 10.0, "N"),  # CRP upper limit only
        (10.1, None, 10.0, "H"),
        (-1.0, 0, 0, "L"),
    ],
)
def test_reference_flag(value: float, low: float | None, high: float | None, flag: str) -> None:
    result = reference_flag(value, low, high)
    assert result.flag == flag
    assert result.nrind == {"H": "HIGH", "L": "LOW", "N": "NORMAL"}[flag]
    assert result.reasons


def test_reference_flag_reasons_show_open_bounds() -> None:
    assert reference_flag(1, None, 5).reasons == ("1 within [-∞, 5]",)
    assert reference_flag(6, 5, None).reasons == ("6 within [5, ∞]",)


def test_no_range_gives_no_flag() -> None:
    result = reference_flag(42, None, None)
    assert (result.flag, result.nrind, result.reasons) == (None, None, ("no reference range",))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((math.nan, 1, 2), "value"),
        ((True, 1, 2), "value"),
        (("4", 1, 2), "value"),
        ((1, math.inf, 2), "low"),
        ((1, 1, math.nan), "high"),
        ((1, 3, 2), "low"),
    ],
)
def test_reference_flag_bad_input(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        reference_flag(*args)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("analyte", "value", "source", "target", "expected"),
    [
        ("creatinine", 1.0, "mg/dL", "umol/L", 88.4),  # spec §7.1 factor
        ("creatinine", 88.4, "µmol/L", "mg/dL", 1.0),
        ("creatinine", 61.88, "μmol/L", "mg/dL", 0.7),
        ("Creatinine", 0.9, "MG/DL", "UMOL/L", 79.56),
        ("haemoglobin", 13.5, "g/dL", "g/L", 135.0),
        ("hemoglobin", 70, "g/L", "g/dL", 7.0),
        ("C3", 90, "mg/dL", "g/L", 0.9),
        ("c4", 0.1, "g/L", "mg/dL", 10.0),
        ("platelets", 100, "x10^9/L", "/mm3", 100_000.0),  # SLEDAI threshold both ways
        ("wbc", 3000, "/µL", "10^9/L", 3.0),
        ("lymphocytes", 1.2, "×10^9/L", "/uL", 1200.0),
        ("neutrophils", 1500, "/mm^3", "10^9/L", 1.5),
        ("creatinine", 1.0, "mg/dL", "mg/dL", 1.0),
    ],
)
def test_convert_exact(
    analyte: str, value: float, source: str, target: str, expected: float
) -> None:
    assert convert(analyte, value, source, target) == expected


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("glucose", 5, "mmol/L", "mg/dL"), "analyte"),
        ((None, 5, "mg/dL", "umol/L"), "analyte"),
        (("creatinine", 5, "mmol/L", "mg/dL"), "from_unit"),
        (("creatinine", 5, "mg/dL", None), "to_unit"),
        (("creatinine", math.nan, "mg/dL", "umol/L"), "value"),
    ],
)
def test_convert_bad_input(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        convert(*args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_standard_units() -> None:
    assert standard_unit("creatinine") == "umol/L"
    assert standard_unit("Hemoglobin") == "g/L"
    assert standard_unit("C3") == "g/L"
    assert standard_unit("platelets") == "10^9/L"


@given(
    st.sampled_from(sorted(UNIT_FACTORS)).flatmap(
        lambda a: st.tuples(
            st.just(a),
            st.sampled_from(list(UNIT_FACTORS[a])),
            st.sampled_from(list(UNIT_FACTORS[a])),
        )
    ),
    st.floats(min_value=0, max_value=1e6),
)
def test_convert_round_trips(case: tuple[str, str, str], value: float) -> None:
    analyte, source, target = case
    there = convert(analyte, value, source, target)
    assert convert(analyte, there, target, source) == pytest.approx(value, rel=1e-12)
