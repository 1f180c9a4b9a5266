"""SAS XPORT version 5 files, one dataset per file, with the v5 limits enforced before writing.

pyreadstat writes XPT v8 unless told otherwise, silently truncates long labels and writes
values longer than 200 bytes and non-ASCII text without complaint (spec/records.md §4.8,
verified there), so every limit is checked here first and a dataset that breaks one is refused.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pyreadstat

from records.standards.model import Dataset

NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,7}$")
MAX_LABEL, MAX_VALUE = 40, 200


class XportLimitError(ValueError):
    """A dataset breaks a SAS XPORT v5 limit; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:10]))
        self.problems = problems


def _ascii(text: str) -> bool:
    return text.isascii()


def v5_problems(dataset: Dataset) -> list[str]:
    """Every v5 limit the dataset breaks: names ≤ 8, labels ≤ 40, values ≤ 200 bytes, ASCII."""
    out: list[str] = []
    if not NAME.match(dataset.name):
        out.append(f"{dataset.name}: dataset name must be ≤ 8 letters/digits/_")
    out += _label_problems(dataset.name, dataset.name, dataset.label)
    for v in dataset.variables:
        if not NAME.match(v.name):
            out.append(f"{dataset.name}.{v.name}: variable name must be ≤ 8 letters/digits/_")
        out += _label_problems(dataset.name, v.name, v.label)
        if not v.numeric:
            out += _value_problems(dataset, v.name)
    return out


def _label_problems(dataset: str, name: str, label: str) -> list[str]:
    out = []
    if len(label) > MAX_LABEL:
        out.append(f"{dataset}.{name}: label longer than {MAX_LABEL} characters: {label!r}")
    if not _ascii(label):
        out.append(f"{dataset}.{name}: label is not ASCII: {label!r}")
    return out


def _value_problems(dataset: Dataset, name: str) -> list[str]:
    out = []
    for row, value in enumerate(dataset.frame[name].tolist(), start=1):
        if value is None:
            continue
        if not _ascii(value):
            out.append(f"{dataset.name}.{name} row {row}: value is not ASCII: {value[:60]!r}")
        elif len(value.encode("ascii")) > MAX_VALUE:
            out.append(f"{dataset.name}.{name} row {row}: value longer than {MAX_VALUE} bytes")
    return out


def write_xpt(dataset: Dataset, path: Path) -> None:
    """Write `dataset` as `path` (XPT v5) after checking every limit; refuses on any problem."""
    problems = v5_problems(dataset)
    if problems:
        raise XportLimitError(problems)
    frame = dataset.frame.copy()
    for v in dataset.variables:
        if not v.numeric:
            frame[v.name] = frame[v.name].map(lambda x: "" if x is None else x).astype(object)
    pyreadstat.write_xport(
        frame,
        str(path),
        file_format_version=5,
        table_name=dataset.name,
        file_label=dataset.label,
        column_labels={v.name: v.label for v in dataset.variables},
        variable_format={v.name: "DATE9." for v in dataset.variables if v.type == "date"},
    )


def xpt_bytes(dataset: Dataset) -> bytes:
    """The XPT v5 file of `dataset` as bytes (written through a temporary file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{dataset.name.lower()}.xpt"
        write_xpt(dataset, path)
        return path.read_bytes()


def empty_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with blanks as "" (what XPT stores), for comparisons after reading back."""
    return frame.map(lambda x: "" if x is None else x)
