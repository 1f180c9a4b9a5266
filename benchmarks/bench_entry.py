"""Benchmark (#14 item 3): one widget interaction on a capture form, in a real browser.

A 500-subject study (benchmarks/outcomes_study.py's clone of the demo) is served by
`streamlit run workbench.py`; Debian's Chromium, driven by Playwright, signs in as an
investigator and opens a new subject's screening visit. On each form it changes one widget at a
time and times, in the page, from the pointer going down on the option (or the key that commits
a typed result) to the end of the run it starts (Streamlit's script state back to "not
running", the page redrawn): what the coordinator waits for. The same is timed on a standalone
one-select-box page served alongside (benchmarks/minimal_widget_page.py), interleaved so
background load hits both alike; each form's median is reported as a ratio to it.

Forms: BILAG-2004 (a 0-4 item's select box: about 100 widgets on the form), SLEDAI-2K (a
descriptor's tick box) and biochemistry (a typed potassium, committed with Tab).
Goal: every median ≤ 300 ms. The script reports; it exits 0 whether or not the goal is met.

Run: .venv/bin/python benchmarks/bench_entry.py [subjects] [interactions] [existing study.db]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from sqlalchemy import text  # noqa: E402

from benchmarks.bench_pages import _study  # noqa: E402
from models import Actor  # noqa: E402
from models.db import make_engine  # noqa: E402
from records import auth  # noqa: E402
from records.assessments import save_assessment  # noqa: E402
from records.context import Workbench  # noqa: E402
from records.subjects import screen_subject  # noqa: E402
from records.visits import calendar, record_visit_date  # noqa: E402
from scoring import bilag, sledai  # noqa: E402
from study import load_study  # noqa: E402
from tests.e2e.server import Server  # noqa: E402

GOAL_MS = 300.0
PASSWORD = "a long enough password"
SUBJECT = "001-990"
CHROMIUM = "/usr/bin/chromium"
TIMER = """
(() => {
  const b = window.__bench = {started: 0, ended: 0, t0: 0, end: 0};
  const mark = () => { b.t0 = performance.now(); };
  document.addEventListener('pointerdown', mark, true);
  document.addEventListener('keydown', (e) => { if (e.key === 'Tab') mark(); }, true);
  new MutationObserver((records) => {
    for (const r of records) {
      const now = r.target.getAttribute('data-test-script-state');
      if (now === 'running' && r.oldValue !== 'running') b.started += 1;
      if (now !== 'running' && r.oldValue === 'running') {
        b.ended += 1;
        b.end = performance.now();
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""
Action = Callable[[Page], None]


def _prepare(url: str) -> None:
    """An investigator account and a subject at screening (its forms unsaved but the PGA);
    nothing when a reused study file has them from an earlier run."""
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM subject WHERE screening_number = :s"),
                        {"s": SUBJECT}).first():  # fmt: skip
            return
    admin = auth.create_first_admin(
        engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    values = {"username": "ivy", "full_name": "Ivy Investigator", "role": "investigator"}
    auth.create_user(engine, auth.actor_for(admin), values | {"password": PASSWORD})
    wb = Workbench(engine, load_study())
    site = Actor(None, "setup", "Set Up", "investigator", origin="cli")
    consent = date.today() - timedelta(days=3)
    person = {"screening_number": SUBJECT, "sex": "F", "birth_year": 1980, "consent_date": consent}
    subject = screen_subject(wb, site, person)
    scr = next(r.visit_id for r in calendar(wb, subject.id) if r.visit_code == "SCR")
    record_visit_date(wb, site, scr, consent + timedelta(days=1))
    # SLEDAI-2K opens once the PGA is on file (the PGA is rated first, blind to the score).
    save_assessment(wb, site, visit_id=scr, form_code="PGA", values={"PGA": "1.00"})
    engine.dispose()


def _idle(page: Page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def _timed(page: Page, act: Callable[[], None], attempts: int = 4) -> float:
    """Milliseconds from the user's action to the end of the run it starts. An action the
    page did not hear of (no run within 5 s: a list that closed under the pointer) is done
    again; the timer keeps the last action's start."""
    page.bring_to_front()  # keys go to the page in front
    _idle(page)
    before = page.evaluate("[window.__bench.started, window.__bench.ended]")
    for _ in range(attempts):
        try:
            act()
            page.wait_for_function("n => window.__bench.started > n", arg=before[0], timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            _idle(page)
    else:
        raise RuntimeError("the page started no run for the action")
    page.wait_for_function("n => window.__bench.ended > n", arg=before[1], timeout=60_000)
    _idle(page)
    return float(page.evaluate("window.__bench.end - window.__bench.t0"))


def _pick(page: Page, key: str, n: int) -> None:
    """Choose option n (modulo their number) of a keyed select box."""

    def click() -> None:
        options = page.get_by_role("option")
        options.nth(n % options.count()).click(timeout=5_000)

    _choose(page, key, click)


def _pick_text(page: Page, key: str, text: str) -> None:
    """Choose by text in a long (virtualised) list: typed to filter it, then clicked."""

    def click() -> None:
        page.keyboard.type(text)
        page.get_by_role("option", name=text, exact=True).click(timeout=5_000)

    _choose(page, key, click)


def _choose(page: Page, key: str, click: Callable[[], None]) -> None:
    """Open a keyed select box, centred first (any scroll closes an open list), and click."""
    box = page.locator(f".st-key-{key}")
    box.evaluate("el => el.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("option").first.wait_for(timeout=5_000)
    click()


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/visit?subject={SUBJECT}&visit=SCR")
    _idle(page)
    page.get_by_label("Username").fill("ivy")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=f"{SUBJECT} · SCR").wait_for(timeout=120_000)
    _idle(page)


def _open_form(page: Page, name: str) -> None:
    _timed(page, lambda: _pick_text(page, "visit_form", name))
    page.get_by_role("heading", name=name, exact=True).wait_for(timeout=60_000)
    _idle(page)


# Each call is a new change (a repeated action, see `_timed`, must not re-enter the same value).
CALLS = {name: count() for name in ("bilag", "sledai", "potassium", "minimal")}


def _bilag(page: Page) -> None:
    n, items = next(CALLS["bilag"]), bilag.ITEMS_BY_DOMAIN["constitutional"]
    _pick(page, f"BILAG2004__{items[n % len(items)]}", 1 + n // len(items))


def _sledai(page: Page) -> None:
    code = sledai.DESCRIPTORS[next(CALLS["sledai"]) % 4]
    page.locator(f".st-key-SLEDAI2K__{code} label").click()


def _potassium(page: Page) -> None:
    field = page.locator(".st-key-CHEM__K input")
    field.fill(f"{3.6 + next(CALLS['potassium']) % 10 / 10:.1f}")
    field.press("Tab")


def _minimal(page: Page) -> None:
    _pick(page, "item", next(CALLS["minimal"]))


FORMS: dict[str, tuple[str, Action]] = {
    "BILAG-2004 item (select box)": ("BILAG-2004", _bilag),
    "SLEDAI-2K descriptor (tick box)": ("SLEDAI-2K", _sledai),
    "Biochemistry result (typed, Tab)": ("Biochemistry", _potassium),
}


def main() -> None:
    subjects = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    reuse = sys.argv[3] if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as folder:
        url = _study(folder, subjects, reuse)
        _prepare(url)
        app = Server(url)
        minimal = Server(url, ROOT / "benchmarks" / "minimal_widget_page.py")
        try:
            results = _measure(app.url, minimal.url, rounds)
        finally:
            app.stop()
            minimal.stop()
    _report(subjects, rounds, results)


def _page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    context.add_init_script(TIMER)
    return context.new_page()


def _measure(app: str, minimal: str, rounds: int) -> Timings:
    out: Timings = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        form, base = (_page(browser) for _ in range(2))  # own cookies: the servers share a host
        base.goto(minimal)
        _idle(base)
        start = time.perf_counter()
        _sign_in(form, app)
        print(f"signed in and opened the visit in {time.perf_counter() - start:.1f} s")
        for label, (name, action) in FORMS.items():
            _open_form(form, name)
            _timed(form, lambda act=action: act(form))  # warms the form's caches
            mine, yardstick = [], []
            for _ in range(rounds):
                mine.append(_timed(form, lambda act=action: act(form)))
                yardstick.append(_timed(base, lambda: _minimal(base)))
            out[label] = (mine, yardstick)
        browser.close()
    return out


Timings = dict[str, tuple[list[float], list[float]]]


def _report(subjects: int, rounds: int, results: Timings) -> None:
    print(f"\n{subjects} subjects, {rounds} interactions per form, milliseconds in the browser")
    print(f"{'interaction':<36}{'median':>8}{'p90':>8}{'minimal':>9}{'× minimal':>11}")
    worst = 0.0
    for label, (mine, base) in results.items():
        median, floor = statistics.median(mine), statistics.median(base)
        p90 = statistics.quantiles(mine, n=10)[-1]
        worst = max(worst, median)
        print(f"{label:<36}{median:>8.0f}{p90:>8.0f}{floor:>9.0f}{median / floor:>11.2f}")
    verdict = "met" if worst <= GOAL_MS else "NOT met"
    print(f"goal: every median ≤ {GOAL_MS:.0f} ms: {verdict} (slowest {worst:.0f} ms)")


if __name__ == "__main__":
    main()
