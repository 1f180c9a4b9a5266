"""Benchmark (#18): what a user feels after saving one form, at 500 and 2,000 subjects.

Per study size, in one process, with AppTest runs sharing one ScriptCache (as the server does):
- cold: Home's first run on an empty cache (every subject computed, with the progress bar), and
  the full recomputation (`records.outcomes.snapshot.build_outcomes`) timed alone;
- after an edit: one form corrected (the PGA of a random subject's visit, with a reason, through
  `records.assessments.save_assessment`), then the first run of one outcome page, which
  recomputes the edited subject and that page's study-level tables; each page in turn, `rounds`
  times, median (goal: ≤ 0.3 s at every size); Home twice, as a monitor and as a coordinator
  (who also sees the worklist);
- warm: reruns of each page with nothing changed (median of `reruns`);
each also as a ratio to the minimal page's warm rerun (benchmarks/minimal_page.py) in the same
run. Times are server time: the script run, not the browser.

The study is benchmarks/outcomes_study.py's clone of the demo (about 4 GB per 1,000 subjects).
Edits are written into it, so a reused file gains a few audited corrections per run.

Run: .venv/bin/python benchmarks/bench_outcomes_edit.py [subjects[=study.db] ...] [--rounds N]
e.g. `... 500 2000` builds both studies (2,000 subjects: about 13 minutes); `500=/tmp/s500.db`
reuses a file written by an earlier run.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from sqlalchemy import text  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.bench_pages import PAGES, _bytecode_cached, _first_run, _study, _timed  # noqa: E402
from models import Actor  # noqa: E402
from models.db import make_engine  # noqa: E402
from records.assessments import load_assessment, save_assessment  # noqa: E402
from records.context import Workbench  # noqa: E402
from records.outcomes.snapshot import build_outcomes  # noqa: E402
from study import load_study  # noqa: E402

GOAL_S = 0.3
COORDINATOR = {
    "id": 2,
    "username": "coord",
    "full_name": "Bench Coordinator",
    "role": "coordinator",
}
"""Home as site staff see it: with the worklist of the site's visits."""
EDITOR = Actor(user_id=None, username="bench", full_name="Bench Investigator", role="investigator")


class Editor:
    """Single-form corrections: the PGA of a random visit, as a site would correct it."""

    def __init__(self, wb: Workbench, seed: int = 18) -> None:
        self.wb, self.rng = wb, random.Random(seed)
        with wb.engine.connect() as conn:
            query = "SELECT visit_id FROM assessment WHERE form_code = 'PGA' AND state = 'complete'"
            self.visits = [int(v) for (v,) in conn.execute(text(query))]

    def edit(self) -> None:
        """Correct one PGA (to 2.50, or 1.00 when it reads 2.50), with a reason."""
        visit_id = self.rng.choice(self.visits)
        saved = load_assessment(self.wb, visit_id, "PGA")
        assert saved is not None
        value = "1.00" if saved.values.get("PGA") == "2.50" else "2.50"
        save_assessment(self.wb, EDITOR, visit_id=visit_id, form_code="PGA",
                        values={"PGA": value}, reason="benchmark correction",
                        expected_version=saved.version)  # fmt: skip


def _cold(wb: Workbench) -> tuple[float, float, dict[str, AppTest]]:
    """The full recomputation alone, then Home's first run on empty caches (other pages then
    run once, so every page has its AppTest)."""
    start = time.perf_counter()
    build_outcomes(wb)
    full = time.perf_counter() - start
    st.cache_resource.clear()
    st.cache_data.clear()
    apps, home = {}, 0.0
    for name, path in PAGES.items():
        apps[name], took = _first_run(path)
        home = took if name == "home (dashboard)" else home
    apps["home (coordinator)"], _ = _first_run(PAGES["home (dashboard)"], COORDINATOR)
    return full, home, apps


def _after_edits(apps: dict[str, AppTest], editor: Editor, rounds: int) -> dict[str, float]:
    """Median first run of each page after a single-form edit. The minimal page reads no
    outcomes, so it runs without an edit: one made before it would be computed by the next
    page, which would then pay for two edited subjects."""
    shared, times = ScriptCache(), {name: [] for name in apps}
    with _bytecode_cached(shared):
        for _ in range(rounds):
            for name, at in apps.items():
                if name != "minimal":
                    editor.edit()
                times[name].append(_timed(at))
    return {name: statistics.median(t) for name, t in times.items()}


def _warm(apps: dict[str, AppTest], reruns: int) -> dict[str, float]:
    shared, times = ScriptCache(), {name: [] for name in apps}
    with _bytecode_cached(shared):
        for _ in range(reruns):
            for name, at in apps.items():
                times[name].append(_timed(at))
    return {name: statistics.median(t) for name, t in times.items()}


def measure(url: str, rounds: int) -> dict[str, object]:
    """Every figure of one study size."""
    os.environ["WORKBENCH_DB_URL"] = url
    engine = make_engine(url)
    wb = Workbench(engine, load_study())
    with engine.connect() as conn:
        subjects = int(conn.execute(text("SELECT COUNT(*) FROM subject")).scalar() or 0)
    full, home, apps = _cold(wb)
    warm = _warm(apps, 3 * rounds)
    edited = _after_edits(apps, Editor(wb), rounds)
    engine.dispose()
    return {"subjects": subjects, "full": full, "home": home, "warm": warm, "edited": edited}


def report(found: dict[str, object]) -> None:
    """Print one study size's figures, seconds and ratios to the minimal page."""
    warm, edited = found["warm"], found["edited"]
    assert isinstance(warm, dict) and isinstance(edited, dict)
    base = warm["minimal"]
    print(f"\n== {found['subjects']} subjects (minimal page warm rerun {base * 1000:.1f} ms)")
    for label in ("full", "home"):
        seconds = float(found[label])  # type: ignore[arg-type]
        name = "full recomputation" if label == "full" else "Home, cold first run"
        print(f"{name:<28}{seconds:>9.2f} s{seconds / base:>12.0f}× minimal")
    print(f"{'page':<20}{'after edit s':>13}{'× minimal':>11}{'warm ms':>10}{'× minimal':>11}")
    for name in warm:
        e, w = edited[name], warm[name]
        print(f"{name:<20}{e:>13.3f}{e / base:>11.1f}{w * 1000:>10.1f}{w / base:>11.2f}")
    worst = max(v for k, v in edited.items() if k != "minimal")
    verdict = "met" if worst <= GOAL_S else "NOT met"
    print(f"goal: first page run after an edit ≤ {GOAL_S} s: {verdict} (worst {worst:.3f} s)")


def main(args: list[str]) -> int:
    """Measure each study size given (build it, or reuse `n=path`); `--rounds N` edits."""
    rounds = 5
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds, args = int(args[at + 1]), args[:at] + args[at + 2 :]
    for size in args or ["500"]:
        n, _, path = size.partition("=")
        with tempfile.TemporaryDirectory() as folder:
            report(measure(_study(folder, int(n), path or None), rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
