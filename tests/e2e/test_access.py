"""A fresh server: deep links to every page before anyone loaded the root show nothing private."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from models.db import make_engine, upgrade
from records import auth
from tests.e2e.conftest import screenshot, wait_idle
from ui.navigation import PAGES

PASSWORD = "a long enough password"


def test_deep_links_on_a_fresh_server_show_only_the_sign_in_page(
    tmp_path: Path, start_server, page: Page
):
    url = f"sqlite:///{tmp_path / 'e2e-access.db'}"
    engine = make_engine(url)
    upgrade(engine)
    auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    engine.dispose()
    server = start_server(url)  # nobody has loaded "/" on this server yet
    for spec in PAGES:
        page.goto(f"{server.url}/{spec.url_path}")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert page.locator("[data-testid='stDataFrame']").count() == 0
        nav_text = page.locator("[data-testid='stSidebarNav']").all_inner_texts()
        assert not any("Users" in t or "Audit" in t for t in nav_text), nav_text
    screenshot(page, "deep-link-users-refused")
