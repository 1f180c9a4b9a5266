"""CSV downloads: one formula-trigger rule with the xlsx writer, and rows that never split."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from exports.csv_file import frame_to_csv_bytes, inert
from exports.sanitize import csv_for_excel
from tests.exports.conftest import PAYLOADS

pytestmark = pytest.mark.req("REQ-EXP-03")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nb", "\r", 'say "hi"\r', "x,y"])
def test_a_carriage_return_or_line_feed_never_splits_a_row(value):
    frame = pd.DataFrame({"text": [value, "next"], "n": [1, 2]})
    rows = _rows(frame_to_csv_bytes(frame))
    assert len(rows) == 3
    assert rows[1] == [csv_for_excel(value), "1"] and rows[2] == ["next", "2"]


@pytest.mark.parametrize("value", [*PAYLOADS, "-3.2", "+7", "1e5", "plain", " =1", "-١٢"])
def test_csv_uses_the_one_formula_trigger_rule(value):
    assert inert(value) == csv_for_excel(value)
    assert inert(3) == 3


def test_arabic_indic_digits_are_not_a_plain_number():
    assert csv_for_excel("-١٢") == "'-١٢"
