"""A monitor downloads the listings workbook in a real browser; openpyxl reads it back."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from demo import build_demo
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from study import load_study
from tests.e2e.conftest import screenshot, wait_idle

PASSWORD = "a long enough password"


def _demo_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'e2e-export.db'}"
    engine = make_engine(url)
    upgrade(engine)
    build_demo(Workbench(engine, load_study()), subjects=3, seed=5, today=date(2026, 2, 1))
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    auth.create_user(
        engine,
        auth.actor_for(admin),
        {"username": "mo", "full_name": "Mo Monitor", "role": "monitor", "password": PASSWORD},
    )
    engine.dispose()
    return url


def test_monitor_downloads_the_listings_workbook(tmp_path: Path, start_server, page: Page):
    server = start_server(_demo_db(tmp_path))
    page.goto(server.url)
    wait_idle(page)
    page.get_by_label("Username").fill("mo")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Export listings").click()
    expect(page.get_by_role("heading", name="Export listings")).to_be_visible(timeout=30_000)
    wait_idle(page)
    page.locator(".st-key-exp_build button").click()
    button = page.locator(".st-key-exp_download button")
    expect(button).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        button.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    screenshot(page, "export-ready")

    assert target.name.startswith("LK-23-01_NCT06737380_listings_cut-")
    book = load_workbook(target, read_only=True)
    assert book.sheetnames[0] == "Cover" and len(book.sheetnames) > 20
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_monitor_downloads_the_submission_package(tmp_path: Path, start_server, page: Page):
    """The SDTM/ADaM zip in a real browser; every XPT inside reads back with pyreadstat."""
    import pyreadstat

    server = start_server(_demo_db(tmp_path))
    page.goto(server.url)
    wait_idle(page)
    page.get_by_label("Username").fill("mo")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Export listings").click()
    expect(page.get_by_role("heading", name="Export listings")).to_be_visible(timeout=30_000)
    wait_idle(page)
    page.locator(".st-key-exp_sdtm_build button").click()
    button = page.locator(".st-key-exp_sdtm_download button")
    expect(button).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        button.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    screenshot(page, "export-sdtm-ready")

    assert target.name == "LK-23-01_NCT06737380_sdtm_adam.zip"
    folder = tmp_path / "package"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder)
    xpts = sorted(folder.rglob("*.xpt"))
    assert len(xpts) == 23
    for path in xpts:
        _frame, meta = pyreadstat.read_xport(str(path))
        assert meta.table_name == path.stem.upper()
    dm, _ = pyreadstat.read_xport(str(folder / "sdtm" / "dm.xpt"))
    assert len(dm) == 3
