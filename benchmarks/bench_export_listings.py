"""Benchmark: the listings export against a naive pandas export of the same database.

Builds the 500-subject study of benchmarks/outcomes_study.py (the demo, cloned: the same data
as the page benchmark) in a temp SQLite file, then times `build_listings_export` and the naive
baseline (every table read with pandas and written with DataFrame.to_excel, default engine) in
the same run. Goal: ours ≤ 0.7 × naive.

Run: .venv/bin/python benchmarks/bench_export_listings.py [subjects [runs]]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd
from sqlalchemy import Engine

from benchmarks.outcomes_study import TABLES, build_outcomes_study
from exports import ListingOptions, build_listings_export
from models import Actor
from models.db import make_engine, upgrade
from records.context import Workbench
from study import load_study

ACTOR = Actor(user_id=None, username="bench", full_name="Bench Monitor", role="monitor")


def naive_export(engine: Engine) -> tuple[bytes, str]:
    """The baseline: each clinical table read with pandas and written with DataFrame.to_excel
    (pandas' default engine: XlsxWriter, the faster of its two, when installed)."""
    buffer = io.BytesIO()
    with engine.connect() as conn, pd.ExcelWriter(buffer) as writer:
        for name in TABLES:
            frame = pd.read_sql_table(name, conn)
            for column in frame.select_dtypes(include=["datetimetz"]).columns:
                frame[column] = frame[column].dt.tz_localize(None)
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue(), str(writer.engine)


def _best(label: str, action: Any, runs: int) -> tuple[float, Any]:
    """Best wall time of `runs` runs (the machine may be shared), printed with every run."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    print(f"{label:<6} best {min(times):6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
    return min(times), result


def main(n: int = 500, runs: int = 2) -> None:
    """Build, time both exports (best of `runs`), print times, sizes and the ratio."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        wb = Workbench(engine=engine, study=load_study())
        n = build_outcomes_study(wb, n)
        ours, export = _best(
            "ours", lambda: build_listings_export(wb, ACTOR, ListingOptions()), runs
        )
        naive, (baseline, engine_name) = _best("naive", lambda: naive_export(engine), runs)
        rows = sum(r.rows for r in export.sheets)
        print(
            f"{n} subjects; ours: {rows} rows over {len(export.sheets)} sheets, "
            f"{len(export.content):,} bytes; naive ({engine_name}): {len(baseline):,} bytes"
        )
        print(f"ratio ours/naive = {ours / naive:.2f} (goal ≤ 0.70)")
        engine.dispose()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
