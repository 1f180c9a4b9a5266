"""Benchmark: each outcome page's script run (AppTest) on a 500-subject study vs a minimal page.

Builds the study with benchmarks/outcomes_study.py (the demo, cloned; see there why), then runs
every page in the same process: one first run (the first page pays for computing the outcomes
once; later pages hit the cache) and then warm reruns, whose median is compared with the
minimal page's (benchmarks/minimal_page.py). Goal: every page within 3× the minimal page.

Warm reruns are timed two ways, interleaved so background load hits both alike:
- "compiled each run": plain AppTest, which makes a new ScriptCache per run and so parses,
  rewrites (magic) and compiles the page source every time (1–2 ms for a 60–90 line page);
- "bytecode cached": one shared ScriptCache, as `streamlit run` keeps one per server, so only
  the page's own work is timed.
AppTest polls for the end of a run every 1 ms, so differences below that are coarse. The script
reports; it exits 0 whether or not the goal is met (the verdict line says which).

Run: .venv/bin/python benchmarks/bench_pages.py [subjects] [reruns] [existing study.db]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, local_script_runner  # noqa: E402

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


def _first_run(path: Path, user: dict[str, object] = USER) -> tuple[AppTest, float]:
    """A page's AppTest after its first run (signed in as `user`), and how long it took."""
    at = AppTest.from_file(str(path), default_timeout=600)
    at.session_state["user"] = user
    start = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(f"{path.name}: {at.exception[0].value}")
    return at, time.perf_counter() - start


@contextmanager
def _bytecode_cached(shared: ScriptCache) -> Iterator[None]:
    """AppTest runs reuse one ScriptCache (compiled pages), as the server does."""
    original = local_script_runner.ScriptCache
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        local_script_runner.ScriptCache = original  # type: ignore[misc]


def _timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def _warm_runs(apps: dict[str, AppTest], rounds: int) -> dict[str, tuple[float, float]]:
    """Median rerun time of each page (compiled each run, bytecode cached); pages and modes
    take turns so background load hits all alike."""
    shared = ScriptCache()
    compiled: dict[str, list[float]] = {name: [] for name in apps}
    cached: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):
        for name, at in apps.items():
            compiled[name].append(_timed(at))
            with _bytecode_cached(shared):
                cached[name].append(_timed(at))
    median = statistics.median
    return {name: (median(compiled[name]), median(cached[name])) for name in apps}


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


def _report(results: dict[str, tuple[float, tuple[float, float]]]) -> None:
    """Print each page's warm median and its ratio to the minimal page, for both modes."""
    bases = results["minimal"][1]
    print(f"\n{'':<18}{'':>12}{'compiled each run':>22}{'bytecode cached':>22}")
    print(f"{'page':<18}{'first run s':>12}" + f"{'warm ms':>11}{'× minimal':>11}" * 2)
    worst = [0.0, 0.0]
    for name, (first, warm) in results.items():
        row = f"{name:<18}{first:>12.2f}"
        for mode, (ms, base) in enumerate(zip(warm, bases, strict=True)):
            worst[mode] = max(worst[mode], ms / base)
            row += f"{ms * 1000:>11.1f}{ms / base:>11.2f}"
        print(row)
    for label, ratio in zip(("compiled each run", "bytecode cached"), worst, strict=True):
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(
            f"goal ({label}): every page within {GOAL:g}× the minimal page: {verdict}"
            f" (worst {ratio:.2f}×)"
        )


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
    _report({name: (started[name][1], warm[name]) for name in PAGES})
    return 0


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*numbers, *sys.argv[3:4]))
