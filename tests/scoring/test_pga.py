"""PGA parsing, anchors and change, exact to the hundredth (spec/scoring.md §5, §3.1)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from scoring import pga
from scoring.decimals import Number, measured_decimal
from scoring.errors import ScoringInputError

pytestmark = pytest.mark.req("SCO-PGA")


class TestParse:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0", "0.00"),
            ("1.3", "1.30"),
            (" 2.25 ", "2.25"),
            ("1.300", "1.30"),
            (Decimal("0.49"), "0.49"),
            (3, "3.00"),
            (0, "0.00"),
            (1.3, "1.30"),
            (0.1 + 0.2, "0.30"),  # binary noise, not a third decimal
            (1.0 + 0.3, "1.30"),
            ("-0", "0.00"),
        ],
    )
    def test_accepted(self, value: Number, expected: str) -> None:
        parsed = pga.parse(value)
        assert parsed == Decimal(expected)
        assert str(parsed) == expected

    @pytest.mark.parametrize(
        "value",
        [
            "3.01",
            3.5,
            "3.5",
            4,
            -0.01,
            "-1",
            "1.234",
            1.234,
            Decimal("0.001"),
            math.nan,
            math.inf,
            -math.inf,
            "NaN",
            "Infinity",
            Decimal("NaN"),
            "abc",
            "",
            "1,3",
            True,
            None,
            [1],
        ],
    )
    def test_rejected_naming_field_and_range(self, value: object) -> None:
        with pytest.raises(ScoringInputError) as caught:
            pga.parse(value, "visit_pga")  # type: ignore[arg-type]
        assert caught.value.field == "visit_pga"
        assert "0.00 to 3.00" in str(caught.value)

    def test_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"^pga:"):
            pga.parse("3.5")

    def test_optional(self) -> None:
        assert pga.parse_optional(None) is None
        assert pga.parse_optional("1") == Decimal("1.00")


class TestDescribe:
    @pytest.mark.parametrize(
        ("value", "label"),
        [
            ("0", "none"),
            ("0.5", "between none and mild"),
            ("1", "mild"),
            ("1.99", "between mild and moderate"),
            ("2", "moderate"),
            ("2.99", "between moderate and severe"),
            ("3", "severe"),
        ],
    )
    def test_anchor_labels(self, value: str, label: str) -> None:
        assert pga.describe(value) == label

    def test_four_anchors(self) -> None:
        assert [name for _, name in pga.ANCHORS] == ["none", "mild", "moderate", "severe"]


class TestChange:
    @pytest.mark.parametrize(
        ("baseline", "visit", "delta", "worsened"),
        [
            ("1.00", "1.29", "0.29", False),
            ("1.00", "1.30", "0.30", True),
            (1.0, 1.3, "0.30", True),  # floats: exactly +0.30, never 0.2999…
            (0.7, 1.0, "0.30", True),
            (2, 1, "-1.00", False),
            (Decimal("2.71"), Decimal("3.00"), "0.29", False),
        ],
    )
    def test_worsening_boundary(
        self, baseline: Number, visit: Number, delta: str, worsened: bool
    ) -> None:
        result = pga.change(baseline, visit)
        assert result.change == Decimal(delta)
        assert result.worsened is worsened

    def test_reason_text(self) -> None:
        assert pga.change("1", "1.3").reasons == (
            "PGA 1.00 → 1.30: change +0.30 is worsening (≥ +0.30)",
        )

    def test_fields_named(self) -> None:
        with pytest.raises(ScoringInputError, match=r"^baseline_pga"):
            pga.change("3.5", "1")
        with pytest.raises(ScoringInputError, match=r"^visit_pga"):
            pga.change("1", "-1")


class TestMeasuredDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (7.5, "7.5"),
            (2.5 * 3, "7.5"),
            (0.1 * 75, "7.5"),  # 7.500000000000001 in binary
            (50 / 7, "7.142857142857143"),
            ("6.25", "6.25"),
            (Decimal("7.6"), "7.6"),
            (0, "0"),
        ],
    )
    def test_accepted(self, value: object, expected: str) -> None:
        assert measured_decimal(value, "dose") == Decimal(expected)

    @pytest.mark.parametrize("value", [-0.5, "-1", math.nan, "inf", "x", None, False])
    def test_rejected(self, value: object) -> None:
        with pytest.raises(ScoringInputError, match=r"^dose"):
            measured_decimal(value, "dose")
