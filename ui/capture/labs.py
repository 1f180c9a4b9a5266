"""A lab panel's plan: its tests, the widget seed from the saved results, collect and save.

Units, default ranges and physiological limits come from the study definition; `records.labs`
checks them, flags H/L and derives eGFR and UPCR in g/g. A free-list panel (cytokines) also
takes other analytes as code + unit + value rows. The widgets are drawn by `lab_panel`.

A critical value's assessment is not seeded with the rest: its field exists only while the
result is critical, and Streamlit forgets the key of a widget it did not draw, which would make
`flow.prepare` reseed the whole panel over the entries. It is seeded when it appears
(`seed_assessment`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

import streamlit as st

from models import Actor
from records.context import Workbench
from records.labs import PanelRead, save_lab_panel
from study.schema import FormDef, LabTestDef
from ui.capture import flow
from ui.capture.target import Target

PARTS = (
    "value", "unit", "ref_low", "ref_high", "clinical_significance", "not_done",
    "critical_assessment",
)  # fmt: skip
ASSESSMENT = "critical_assessment"
NEW_SLOTS = 2


def panel_tests(wb: Workbench, panel: str, saved: PanelRead | None) -> list[LabTestDef]:
    """The panel's tests, then analytes saved outside the list (free-list panels)."""
    tests = list(wb.study.lab_tests_of(panel))
    known = {t.code for t in tests}
    for code, row in (saved.results if saved else {}).items():
        if code not in known:
            tests.append(LabTestDef(code, row.name, panel, unit=None))
    return tests


def widget_key(fid: str, code: str, part: str) -> str:
    return flow.key(fid, code if part == "value" else f"{code}__{part}")


