"""Item definitions shared by every instrument, so forms, storage codes and listings use one list.

The clinical instruments (SLEDAI-2K, BILAG-2004, PROMIS, RAND-36) define their items here in
`scoring/` because the scores depend on them; the study definition only chooses which instruments
are collected at which visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueType = Literal["bool", "ordinal", "number", "yes_no", "choice"]


@dataclass(frozen=True, slots=True)
class ResponseOption:
    """One allowed answer: the stored code and the label shown to the user."""

    code: str
    label: str
    score: int | None = None


@dataclass(frozen=True, slots=True)
class InstrumentItem:
    """One item of an instrument: stable code, label, group and how its value is typed."""

    code: str
    label: str
    group: str
    value_type: ValueType
    options: tuple[ResponseOption, ...] = ()
    unit: str | None = None
    weight: int | None = None
    definition: str = ""
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Instrument:
    """An instrument: its code (used as storage key and SDTM category) and ordered items."""

    code: str
    name: str
    items: tuple[InstrumentItem, ...]
    groups: tuple[str, ...] = ()

    def item(self, code: str) -> InstrumentItem:
        """The item with this code; raises KeyError naming the instrument."""
        for it in self.items:
            if it.code == code:
                return it
        raise KeyError(f"{self.code}: no item {code!r}")
