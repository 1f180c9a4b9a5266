"""The XPT v5 limits are ours to enforce (pyreadstat truncates or accepts silently, spec §4.8)."""

from __future__ import annotations

import pandas as pd
import pytest

from exports.sdtm.package import write_package
from exports.sdtm.xpt import XportLimitError, v5_problems, write_xpt
from records.standards.model import Dataset, Variable, build
from records.standards.package import Submission

HEAD = ("XX", "Test dataset", "FINDINGS", "One record per row")


def _dataset(variables, rows) -> Dataset:
    return build(HEAD, (), variables, rows)


def test_a_clean_dataset_has_no_problems():
    d = _dataset((Variable("NAME8CHR", "x" * 40), Variable("N", "n", "float")),
                 [{"NAME8CHR": "a" * 200, "N": 1.5}])  # fmt: skip
    assert v5_problems(d) == []


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (Variable("NINECHARS", "label"), "v", "variable name must be ≤ 8"),
        (Variable("A", "x" * 41), "v", "label longer than 40"),
        (Variable("A", "label"), "a" * 201, "longer than 200 bytes"),
        (Variable("A", "label"), "café", "not ASCII"),
        (Variable("A", "Größe"), "v", "label is not ASCII"),
        (Variable("1A", "label"), "v", "variable name must be"),
    ],
)
def test_each_limit_is_refused_before_writing(tmp_path, variable, value, expected):
    d = _dataset((variable,), [{variable.name: value}])
    problems = v5_problems(d)
    assert any(expected in p for p in problems), problems
    target = tmp_path / "xx.xpt"
    with pytest.raises(XportLimitError):
        write_xpt(d, target)
    assert not target.exists()


def test_a_dataset_name_longer_than_8_is_refused():
    d = build(("TOOLONGNM", "label", "FINDINGS", "s"), (), (Variable("A", "a"),), [{"A": "x"}])
    assert any("dataset name" in p for p in v5_problems(d))


def test_a_refused_package_writes_nothing(submission, tmp_path):
    bad = _dataset((Variable("A", "label"),), [{"A": "ü"}])
    broken = Submission(submission.study, (*submission.sdtm, bad), submission.adam,
                        submission.codelists)  # fmt: skip
    with pytest.raises(XportLimitError, match="not ASCII"):
        write_package(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_frames_must_match_their_variables():
    with pytest.raises(ValueError, match="frame columns"):
        Dataset("XX", "x", "FINDINGS", "s", (), (Variable("A", "a"),), pd.DataFrame({"B": [1]}))
