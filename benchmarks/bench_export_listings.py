"""Benchmark: the listings export against a naive pandas export of the same database.

Builds a 500-subject synthetic study in a temp SQLite file with SQLAlchemy Core bulk inserts
(fast, but they bypass the ORM audit listener: acceptable only in this fixture), then times
`build_listings_export` and the naive baseline (every table read with pandas and written with
DataFrame.to_excel, default engine) in the same run. Goal: ours ≤ 0.7 × naive.

Run: .venv/bin/python benchmarks/bench_export_listings.py [subjects [runs]]
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd
from sqlalchemy import Engine, insert

from exports import ListingOptions, build_listings_export
from models import (
    Actor,
    AdverseEvent,
    Assessment,
    AssessmentItem,
    DoseAdministration,
    LabResult,
    MedicalHistory,
    Medication,
    Site,
    Subject,
    Visit,
    VitalSign,
)
from models.db import make_engine, upgrade
from records.context import Workbench
from study import load_study
from study.schema import StudyDefinition

LAB_PANELS = ("HEM", "CHEM", "SERO", "UA")
SLEDAI_ITEMS = ("arthritis", "rash", "alopecia", "proteinuria", "low_complement", "increased_dna")
GRADE_CODES = ("BILAGCON", "BILAGMUC", "BILAGNEU", "BILAGMSK", "BILAGCAR", "BILAGGI", "BILAGOPH",
               "BILAGREN", "BILAGHAE")  # fmt: skip
ACTOR = Actor(user_id=None, username="bench", full_name="Bench Monitor", role="monitor")
Rows = dict[str, list[dict[str, Any]]]


def _table(model: Any) -> Any:
    return model.__table__


def _subject_rows(n: int, rng: random.Random) -> list[dict[str, Any]]:
    start = date(2025, 1, 7)
    rows = []
    for i in range(1, n + 1):
        consent = start + timedelta(days=rng.randrange(300))
        rows.append({"id": i, "site_id": 1, "screening_number": f"{i:04d}",
                     "sex": rng.choice("FM"), "birth_year": rng.randrange(1950, 2005),
                     "consent_date": consent, "status": "dosed",
                     "dose_date": consent + timedelta(days=21), "version_id": 1})  # fmt: skip
    return rows


def _visit_rows(study: StudyDefinition, subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    planned = [v for v in study.visits if v.planned]
    for s in subjects:
        for v in planned:
            day = v.target_day if v.target_day is not None else -7
            when = s["dose_date"] + timedelta(days=day - 1 if day > 0 else day)
            rows.append({"id": len(rows) + 1, "subject_id": s["id"], "visit_code": v.code,
                         "sequence": 1, "planned_day": v.target_day, "actual_date": when,
                         "status": "done", "out_of_window": False, "version_id": 1})  # fmt: skip
    return rows


def _lab_rows(study: StudyDefinition, visits: list[dict[str, Any]], rng: random.Random) -> list:
    tests = [t for t in study.lab_tests if t.panel in LAB_PANELS and t.type == "number"]
    rows = []
    for v in visits:
        for t in tests:
            value = round(rng.uniform(t.low or 0, (t.high or 1) * 1.3), 2)
            flag = "H" if t.high is not None and value > t.high else None
            rows.append({"subject_id": v["subject_id"], "visit_id": v["id"], "panel": t.panel,
                         "test_code": t.code, "value": str(value), "value_num": value,
                         "unit": t.unit, "ref_low": t.low, "ref_high": t.high, "flag": flag,
                         "collected_on": v["actual_date"], "not_done": False,
                         "version_id": 1})  # fmt: skip
    return rows


def _vital_rows(study: StudyDefinition, visits: list[dict[str, Any]], rng: random.Random) -> list:
    return [
        {"subject_id": v["subject_id"], "visit_id": v["id"], "timepoint": "",
         "test_code": t.code, "value_num": round(rng.uniform(t.min, t.max), 1), "unit": t.unit,
         "measured_at": datetime.combine(v["actual_date"], datetime.min.time(), UTC)
         + timedelta(hours=14), "version_id": 1}
        for v in visits
        for t in study.vital_tests
    ]  # fmt: skip


def _assessment_rows(visits: list[dict[str, Any]], rng: random.Random) -> tuple[list, list]:
    heads, items = [], []
    for v in visits:
        if v["visit_code"] in ("V2", "V3", "V4"):
            continue
        for form in ("SLEDAI2K", "BILAG2004", "PGA"):
            heads.append({"id": len(heads) + 1, "subject_id": v["subject_id"],
                          "visit_id": v["id"], "form_code": form,
                          "assessment_date": v["actual_date"], "state": "complete",
                          "variant": "SLEDAI-2K" if form == "SLEDAI2K" else None,
                          "window_days": 30 if form == "SLEDAI2K" else None,
                          "version_id": 1})  # fmt: skip
            values = {"SLEDAI2K": {c: rng.choice("YN") for c in SLEDAI_ITEMS},
                      "BILAG2004": {c: rng.choice("BCDE") for c in GRADE_CODES},
                      "PGA": {"PGA": f"{rng.uniform(0, 3):.2f}"}}[form]  # fmt: skip
            items += [{"assessment_id": len(heads), "item_code": code, "value": value,
                       "version_id": 1} for code, value in values.items()]  # fmt: skip
    return heads, items


def _log_rows(subjects: list[dict[str, Any]], rng: random.Random) -> Rows:
    aes, meds, history, doses = [], [], [], []
    for s in subjects:
        day1 = s["dose_date"]
        for n in range(1, 6):
            onset = day1 + timedelta(days=rng.randrange(-10, 160))
            aes.append({"subject_id": s["id"], "sequence": n, "term": f"Event {n} of {s['id']}",
                        "onset": onset.isoformat(), "severity": rng.choice(("MILD", "MODERATE")),
                        "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE",
                        "outcome": "RECOVERED/RESOLVED", "version_id": 1})  # fmt: skip
        for drug, dose, steroid in (
            ("Prednisone", 10, True),
            ("Hydroxychloroquine", 200, False),
            ("Mycophenolate", 1000, False),
            ("Prednisone", 5, True),
        ):
            meds.append(
                {
                    "subject_id": s["id"],
                    "drug": drug,
                    "dose": dose,
                    "dose_unit": "mg",
                    "route": "ORAL",
                    "frequency": "QD",
                    "start": "2024-01-01",
                    "ongoing": True,
                    "corticosteroid": steroid,
                    "version_id": 1,
                }
            )
        history += [
            {"subject_id": s["id"], "category": c, "term": t, "start": "2015", "version_id": 1}
            for c, t in (("SLE", "SLE"), ("GENERAL", "Asthma"))
        ]
        start = datetime.combine(day1, datetime.min.time(), UTC) + timedelta(hours=14)
        doses.append(
            {
                "subject_id": s["id"],
                "visit_id": None,
                "product": "UC-MSC",
                "lot": f"{s['id']:05d}",
                "route": "SUBCUTANEOUS",
                "started_at": start,
                "stopped_at": start + timedelta(minutes=40),
                "version_id": 1,
            }
        )
    return {"ae": aes, "cm": meds, "mh": history, "ex": doses}


def build(engine: Engine, study: StudyDefinition, n: int) -> None:
    """Bulk-insert the synthetic study (Core inserts: no audit rows, benchmark only)."""
    rng = random.Random(20251124)
    subjects = _subject_rows(n, rng)
    visits = _visit_rows(study, subjects)
    heads, items = _assessment_rows(visits, rng)
    logs = _log_rows(subjects, rng)
    baseline = {v["subject_id"]: v["id"] for v in visits if v["visit_code"] == "V1"}
    for dose in logs["ex"]:
        dose["visit_id"] = baseline[dose["subject_id"]]
    with engine.begin() as conn:
        conn.execute(insert(_table(Site)), [{"id": 1, "code": "001", "name": "Bench site"}])
        for model, rows in ((Subject, subjects), (Visit, visits),
                            (LabResult, _lab_rows(study, visits, rng)),
                            (VitalSign, _vital_rows(study, visits, rng)), (Assessment, heads),
                            (AssessmentItem, items), (AdverseEvent, logs["ae"]),
                            (Medication, logs["cm"]), (MedicalHistory, logs["mh"]),
                            (DoseAdministration, logs["ex"])):  # fmt: skip
            conn.execute(insert(_table(model)), rows)


TABLES = ("subject", "visit", "assessment", "assessmentitem", "labresult", "vitalsign",
          "doseadministration", "medication", "medicalhistory", "adverseevent")  # fmt: skip


def naive_export(engine: Engine) -> bytes:
    """The baseline: each table read with pandas and written with DataFrame.to_excel."""
    buffer = io.BytesIO()
    with engine.connect() as conn, pd.ExcelWriter(buffer) as writer:
        for name in TABLES:
            frame = pd.read_sql_table(name, conn)
            for column in frame.select_dtypes(include=["datetimetz"]).columns:
                frame[column] = frame[column].dt.tz_localize(None)
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


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
    study = load_study()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        build(engine, study, n)
        wb = Workbench(engine=engine, study=study)
        ours, export = _best(
            "ours", lambda: build_listings_export(wb, ACTOR, ListingOptions()), runs
        )
        naive, baseline = _best("naive", lambda: naive_export(engine), runs)
        rows = sum(r.rows for r in export.sheets)
        print(
            f"{n} subjects; ours: {rows} rows over {len(export.sheets)} sheets, "
            f"{len(export.content):,} bytes; naive: {len(baseline):,} bytes"
        )
        print(f"ratio ours/naive = {ours / naive:.2f} (goal ≤ 0.70)")
        engine.dispose()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
