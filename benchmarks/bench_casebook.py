"""Benchmark: the subject casebook PDF and the site archive (issue #15, items 3 and 4).

Builds the demo with N subjects in a temp SQLite file. Per subject, times the casebook (read
and PDF) against the baseline of the same subject's listings workbook with its audit trail,
measured in the same run: the casebook holds the same data laid out for print. Then times the
whole site archive against the baseline of the listings workbook plus the ODM archive it
contains. Goal: a casebook within 8x the subject's workbook. The PDF lays out and measures
every character of every cell to wrap it (fpdf2's text-width loop is most of the time, by
profile), where the workbook streams cells unmeasured; 8x keeps a complete subject (about 140
pages) under about 10 s on a laptop.

Run: .venv/bin/python benchmarks/bench_casebook.py [subjects]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo import build_demo
from exports.casebook.pdf import casebook_pdf
from exports.listings import ListingOptions, unlogged_listings_export
from exports.odm.archive import odm_bytes
from exports.site_archive import build_site_archive
from models import SYSTEM_ACTOR
from models.db import make_engine, upgrade
from records.casebook import read_casebook
from records.context import Workbench
from records.subjects import subject_frame
from study import load_study

GOAL = 8.0


def _seconds(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main(subjects: int = 10) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        wb = Workbench(engine=engine, study=load_study())
        build_demo(wb, subjects=subjects, seed=1)
        actor = SYSTEM_ACTOR
        ratios: list[float] = []
        print(f"demo: {subjects} subjects")
        print(
            f"  {'subject':<9} {'casebook':>9} {'read':>7} {'pdf':>7} {'workbook':>9} {'ratio':>6}"
        )
        for sid, number in zip(subject_frame(wb)["id"], subject_frame(wb)["screening_number"],
                               strict=True):  # fmt: skip
            book, read_s = _seconds(lambda sid=sid: read_casebook(wb, actor, int(sid)))
            _, pdf_s = _seconds(lambda book=book: casebook_pdf(book))
            options = ListingOptions(subject_ids=(int(sid),), include_audit=True)
            _, base_s = _seconds(lambda o=options: unlogged_listings_export(wb, actor, o))
            ratio = (read_s + pdf_s) / base_s
            ratios.append(ratio)
            print(f"  {number:<9} {read_s + pdf_s:8.2f}s {read_s:6.2f}s {pdf_s:6.2f}s "
                  f"{base_s:8.2f}s {ratio:5.1f}x")  # fmt: skip
        out = Path(tmp) / "site.zip"
        archive, archive_s = _seconds(lambda: build_site_archive(wb, actor, out))
        _, listings_s = _seconds(lambda: unlogged_listings_export(wb, actor, ListingOptions()))
        _, odm_s = _seconds(lambda: odm_bytes(wb, actor))
        size = out.stat().st_size / 1e6
        print(f"site archive: {archive_s:.1f} s, {size:.1f} MB, {len(archive.files)} files, "
              f"{archive.audit_rows:,} audit rows; baseline listings + ODM "
              f"{listings_s + odm_s:.1f} s")  # fmt: skip
        worst = max(ratios)
        print(
            f"casebook vs subject workbook: median {statistics.median(ratios):.1f}x, "
            f"worst {worst:.1f}x (goal <= {GOAL:.0f}x): {'ok' if worst <= GOAL else 'SLOW'}"
        )
        return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
