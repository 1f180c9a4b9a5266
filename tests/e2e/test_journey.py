"""Sign in, open the subject list, open a subject: in a real browser against a real server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.subjects import screen_subject
from study import load_study
from tests.e2e.conftest import choose, expect_home, screenshot, wait_idle

PASSWORD = "a long enough password"


def _prepared_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'e2e-journey.db'}"
    engine = make_engine(url)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    inv = auth.create_user(
        engine,
        auth.actor_for(admin),
        {
            "username": "ivy",
            "full_name": "Ivy Investigator",
            "role": "investigator",
            "password": PASSWORD,
        },
    )
    wb = Workbench(engine, load_study())
    for n in (1, 2):
        screen_subject(
            wb,
            auth.actor_for(inv),
            {
                "screening_number": f"001-00{n}",
                "sex": "F",
                "birth_year": 1980 + n,
                "consent_date": date(2025, 2, n),
            },
        )
    engine.dispose()
    return url


def test_sign_in_open_subject_list_and_a_subject(tmp_path: Path, start_server, page: Page):
    server = start_server(_prepared_db(tmp_path))
    page.goto(server.url)
    wait_idle(page)
    page.get_by_label("Username").fill("ivy")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_home(page)
    screenshot(page, "journey-home")

    page.get_by_role("link", name="Subjects").click()
    expect(page.get_by_role("heading", name="Subjects")).to_be_visible(timeout=30_000)
    wait_idle(page)
    choose(page, "open_subject_choice", "001-002")
    page.locator(".st-key-open_subject button").click()
    expect(page.get_by_role("heading", name="Subject 001-002")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Visit calendar")).to_be_visible()
    screenshot(page, "journey-subject")
