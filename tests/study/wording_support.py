"""Synthetic wording files for tests: made-up question text, never an instrument's real wording
(which is licensed with the instrument and not part of the workbench)."""

from __future__ import annotations

import json
from pathlib import Path

from records.instruments import instrument
from study import DEFAULT_DEFINITION

HEADER = {
    "title": "Synthetic test wording",
    "source": "Written for the workbench's tests",
    "licence": "No licence needed: invented text",
    "language": "en-GB",
    "version": "0.1",
}


LONG = 7
"""A scale with more answers than this is labelled the way such scales are printed."""


def question(code: str) -> str:
    """The synthetic question text of an item."""
    return f"Synthetic question {code}?"


def answer(code: str, n: int) -> str:
    """The synthetic label of answer `n` (1-based) of an item."""
    return f"Answer {n} to {code}"


def wording_toml(code: str, *, skip: str | None = None, short: str | None = None) -> str:
    """A wording file for instrument `code`; `skip` leaves an item out, `short` gives an item
    one answer label too few."""
    lines = [f"instrument = {json.dumps(code)}"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in HEADER.items()]
    for item in instrument(code).items:
        if item.code == skip:
            continue
        labels = [answer(item.code, n) for n in range(1, len(item.options) + 1)]
        if len(item.options) > LONG:  # a 0–10 scale: numbers, the ends anchored in words
            labels = [o.code for o in item.options]
            labels[0], labels[-1] = f"{labels[0]} (least)", f"{labels[-1]} (most)"
        if item.code == short:
            labels = labels[:-1]
        lines += [
            "",
            "[[items]]",
            f"code = {json.dumps(item.code)}",
            f"stem = {json.dumps('Synthetic introduction.' if item.number == 3 else '')}",
            f"text = {json.dumps(question(item.code))}",
            f"options = {json.dumps(labels)}",
        ]
    return "\n".join(lines) + "\n"


def study_with_wording(folder: Path, code: str = "RAND36", wording: str | None = None) -> Path:
    """A copy of the default study that names a wording file for `code` (given, or complete)."""
    (folder / "wording.toml").write_text(wording or wording_toml(code), encoding="utf-8")
    definition = DEFAULT_DEFINITION.read_text(encoding="utf-8")
    entry = f'\n[[wording]]\ninstrument = "{code}"\nfile = "wording.toml"\n'
    path = folder / "study.toml"
    path.write_text(definition + entry, encoding="utf-8")
    return path
