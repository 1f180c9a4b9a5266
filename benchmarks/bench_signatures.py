"""Benchmark: signing casebooks and visits, verifying every signature, the PI worklist, and
failed sign-ins under throttling (#11).

Builds the demo study (N subjects, default 10) in a temp SQLite file, signs every ready visit
and casebook as an investigator, then times `verify_signatures` (every hash recomputed) and the
sign-off worklist; finally 60 wrong guesses at one unknown username and 60 at distinct ones.

Run: .venv/bin/python benchmarks/bench_signatures.py [subjects]
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo import build_demo
from models import SYSTEM_ACTOR
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.errors import PermissionDenied
from records.signatures import sign, verify_signatures
from records.signoff import worklist
from study import load_study

PASSWORD = "benchmark signing phrase"


def _guesses(wb: Workbench, names: list[str]) -> float:
    start = time.perf_counter()
    for n, name in enumerate(names):
        with contextlib.suppress(PermissionDenied):
            auth.authenticate(wb.engine, name, f"guess number {n}")
    return time.perf_counter() - start


def main(subjects: int = 10) -> None:
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    build_demo(wb, subjects=subjects, seed=1)
    values = {"username": "pi", "full_name": "Pat Investigator", "role": "investigator"}
    pi = auth.actor_for(auth.create_user(engine, SYSTEM_ACTOR, values | {"password": PASSWORD}))
    ready = [i for i in worklist(wb) if i.ready]
    times = []
    for item in ready:
        start = time.perf_counter()
        code = "REVIEW" if item.visit_id is not None else "APPROVAL"
        sign(wb, pi, subject_id=item.subject_id, visit_id=item.visit_id, meaning_code=code,
             password=PASSWORD)  # fmt: skip
        times.append(time.perf_counter() - start)
    print(f"signed {len(times)}: mean {sum(times) / len(times):.3f} s, max {max(times):.3f} s")
    start = time.perf_counter()
    checked, problems = verify_signatures(engine)
    print(f"verify {checked} signatures: {time.perf_counter() - start:.2f} s, {len(problems)} bad")
    start = time.perf_counter()
    items = worklist(wb)
    print(f"worklist ({len(items)} open items): {time.perf_counter() - start:.2f} s")
    one = _guesses(wb, ["ghost"] * 60)
    many = _guesses(wb, [f"name{n}" for n in range(60)])
    print(f"60 guesses, one unknown username: {one:.2f} s; 60 distinct usernames: {many:.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
