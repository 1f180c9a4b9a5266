"""Which items each stored form has, and how one raw item value is checked and typed.

Item lists come from the scoring catalogues (SLEDAI-2K, BILAG-2004, PGA, PROMIS-29, RAND-36) and
from the study definition (items forms, eligibility criteria), never typed twice (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from records import fields
from scoring import bilag, pga, promis, rand36, sledai
from scoring.errors import ScoringInputError
from scoring.items import Instrument, InstrumentItem
from study.schema import FormDef, FormItemDef, StudyDefinition

ItemKind = Literal["option", "number", "pga", "text"]
MET, NOT_MET = "Y", "N"
NOTE_SUFFIX = "_NOTE"
OVERRIDE_ITEM = "OVERRIDE"
"""Eligibility item written only by dosing with an override reason, never by the form."""
PGA_CODE = "PGA"
Parsed = dict[str, tuple[str | None, float | None]]
_BIG = 10**300  # beyond any float: refused before str()/float() can misbehave

PGA_INSTRUMENT = Instrument(
    code="PGA",
    name="Physician global assessment (SELENA-SLEDAI PGA, 0.00–3.00)",
    items=(InstrumentItem(PGA_CODE, "Physician global assessment", "global", "number"),),
    groups=("global",),
)
"""spec/scoring.md §5: one item, an exact two-decimal number 0.00–3.00 (anchors 0–3)."""

BILAG_FORM = Instrument(
    code=bilag.INSTRUMENT.code,
    name=bilag.INSTRUMENT.name,
    items=(*bilag.INSTRUMENT.items, *bilag.ACTIVITY_FLAG_ITEMS, *bilag.GRADE_ITEMS),
    groups=bilag.INSTRUMENT.groups,
)
"""BILAG-2004 as stored: 97 items, the "due to SLE" flags and the 9 entered domain grades."""

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        "SLEDAI2K": sledai.INSTRUMENT,
        "BILAG2004": BILAG_FORM,
        "PGA": PGA_INSTRUMENT,
        "PROMIS29": promis.PROMIS29,
        "RAND36": rand36.INSTRUMENT,
    }
)
_ALL_REQUIRED = frozenset({"SLEDAI2K", "PGA"})


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One storable item: how it is parsed and when it must be answered."""

    code: str
    label: str
    kind: ItemKind
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 500
    required: bool = False
    note_for: str | None = None
    note_needed_when: tuple[str, ...] = ()


def instrument(code: str) -> Instrument:
    """The scoring instrument for an instrument code; KeyError names the known codes."""
    if code not in INSTRUMENTS:
        raise KeyError(f"unknown instrument {code!r}; known: {', '.join(INSTRUMENTS)}")
    return INSTRUMENTS[code]


@cache
def _instrument_specs(code: str) -> tuple[ItemSpec, ...]:
    """The item specs of an instrument, built once per code: instruments are fixed, and the
    outcome snapshot asks once per stored form (profiled: a third of a cold 500-subject run)."""
    return _from_instrument(instrument(code))


def _from_instrument(inst: Instrument) -> tuple[ItemSpec, ...]:
    grades = {it.code for it in bilag.GRADE_ITEMS}
    specs = []
    for it in inst.items:
        # BILAG-2004: every one of the 97 items is captured (code 0–4 or ND, spec §2.7) besides
        # the grades, so a form of grades alone is not complete; measured values stay optional.
        required = (
            inst.code in _ALL_REQUIRED
            or it.code in grades
            or (inst.code == bilag.INSTRUMENT.code and it.value_type == "ordinal")
        )
        if it.code == PGA_CODE:
            specs.append(ItemSpec(it.code, it.label, "pga", required=True))
        elif it.value_type == "number":
            specs.append(ItemSpec(it.code, it.label, "number", minimum=0, maximum=100_000))
        else:
            options = tuple(o.code for o in it.options)
            specs.append(ItemSpec(it.code, it.label, "option", options, required=required))
    return tuple(specs)


def _from_form_item(study: StudyDefinition, item: FormItemDef) -> list[ItemSpec]:
    if item.type == "text":
        return [ItemSpec(item.code, item.label, "text", max_length=1000)]
    if item.type == "number":
        spec = ItemSpec(
            item.code, item.label, "number", minimum=item.min, maximum=item.max, required=True
        )
    else:
        options = study.codes(item.codelist) if item.codelist else ()
        spec = ItemSpec(item.code, item.label, "option", options, required=True)
    if not item.note:
        return [spec]
    abnormal = tuple(o for o in spec.options if o.startswith("ABNORMAL"))
    return [spec, _note(item.code, item.label, abnormal)]


def _note(code: str, label: str, needed_when: tuple[str, ...]) -> ItemSpec:
    return ItemSpec(
        f"{code}{NOTE_SUFFIX}",
        f"{label}: note",
        "text",
        note_for=code,
        note_needed_when=needed_when,
    )


