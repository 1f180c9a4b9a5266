"""Benchmark: each outcome page's script run (AppTest) on a 500-subject study vs a minimal page.

Builds the study with benchmarks/outcomes_study.py (the demo, cloned; see there why), then runs
every page in the same process: one first run (the first page pays for computing the outcomes
once; later pages hit the cache) and then warm reruns, whose median is compared with the
minimal page's (benchmarks/minimal_page.py). Goal: every page within 3× the minimal page.

Run: .venv/bin/python benchmarks/bench_pages.py [subjects] [reruns] [existing study.db]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.outcomes_study import build_outcomes_study  # noqa: E402
from models.db import make_engine, upgrade  # noqa: E402
from records.context import Workbench  # noqa: E402
from records.outcomes.snapshot import build_outcomes  # noqa: E402
from study import load_study  # noqa: E402

PAGES = {
    "minimal": ROOT / "benchmarks" / "minimal_page.py",
    "home (dashboard)": ROOT / "app_pages" / "home.py",
    "timeline": ROOT / "app_pages" / "timeline.py",
    "responses": ROOT / "app_pages" / "responses.py",
    "efficacy": ROOT / "app_pages" / "efficacy.py",
    "safety": ROOT / "app_pages" / "safety.py",
}
USER = {"id": 1, "username": "bench", "full_name": "Bench Monitor", "role": "monitor"}
GOAL = 3.0


def _first_run(path: Path) -> tuple[AppTest, float]:
    """A page's AppTest after its first run, and how long that run took."""
    at = AppTest.from_file(str(path), default_timeout=600)
    at.session_state["user"] = USER
    start = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(f"{path.name}: {at.exception[0].value}")
    return at, time.perf_counter() - start


def _warm_runs(apps: dict[str, AppTest], rounds: int) -> dict[str, float]:
    """Median rerun time of each page; pages take turns so background load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, at in apps.items():
            start = time.perf_counter()
            at.run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _study(folder: str, subjects: int, reuse: str | None) -> str:
    """The database URL: a reused study file, or a new one written into `folder`."""
    if reuse:
        return f"sqlite:///{reuse}"
    url = f"sqlite:///{Path(folder) / 'bench-pages.db'}"
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    made = build_outcomes_study(Workbench(engine, load_study()), subjects)
    print(f"study: {made} subjects written in {time.perf_counter() - start:.1f} s")
    engine.dispose()
    return url


def _report(results: dict[str, tuple[float, float]]) -> int:
    base = results["minimal"][1]
    print(f"\n{'page':<18}{'first run s':>12}{'warm ms':>10}{'× minimal':>11}")
    worst = 0.0
    for name, (first, warm) in results.items():
        ratio = warm / base
        worst = max(worst, ratio)
        print(f"{name:<18}{first:>12.2f}{warm * 1000:>10.1f}{ratio:>11.2f}")
    verdict = "met" if worst <= GOAL else "NOT met"
    print(f"\ngoal: every page within {GOAL:g}× the minimal page: {verdict} (worst {worst:.2f}×)")
    return 0 if worst <= GOAL else 1


def main(subjects: int = 500, reruns: int = 40, reuse: str | None = None) -> int:
    """Write (or reuse) the study, time the outcome computation and every page."""
    with tempfile.TemporaryDirectory() as folder:
        url = _study(folder, subjects, reuse)
        os.environ["WORKBENCH_DB_URL"] = url
        engine = make_engine(url)
        start = time.perf_counter()
        build_outcomes(Workbench(engine, load_study()))
        elapsed = time.perf_counter() - start
        print(f"outcomes computed from the database (a cache miss): {elapsed:.2f} s")
        started = {name: _first_run(path) for name, path in PAGES.items()}
        warm = _warm_runs({name: at for name, (at, _) in started.items()}, reruns)
        engine.dispose()
    return _report({name: (started[name][1], warm[name]) for name in PAGES})


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*numbers, *sys.argv[3:4]))
