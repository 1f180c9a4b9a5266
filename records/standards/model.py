"""What a submission dataset is: a frame plus the variable metadata that define.xml describes.

Builders in `records.standards` return `Dataset`s; `exports/sdtm` writes them as XPT v5 and
Dataset-JSON, `exports/define` describes them. Text cells hold `str` or None, numbers float
(NaN = missing), so every writer sees one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

DataType = Literal["text", "integer", "float", "datetime", "date"]
Origin = Literal["Collected", "Derived", "Assigned", "Protocol", "Predecessor"]
Core = Literal["Req", "Exp", "Perm"]
NUMERIC: frozenset[str] = frozenset({"integer", "float", "date"})


@dataclass(frozen=True, slots=True)
class Variable:
    """One dataset column: name, label, data type, origin, codelist and derivation."""

    name: str
    label: str
    type: DataType = "text"
    origin: Origin = "Collected"
    codelist: str | None = None
    core: Core = "Perm"
    method: str = ""

    @property
    def numeric(self) -> bool:
        """Stored as a number in XPT (ADaM dates are SAS date numbers)."""
        return self.type in NUMERIC


@dataclass(frozen=True)
class Dataset:
    """A finished dataset: name (≤8), label, class, structure, keys, variables and rows."""

    name: str
    label: str
    klass: str
    structure: str
    keys: tuple[str, ...]
    variables: tuple[Variable, ...]
    frame: pd.DataFrame
    standard: str = "SDTMIG 3.4"
    comment: str = ""
    value_level: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [v.name for v in self.variables]
        if list(self.frame.columns) != names:
            raise ValueError(f"{self.name}: frame columns {list(self.frame.columns)} != {names}")

    @property
    def domain(self) -> str:
        """The SDTM domain (the dataset name, or the parent's for SUPP-- datasets)."""
        return self.name

    def variable(self, name: str) -> Variable:
        """The variable called `name`; KeyError names the dataset."""
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(f"{self.name}: no variable {name}")


def build(
    head: tuple[str, str, str, str],
    keys: tuple[str, ...],
    variables: tuple[Variable, ...],
    rows: pd.DataFrame | list[dict[str, object]],
    **extra: object,
) -> Dataset:
    """Assemble a dataset from (name, label, class, structure): columns in variable order,
    numbers as float, text as str or None."""
    name, label, klass, structure = head
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    out = pd.DataFrame(index=range(len(frame)))
    frame = frame.reset_index(drop=True)
    for v in variables:
        column = frame[v.name] if v.name in frame.columns else pd.Series([None] * len(frame))
        values = _numbers(column) if v.numeric else _texts(column)
        out[v.name] = values.reset_index(drop=True)
    return Dataset(name, label, klass, structure, keys, variables, out, **extra)  # type: ignore[arg-type]


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[arg-type]


def _numbers(column: pd.Series) -> pd.Series:
    values = [float("nan") if _missing(v) else float(v) for v in column.tolist()]  # type: ignore[arg-type]
    return pd.Series(values, index=column.index, dtype="float64")


def _texts(column: pd.Series) -> pd.Series:
    def text(value: object) -> str | None:
        if _missing(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value) or None

    return pd.Series([text(v) for v in column.tolist()], index=column.index, dtype=object)