def _from_criteria(study: StudyDefinition) -> tuple[ItemSpec, ...]:
    """Eligibility: met (Y) / not met (N) per criterion, evidence note needed when it fails."""
    specs: list[ItemSpec] = []
    for c in study.eligibility:
        specs.append(ItemSpec(c.code, c.text, "option", (MET, NOT_MET), required=True))
        failing = NOT_MET if c.kind == "inclusion" else MET
        specs.append(_note(c.code, c.code, (failing,)))
    return tuple(specs)


def item_specs(study: StudyDefinition, form_code: str) -> tuple[ItemSpec, ...]:
    """The stored items of a form, in form order; KeyError for forms not stored as items."""
    form: FormDef = study.form(form_code)
    if form.kind == "instrument" and form.instrument is not None:
        return _instrument_specs(form.instrument)
    if form.kind == "items":
        return tuple(s for item in form.items for s in _from_form_item(study, item))
    if form.kind == "eligibility":
        return _from_criteria(study)
    raise KeyError(f"form {form_code!r} ({form.kind}) is not stored as assessment items")


def too_big(value: Any) -> bool:
    """Whether an int is beyond any float (str() of it may even raise on Python 3.11)."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > _BIG


def field_key(key: Any) -> str:
    """A mapping key as an error-dict field name (a non-text key is named by its type)."""
    return key[:60] if isinstance(key, str) else f"<{type(key).__name__} key>"


def screen(values: Mapping[Any, Any], allowed: Any, errors: fields.Errors) -> dict[str, Any]:
    """The known fields of `values`; unknown keys and ints beyond any float get a message."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key not in allowed:
            errors[field_key(key)] = "is not a field of this form"
        elif too_big(value):
            errors[key] = "is too large"
        else:
            clean[key] = value
    return clean


def _option(errors: fields.Errors, spec: ItemSpec, raw: Any) -> str | None:
    if isinstance(raw, bool) and set(spec.options) >= {"Y", "N"}:
        return "Y" if raw else "N"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    for code in spec.options:
        if text is not None and text.casefold() == code.casefold():
            return code
    errors[spec.code] = f"must be one of: {', '.join(spec.options)}"
    return None


def _pga(errors: fields.Errors, spec: ItemSpec, raw: Any) -> Decimal | None:
    try:
        return pga.parse(raw, spec.code)
    except (ScoringInputError, ArithmeticError, ValueError, TypeError):
        errors[spec.code] = "must be a number from 0.00 to 3.00 with at most two decimals"
        return None


def _numeric_code(code: str) -> float | None:
    return float(code) if code.isascii() and code.isdigit() else None


def parse_item(errors: fields.Errors, spec: ItemSpec, raw: Any) -> tuple[str | None, float | None]:
    """(stored text, number) of one raw value; a bad value adds a message for `spec.code`."""
    if too_big(raw):
        errors[spec.code] = "is too large"
        return None, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if spec.kind == "option":
        code = _option(errors, spec, raw)
        return code, None if code is None else _numeric_code(code)
    if spec.kind == "pga":
        exact = _pga(errors, spec, raw)
        return (None, None) if exact is None else (str(exact), float(exact))
    if spec.kind == "number":
        num = fields.number(errors, spec.code, raw, minimum=spec.minimum, maximum=spec.maximum)
        return (None, None) if num is None else (number_text(num), num)
    return fields.text(errors, spec.code, raw, max_length=spec.max_length), None


def number_text(num: float) -> str:
    """The canonical text of a parsed number: no trailing '.0', full float precision."""
    return str(int(num)) if num.is_integer() and abs(num) < 1e15 else repr(num)


def check_items(
    specs: tuple[ItemSpec, ...], values: Mapping[str, Any], state: str | None, errors: fields.Errors
) -> Parsed:
    """Each value parsed; unknown codes, missing required items and missing notes named."""
    by_code = {s.code: s for s in specs}
    for code in values:
        if code not in by_code:
            errors[field_key(code)] = "is not an item of this form"
    parsed = {s.code: parse_item(errors, s, values.get(s.code)) for s in specs}
    if state == "not_done" and any(text is not None for text, _ in parsed.values()):
        errors.setdefault("state", "a form marked not done cannot carry values")
    for spec in specs if state == "complete" else ():
        if spec.required and parsed[spec.code][0] is None:
            errors.setdefault(spec.code, "is required")
    for spec in specs:
        parent = parsed.get(spec.note_for or "", (None, None))[0]
        if parent in spec.note_needed_when and parsed[spec.code][0] is None:
            errors.setdefault(spec.code, f"a note is needed when {spec.note_for} is {parent}")
    return parsed
