"""A coordinator's day in a real browser (#14 items 1–2): Home's worklist → one click on a row
opens that visit → one click on a row of its forms table opens that form."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from demo import build_demo
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.outcomes.snapshot import build_outcomes
from records.outcomes.worklist import worklist
from study import load_study
from tests.e2e.conftest import choose, key, rerun, screenshot, sign_in, wait_idle
from ui.capture.forms import capturable

PASSWORD = "a long enough password"
HEADER_PX, ROW_PX = 35, 35
"""Streamlit's data grid: header and row heights at the default size."""


def _demo(tmp_path: Path) -> tuple[str, Workbench]:
    url = f"sqlite:///{tmp_path / 'e2e-worklist.db'}"
    engine = make_engine(url)
    upgrade(engine)
    wb = Workbench(engine, load_study())
    build_demo(wb, subjects=10, seed=1)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    values = {"username": "cora", "full_name": "Cora Coordinator", "role": "coordinator"}
    auth.create_user(engine, auth.actor_for(admin), {**values, "password": PASSWORD})
    return url, wb


def test_worklist_row_opens_the_visit_and_its_form(tmp_path: Path, start_server, browser: Browser):
    url, wb = _demo(tmp_path)
    o = build_outcomes(wb)
    rows = worklist(o.measures, o.data, o.study, o.data.today)
    due = rows.index[rows["State"] == "due: window open"][0]  # the demo's subject in follow-up
    subject, visit = rows.loc[due, "Subject"], rows.loc[due, "Visit"]
    server = start_server(url)
    page = sign_in(browser, server.url, "cora", PASSWORD)
    table = key(page, "worklist_table")
    expect(table).to_be_visible(timeout=30_000)
    screenshot(page, "worklist-home")
    box = table.bounding_box()
    assert box is not None
    with rerun(page):  # the row's selection box, in the grid's first column
        page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX * due + ROW_PX / 2)
    heading = page.get_by_role("heading", name=f"{subject} · {visit}")
    expect(heading).to_be_visible(timeout=30_000)
    wait_idle(page)
    forms = page.locator("[class*='st-key-visit_forms_']")  # the visit's forms table
    expect(forms).to_be_visible(timeout=30_000)
    box = forms.bounding_box()
    assert box is not None
    codes = capturable(wb, wb.study.visit(visit).forms)  # in the table's order
    third = wb.study.form_name(codes[2])
    with rerun(page):
        page.mouse.click(box["x"] + 16, box["y"] + HEADER_PX + ROW_PX * 2 + ROW_PX / 2)
    expect(page.get_by_role("heading", name=third, exact=True)).to_be_visible(timeout=30_000)
    screenshot(page, "worklist-visit-form")
    choose(page, "visit_form", wb.study.form_name("PGA"))  # the chooser still works after
    expect(page.get_by_role("heading", name=wb.study.form_name("PGA"), exact=True)).to_be_visible(
        timeout=30_000
    )
