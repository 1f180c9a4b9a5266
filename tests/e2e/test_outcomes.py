"""Open a subject timeline and the response table in a real browser; download a PNG and a CSV."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from demo import build_demo
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from study import load_study
from tests.e2e.conftest import screenshot, wait_idle

PASSWORD = "a long enough password"
FOLD = 1080
"""A full-HD browser window: the headline charts must fit in its first screenful."""


def _demo_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'e2e-outcomes.db'}"
    engine = make_engine(url)
    upgrade(engine)
    build_demo(Workbench(engine, load_study()), subjects=10, seed=1)
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    values = {"username": "ivy", "full_name": "Ivy Investigator", "role": "investigator"}
    auth.create_user(engine, auth.actor_for(admin), {**values, "password": PASSWORD})
    values = {"username": "mo", "full_name": "Mo Monitor", "role": "monitor"}
    auth.create_user(engine, auth.actor_for(admin), {**values, "password": PASSWORD})
    engine.dispose()
    return url


def _sign_in(page: Page, url: str, username: str = "ivy") -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Study dashboard")).to_be_visible(timeout=30_000)


def test_timeline_and_response_table(tmp_path: Path, start_server, page: Page):
    server = start_server(_demo_db(tmp_path))
    _sign_in(page, server.url)
    wait_idle(page)
    expect(page.locator(".st-key-funnel_csv")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stDataFrame']:visible").first).to_be_visible()
    screenshot(page, "outcomes-home-dashboard")

    page.get_by_role("link", name="Subject timeline").click()
    expect(page.get_by_role("heading", name="Subject timeline")).to_be_visible(timeout=30_000)
    wait_idle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart).to_be_visible(timeout=30_000)
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    screenshot(page, "outcomes-subject-timeline")
    with page.expect_download() as download:
        page.locator(".st-key-timeline_png button").click()
    png = tmp_path / "timeline.png"
    download.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG")

    page.get_by_role("link", name="Response status").click()
    expect(page.get_by_role("heading", name="Response status")).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.locator(".st-key-responses_table")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Explanation")).to_be_visible()
    expect(page.get_by_text("Decided by:")).to_be_visible()
    screenshot(page, "outcomes-response-status")
    with page.expect_download() as download:
        page.locator(".st-key-responses_csv button").click()
    csv = tmp_path / "responses.csv"
    download.value.save_as(csv)
    header = csv.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("subject,V5,V6,V7")  # SRI-4, subject × visit


def test_sponsor_home_shows_the_headline_charts_above_the_fold(
    tmp_path: Path, start_server, page: Page
):
    """The sponsor's monitor opens Home: four drawn charts in the first screenful, the status
    table folded away."""
    server = start_server(_demo_db(tmp_path))
    page.set_viewport_size({"width": 1400, "height": FOLD})
    _sign_in(page, server.url, "mo")
    wait_idle(page)
    for name in ("enrolment", "sledai_change", "sri4_by_visit", "teae_severity"):
        chart = page.locator(f".st-key-headline_{name}")
        expect(chart).to_be_visible(timeout=30_000)
        expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
        box = chart.bounding_box()
        assert box is not None and box["y"] + box["height"] <= FOLD, name  # above the fold
    charts = page.locator("[data-testid='stVegaLiteChart']")
    expect(charts).to_have_count(4)
    expect(page.get_by_text("Subjects by status")).to_be_visible()
    screenshot(page, "sponsor-home-headline-charts")
