"""Plain words on screen (#14 item 9): no specification section, requirement or rule
identifier, and no database table or column name, on any page for any role or on any form.

Every page each role can open is rendered on the demo study with a subject and a visit
chosen, and every capture form is opened at the first done visit that has it; every text a
person reads is checked (labels, help, bodies, options, table headers and text cells).
Stored values shown verbatim (an audit trail's old and new values, usernames) are data, not
interface, and are not read.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from models.db import make_engine
from records.context import Workbench
from records.subjects import subject_frame
from records.visits import calendar
from study import load_study
from tests.pages.conftest import demo_app
from tests.pages.screen_text import ShownText, shown_texts
from ui import navigation
from ui.capture import forms as capture_forms

IDENTIFIERS = {
    "a specification section": re.compile(r"§"),
    "a specification file": re.compile(r"\bspec/|\b(scoring|records|study|streamlit)\.md\b"),
    "a requirement id": re.compile(r"\bREQ-[A-Z]+-\d+"),
    "a rule identifier": re.compile(r"\brule:\w+"),
    "a check or code constant": re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),
    "a database name": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+\.[a-z]+_\w+\b"),
}
DATA_COLUMNS = frozenset({"Old value", "New value", "User", "Username"})
"""Table columns of stored values shown as stored."""
ROLES = ("investigator", "coordinator", "monitor", "data_manager", "admin")


def identifiers(texts: list[ShownText]) -> list[str]:
    """Each text that shows an identifier, with what kind."""
    return [
        f"{kind} in {t.where}: {t.text[:160]!r}"
        for t in texts
        for kind, pattern in IDENTIFIERS.items()
        if pattern.search(t.text)
    ]


@pytest.fixture(scope="module")
def study_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo as the app's database (the pages only read here)."""
    path = tmp_path_factory.mktemp("plain") / "demo.db"
    shutil.copy(demo_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_url(study_copy: str, monkeypatch: pytest.MonkeyPatch) -> Workbench:
    monkeypatch.setenv("WORKBENCH_DB_URL", study_copy)
    return Workbench(make_engine(study_copy), load_study())


def _first_subject(wb: Workbench) -> int:
    """The demo's first subject: dosed, with done visits and data on every form."""
    return int(subject_frame(wb)["id"].iloc[0])


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_an_identifier(app_url: Workbench, role: str) -> None:
    wb = app_url
    subject_id = _first_subject(wb)
    visit_id = next(r.visit_id for r in calendar(wb, subject_id) if r.status == "done")
    at = demo_app(role)
    found: list[str] = []
    pages = [p for p in navigation.PAGES if role in p.roles and p.file != "patient_mode.py"]
    for spec in pages:
        at.session_state["subject_id"] = subject_id
        at.session_state["visit_id"] = visit_id
        at.switch_page(str(navigation.PAGES_DIR / spec.file)).run()
        assert not at.exception, (spec.file, at.exception)
        found += [f"{spec.file}: {f}" for f in identifiers(shown_texts(at, DATA_COLUMNS))]
    assert not found, "\n".join(found)


def test_no_capture_form_shows_an_identifier(app_url: Workbench) -> None:
    wb = app_url
    subject_id = _first_subject(wb)
    found: list[str] = []
    opened: set[str] = set()
    for row in calendar(wb, subject_id):
        codes = capture_forms.capturable(wb, wb.study.visit(row.visit_code).forms)
        new = [c for c in codes if c not in opened and row.status == "done"]
        if not new:
            continue
        at = demo_app("investigator")
        at.session_state["subject_id"] = subject_id
        at.session_state["visit_id"] = row.visit_id
        at.switch_page(str(navigation.PAGES_DIR / "visit.py")).run()
        for code in new:
            at.selectbox(key=capture_forms.SELECTED).set_value(code).run()
            assert not at.exception, (code, at.exception)
            opened.add(code)
            texts = shown_texts(at, DATA_COLUMNS)
            found += [f"{row.visit_code} {code}: {f}" for f in identifiers(texts)]
    every_form = {f.code for f in wb.study.forms}
    assert opened >= {c for c in every_form if c in capture_forms.capturable(wb, every_form)}
    assert not found, "\n".join(found)


def test_the_check_finds_what_it_looks_for() -> None:
    """The patterns are not vacuous: each kind of identifier this issue removed is caught."""
    shown = [
        ShownText("help", "Converted to a prednisone-equivalent dose (spec/scoring.md §6.1)"),
        ShownText("body", "automatic (VISIT_WINDOW) · on visit.actual_date"),
        ShownText("cell:decided by", "sledai, pga, rule:rescue_therapy"),
        ShownText("column", "screening_number"),
        ShownText("body", "REQ-EXP-01"),
    ]
    kinds = {f.split(" in ")[0] for f in identifiers(shown)}
    assert kinds == set(IDENTIFIERS)
    assert not identifiers([ShownText("body", "SLEDAI-2K total, PGA 0–3, SRI-4 (CTCAE v5.0)")])