def plain_number(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def parts_of(test: LabTestDef) -> tuple[str, ...]:
    """What is entered for a test: a unit outside the list or where several are allowed, a
    range only for numbers, an assessment where the study sets critical values."""
    return tuple(
        p
        for p in PARTS
        if (p != "unit" or test.unit is None or len(test.allowed_units) > 1)
        and (p not in ("ref_low", "ref_high") or test.type != "choice")
        and (p != ASSESSMENT or has_critical_limits(test))
    )


def has_critical_limits(test: LabTestDef) -> bool:
    return test.critical_low is not None or test.critical_high is not None


def seed_assessment(fid: str, test: LabTestDef, saved: PanelRead | None) -> None:
    """Before the assessment field is drawn: the saved assessment, unless one is being typed."""
    name = widget_key(fid, test.code, ASSESSMENT)
    if name not in st.session_state:
        row = saved.results.get(test.code) if saved else None
        st.session_state[name] = (row.critical_assessment if row else None) or ""


def entry_of(fid: str, test: LabTestDef) -> dict[str, Any]:
    """A test's entry as typed so far (the assessment only while its field is on screen)."""
    raw = {p: st.session_state.get(widget_key(fid, test.code, p)) for p in parts_of(test)}
    return {p: v.strip() if isinstance(v, str) else v for p, v in raw.items()}


def _seed_part(test: LabTestDef, part: str, row: Any) -> Any:
    if part == "not_done":
        return bool(row and row.not_done)
    if part == "unit" and test.unit is not None:
        return (row.unit if row and row.unit else None) or test.unit
    stored = getattr(row, part) if row else None
    if part in ("ref_low", "ref_high"):
        return plain_number(stored)
    if part == "clinical_significance" or (part == "value" and test.type == "choice"):
        return stored
    return stored or ""


def _seed(tests: Sequence[LabTestDef], saved: PanelRead | None) -> dict[str, Any]:
    rows = saved.results if saved else {}
    seed: dict[str, Any] = {
        "collected_on": saved.collected_on if saved else None,
        "collected_time": _clock(saved.collected_time if saved else None),
    }
    for test in tests:
        for part in parts_of(test):
            if part == ASSESSMENT:
                continue
            name = test.code if part == "value" else f"{test.code}__{part}"
            seed[name] = _seed_part(test, part, rows.get(test.code))
    for n in range(NEW_SLOTS):
        seed.update({f"new{n}__code": "", f"new{n}__unit": "", f"new{n}__value": ""})
    return seed


def _clock(text: str | None) -> time | None:
    return None if not text else time.fromisoformat(text)


def _entry(fid: str, test: LabTestDef) -> dict[str, Any] | None:
    entry = entry_of(fid, test)
    return entry if entry.get("value") not in (None, "") or entry.get("not_done") else None


def collect(fid: str, tests: Sequence[LabTestDef]) -> dict[str, Any]:
    """Panel values as `save_lab_panel` takes them: test code → entry."""
    values = {t.code: entry for t in tests if (entry := _entry(fid, t)) is not None}
    for n in range(NEW_SLOTS):
        code = str(st.session_state.get(flow.key(fid, f"new{n}__code")) or "").strip().upper()
        value = str(st.session_state.get(flow.key(fid, f"new{n}__value")) or "").strip()
        if code:
            unit = st.session_state.get(flow.key(fid, f"new{n}__unit"))
            values[code] = {"value": value, "unit": unit}
    collected = st.session_state.get(flow.key(fid, "collected_on"))
    clock = st.session_state.get(flow.key(fid, "collected_time"))
    at = clock.strftime("%H:%M") if isinstance(clock, time) else None
    return {"collected_on": collected, "collected_time": at, "values": values}


def _flat(values: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {
        "collected_on": values.get("collected_on"),
        "collected_time": values.get("collected_time"),
    }
    for code, entry in (values.get("values") or {}).items():
        for part in PARTS:
            if part != "unit" or "unit" in entry:
                flat[code if part == "value" else f"{code}.{part}"] = entry.get(part)
    return flat


def _saved(saved: PanelRead | None) -> dict[str, Any] | None:
    if saved is None:
        return None
    rows = {
        code: {p: getattr(row, p) for p in PARTS if p != "unit"} | {"unit": row.unit}
        for code, row in saved.results.items()
    }
    return {
        "collected_on": saved.collected_on,
        "collected_time": saved.collected_time,
        "values": rows,
    }


def _labels(tests: Sequence[LabTestDef]) -> dict[str, str]:
    labels = {"collected_on": "Collection date", "collected_time": "Collection time"}
    words = (
        "unit",
        "reference low",
        "reference high",
        "CS/NCS",
        "not done",
        "critical value assessment",
    )
    names = dict(zip(PARTS[1:], words, strict=True))
    for t in tests:
        labels[t.code] = t.name
        labels.update({f"{t.code}.{p}": f"{t.name} {names[p]}" for p in parts_of(t)[1:]})
    return labels


def plan_for(
    wb: Workbench, actor: Actor, target: Target, form: FormDef, saved: PanelRead | None
) -> flow.FormPlan:
    """The panel's plan: seed from the saved results, save through `save_lab_panel`."""
    tests = panel_tests(wb, form.panel or form.code, saved)

    def save(values: dict[str, Any], reason: str | None, expected: int | None) -> Any:
        return save_lab_panel(
            wb,
            actor,
            visit_id=target.visit_id,
            panel=form.panel or form.code,
            values=values["values"],
            collected_on=values["collected_on"],
            collected_time=values.get("collected_time"),
            reason=reason,
            expected_version=expected,
        )

    def theirs(current: Mapping[str, Any]) -> Mapping[str, Any]:
        return _flat(current | {"values": current.get("results") or {}})

    return flow.FormPlan(
        form_id=form.code,
        target=target.name,
        seed=_seed(tests, saved),
        saved=_saved(saved),
        version=saved.version if saved else None,
        labels=_labels(tests),
        collect=lambda: collect(form.code, tests),
        save=save,
        writable=target.writable,
        zone=wb.study.site.timezone,
        flat=_flat,
        theirs=theirs,
        saved_message=f"{form.name} saved.",
    )
