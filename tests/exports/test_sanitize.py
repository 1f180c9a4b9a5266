"""Formula-injection rules (spec/records.md §5.2) and Excel cell limits (§5.1)."""

from __future__ import annotations

import pytest

from exports.sanitize import (
    EXCEL_CELL_CHARACTERS,
    EXCEL_CELL_LINE_FEEDS,
    csv_for_excel,
    fit_cell,
    starts_like_formula,
)


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "\r=x", "\0=x", '=HYPERLINK("x")', "  =x"]
)
def test_triggers_are_recognised(text):
    assert starts_like_formula(text)


@pytest.mark.parametrize("text", ["", "Rash", "1+1", " plain", "x=1"])
def test_ordinary_text_is_not_a_formula(text):
    assert not starts_like_formula(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-ve", "'-ve"), ("+2 proteinuria", "'+2 proteinuria"),
     ("@home", "'@home"), ("-3.2", "-3.2"), ("+1.5E3", "+1.5E3"), ("Rash", "Rash")],
)  # fmt: skip
def test_csv_for_excel_prefixes_all_but_plain_numbers(value, expected):
    assert csv_for_excel(value) == expected


def test_fit_cell_keeps_short_text_and_marks_what_it_cuts():
    assert fit_cell("abc") == "abc"
    long = "x" * (EXCEL_CELL_CHARACTERS + 10)
    cut = fit_cell(long)
    assert len(cut) <= EXCEL_CELL_CHARACTERS and cut.endswith("characters in the source]")
    lines = "\n".join(["a"] * (EXCEL_CELL_LINE_FEEDS + 5))
    assert fit_cell(lines).count("\n") == EXCEL_CELL_LINE_FEEDS


def test_fit_cell_counts_utf16_units_as_excel_does():
    from exports.sanitize import excel_length

    astral = "\U0001f600" * 20_000  # 20,000 code points, 40,000 UTF-16 units
    assert excel_length(astral) == 40_000
    cut = fit_cell(astral)
    assert excel_length(cut) <= EXCEL_CELL_CHARACTERS
    assert cut.endswith("[truncated: 20000 characters in the source]")
    just_fits = "\U0001f600" * 16_383 + "a"  # 32,767 units
    assert fit_cell(just_fits) == just_fits
