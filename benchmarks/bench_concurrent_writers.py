"""Benchmark: audited saves per second with 1, 4 and 8 concurrent writers, SQLite and PostgreSQL.

Each writer has its own engine (as separate app servers do) and saves adverse events on its own
dosed subject through the real write path (validation, account check, write rules, audit rows
and the hash chain). Writers queue on one lock on both engines (BEGIN IMMEDIATE; the global
advisory lock on PostgreSQL), so the figure to watch is that throughput holds, not that it
scales; the ratio is to one writer on the same engine in the same run. After each round the
audit chain is verified and the AE numbers checked for gaps and duplicates.

PostgreSQL is a throw-away server started for the run (tests/postgres_server.py, Debian's
postgresql package, fsync off as in the tests).

Run: .venv/bin/python benchmarks/bench_concurrent_writers.py [saves_per_writer]
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from models import Actor, AdverseEvent
from models.db import make_engine, upgrade
from records.adverse_events import save_adverse_event
from records.audit_trail import verify_chain
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.vitals import save_vitals
from study import load_study
from tests.postgres_server import fresh_database_name, running_server
from tests.records.conftest import NOW, TODAY, all_met, dose_values, screen

ACTOR = Actor(user_id=None, username="bench", full_name="Bench Writer", role="investigator")
AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
WRITER_COUNTS = (1, 4, 8)


def _dosed_subject(wb: Workbench, number: int) -> int:
    """A subject screened, eligible and dosed on 2025-02-20, ready for adverse events."""
    subject = screen(wb, ACTOR, f"001-{number:03d}")
    v1 = subject.visits["V1"]
    save_eligibility(wb, ACTOR, visit_id=subject.visits["SCR"], values=all_met(wb), today=TODAY)
    save_vitals(wb, ACTOR, visit_id=v1, values={"WEIGHT": 64}, timepoint="PRE", today=TODAY)
    record_dose(wb, ACTOR, visit_id=v1, values=dose_values(), now=NOW)
    return subject.id


def _round(url: str, writers: int, saves: int) -> float:
    """Saves per second of `writers` concurrent writers, each `saves` AEs on its own subject."""
    study = load_study()
    setup = Workbench(engine=make_engine(url), study=study)
    subjects = [_dosed_subject(setup, 100 * writers + n) for n in range(writers)]
    engines = [make_engine(url) for _ in range(writers)]
    start = threading.Barrier(writers + 1)

    def write(n: int) -> None:
        own = Workbench(engine=engines[n], study=study)
        start.wait()
        for i in range(saves):
            values = {**AE, "term": f"Headache {i}"}
            save_adverse_event(own, ACTOR, subject_id=subjects[n], values=values, today=TODAY)

    with ThreadPoolExecutor(writers) as pool:
        futures = [pool.submit(write, n) for n in range(writers)]
        start.wait()
        began = time.perf_counter()
        for f in futures:
            f.result()
        elapsed = time.perf_counter() - began
    for engine in engines:
        engine.dispose()
    report = verify_chain(setup.engine)
    assert report.ok, report.problems
    with setup.engine.connect() as conn:
        for subject in subjects:
            numbers = conn.scalars(
                select(AdverseEvent.sequence).where(AdverseEvent.subject_id == subject)
            ).all()
            assert sorted(numbers) == list(range(1, saves + 1)), (subject, numbers)
    setup.engine.dispose()
    return writers * saves / elapsed


@contextmanager
def _engines() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        server = running_server()
        pg = next(server)
        name = fresh_database_name()
        pg.janitor(name).init()
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgresql": pg.url(name)}
        try:
            yield urls
        finally:
            server.close()


def main(saves: int) -> None:
    with _engines() as urls:
        print(f"audited AE saves per second ({saves} saves per writer; ratio to 1 writer)")
        for name, url in urls.items():
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            single = None
            for writers in WRITER_COUNTS:
                rate = _round(url, writers, saves)
                single = single or rate
                print(f"  {name:<10} {writers} writer(s): {rate:7.1f}/s  ×{rate / single:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
