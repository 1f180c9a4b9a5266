"""Benchmark: `verify` (all checks), verified backup and restore on the demo study (issue #13).

Builds the demo with N subjects in a temp SQLite file, then times the full check, the check
against an anchor, a verified backup (with manifest) and a restore of it. Goal: a restore costs
no more than a backup plus a verify (it verifies the copy once, then swaps files).

Run: .venv/bin/python benchmarks/bench_verify_restore.py [subjects]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo import build_demo
from models import SYSTEM_ACTOR
from models.db import make_engine, upgrade
from records.context import Workbench
from records.integrity import read_anchor
from records.maintenance import backup, check
from records.restore import restore
from study import load_study


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"  {label:<22} {seconds:7.2f} s")
    return result, seconds


def main(subjects: int = 10) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        build_demo(Workbench(engine=engine, study=load_study()), subjects=subjects, seed=1)
        report = check(engine)
        size = path.stat().st_size / 1e6
        print(f"demo: {subjects} subjects, {report.audit_rows:,} audit rows, {size:.1f} MB")
        _, verify_s = _timed("verify", lambda: check(engine))
        out = Path(tmp) / "backup.db"
        _, backup_s = _timed("backup (verified)", lambda: backup(engine, out))
        anchor = read_anchor(Path(str(out) + ".manifest.json"))
        _timed("verify --anchor", lambda: check(engine, anchor))
        engine.dispose()
        _, restore_s = _timed("restore", lambda: restore(path, out, SYSTEM_ACTOR, "benchmark"))
        goal = restore_s <= backup_s + verify_s
        print(f"restore {restore_s:.2f} s vs backup + verify {backup_s + verify_s:.2f} s: "
              f"{'ok' if goal else 'SLOWER THAN GOAL'}")  # fmt: skip
        return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
