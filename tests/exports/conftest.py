"""A small audited study for the listings tests: three subjects, every listing fed, payloads in.

Data go through the models and `unit_of_work`, so every row has its audit trail.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import Engine

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
from models.db import make_engine, unit_of_work, upgrade
from records.context import Workbench
from scoring import bilag
from study import load_study
from tests.conftest import REPO_ROOT

RICH_MARKUP = (  # cell XML smuggled in as text: must stay escaped, literal text
    '<r><t>a</t></r></is></c><c r="Z1"><f>HYPERLINK("http://x","x")</f></c>'
    '<c r="Z2" t="inlineStr"><is><r><t>b</t></r>'
)
PAYLOADS = ("=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")', RICH_MARKUP)
WRITER = Actor(user_id=None, username="inv", full_name="Ivy Investigator", role="investigator")
MONITOR = Actor(user_id=None, username="mon", full_name="Mo Monitor", role="monitor")
CUT = date(2025, 4, 30)
SITE = ZoneInfo("America/New_York")
SLEDAI_V1 = {"arthritis": "Y", "rash": "Y", "low_complement": "Y", "proteinuria": "Y"}
SLEDAI_V6 = {"arthritis": "N", "rash": "N", "low_complement": "Y", "proteinuria": "N"}
GRADES = ("BILAGCON", "BILAGMUC", "BILAGNEU", "BILAGMSK", "BILAGCAR", "BILAGGI", "BILAGOPH",
          "BILAGREN", "BILAGHAE")  # fmt: skip


def _subjects(session: Any, site_id: int) -> list[Subject]:
    rows = [
        Subject(site_id=site_id, screening_number="001", sex="F", birth_date=date(1985, 6, 1),
                consent_date=date(2025, 2, 10), status="completed", dose_date=date(2025, 3, 4),
                status_date=date(2025, 8, 20), status_reason=PAYLOADS[0]),
        Subject(site_id=site_id, screening_number="002", sex="M", birth_year=1990,
                consent_date=date(2025, 2, 12), status="early_termination",
                dose_date=date(2025, 3, 10), status_date=date(2025, 4, 20),
                status_reason="Withdrawal by subject"),
        Subject(site_id=site_id, screening_number="003", sex="F", birth_year=1970,
                consent_date=date(2025, 5, 2), status="screen_failure",
                status_date=date(2025, 5, 9), status_reason="IN04 not met"),
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    return rows


def _visits(session: Any, s1: Subject, s2: Subject) -> dict[str, Visit]:
    spec = {
        "SCR1": (s1, "SCR", None, date(2025, 2, 20), "done", False),
        "V11": (s1, "V1", 1, date(2025, 3, 4), "done", False),
        "V61": (s1, "V6", 28, date(2025, 4, 10), "done", True),
        "V71": (s1, "V7", 56, date(2025, 6, 5), "done", False),
        "V81": (s1, "V8", 84, None, "missed", False),
        "V12": (s2, "V1", 1, date(2025, 3, 10), "done", False),
        "V52": (s2, "V5", 14, date(2025, 3, 23), "done", False),
    }
    visits = {
        key: Visit(subject_id=s.id, visit_code=code, planned_day=day, actual_date=when,
                   status=status, out_of_window=oow, days_off_window=7 if oow else None,
                   reason="Patient travelling" if oow else None)
        for key, (s, code, day, when, status, oow) in spec.items()
    }  # fmt: skip
    session.add_all(visits.values())
    session.flush()
    return visits


def _labs(session: Any, s1: Subject, s2: Subject, v: dict[str, Visit]) -> None:
    rows = [
        (s1, v["V11"], "CHEM", "CREAT", "0.9", 0.9, "mg/dL", 0.5, 1.1, None, None),
        (s1, v["V61"], "CHEM", "CREAT", "1.4", 1.4, "mg/dL", 0.5, 1.1, "H", "CS"),
        (s1, v["V71"], "CHEM", "CREAT", "1.0", 1.0, "mg/dL", 0.5, 1.1, None, None),
        (s1, v["V11"], "HEM", "HGB", "11.5", 11.5, "g/dL", 12.0, 16.0, "L", "NCS"),
        (s1, v["V11"], "HEM", "WBC", "-2", None, "10^9/L", 4.0, 11.0, None, None),
        (s1, v["V11"], "UA", "UPCR", "0.8", 0.8, "g/g", 0, 0.2, "H", "CS"),
        (s1, v["V11"], "AUTO", "ANA", "1:320", None, None, None, None, None, None),
        (s2, v["V12"], "CHEM", "CREAT", "88", 88.0, "umol/L", 45, 90, None, None),
        (s2, v["V12"], "HEM", "HGB", "13.2", 13.2, "g/dL", 12.0, 16.0, None, None),
        (s2, v["V52"], "CYTO", "IL6", "4.1", 4.1, "pg/mL", None, None, None, None),
    ]
    session.add_all(
        LabResult(subject_id=s.id, visit_id=visit.id, panel=panel, test_code=test, value=text,
                  value_num=num, unit=unit, ref_low=lo, ref_high=hi, flag=flag,
                  clinical_significance=cs)
        for s, visit, panel, test, text, num, unit, lo, hi, flag, cs in rows
    )  # fmt: skip


def _vitals_and_dose(session: Any, s1: Subject, s2: Subject, v: dict[str, Visit]) -> None:
    session.add_all([
        VitalSign(subject_id=s1.id, visit_id=v["SCR1"].id, test_code="HEIGHT", value_num=165,
                  unit="cm"),
        VitalSign(subject_id=s1.id, visit_id=v["SCR1"].id, test_code="WEIGHT", value_num=60,
                  unit="kg"),
        VitalSign(subject_id=s1.id, visit_id=v["V11"].id, timepoint="POST", test_code="SYSBP",
                  value_num=121, unit="mmHg", measured_at=datetime(2025, 3, 4, 11, 0, tzinfo=SITE)),
        VitalSign(subject_id=s1.id, visit_id=v["V11"].id, timepoint="PRE", test_code="SYSBP",
                  value_num=118, unit="mmHg", measured_at=datetime(2025, 3, 4, 8, 30, tzinfo=SITE)),
        DoseAdministration(subject_id=s1.id, visit_id=v["V11"].id, product="UC-MSC",
                           lot="007", cells_total=1e8, cells_per_kg=1.6e6, route="SUBCUTANEOUS",
                           started_at=datetime(2025, 3, 4, 9, 0, tzinfo=SITE),
                           stopped_at=datetime(2025, 3, 4, 9, 45, tzinfo=SITE)),
        DoseAdministration(subject_id=s2.id, visit_id=v["V12"].id, product="UC-MSC",
                           lot="008", route="SUBCUTANEOUS",
                           started_at=datetime(2025, 3, 10, 9, 0, tzinfo=SITE),
                           interrupted=True, interruption_note=PAYLOADS[2]),
    ])  # fmt: skip


def _events(session: Any, s1: Subject, s2: Subject) -> None:
    session.add_all([
        AdverseEvent(subject_id=s1.id, sequence=1, term=PAYLOADS[6], pt="Headache",
                     soc="Nervous system disorders", onset="2025-03-05", end="2025-03-06",
                     severity="MILD", relationship="POSSIBLY RELATED",
                     action_taken="NOT APPLICABLE", outcome="RECOVERED/RESOLVED",
                     treatment_note=PAYLOADS[5]),
        AdverseEvent(subject_id=s1.id, sequence=2, term="Rash", onset="2025-02",
                     severity="MODERATE", relationship="NOT RELATED",
                     action_taken="NOT APPLICABLE", outcome="RECOVERING/RESOLVING",
                     treatment_note=PAYLOADS[7],
                     end="2025-05-15", ongoing=False),
        AdverseEvent(subject_id=s2.id, sequence=1, term="Pneumonia", pt="Pneumonia",
                     soc="Infections and infestations", onset="2025-03-20T14:00", serious=True,
                     sae_hospitalisation=True, severity="SEVERE", ctcae_grade=3,
                     relationship="UNLIKELY RELATED", action_taken="NOT APPLICABLE",
                     outcome="RECOVERED/RESOLVED", end="2025-04-02"),
        AdverseEvent(subject_id=s2.id, sequence=2, term="Fatigue", onset="2025-06-01",
                     severity="MILD", relationship="NOT RELATED", action_taken="NOT APPLICABLE",
                     outcome="UNKNOWN", ongoing=True),
    ])  # fmt: skip


def _medications(session: Any, s1: Subject, s2: Subject) -> None:
    session.add_all([
        Medication(subject_id=s1.id, drug="Prednisone", dose=10, dose_unit="mg", route="ORAL",
                   frequency="QD", start="2025-01-01", stop="2025-05-31", corticosteroid=True,
                   indication="SLE"),
        Medication(subject_id=s1.id, drug="Prednisone", dose=5, dose_unit="mg", route="ORAL",
                   frequency="QD", start="2025-06-01", ongoing=True, corticosteroid=True),
        Medication(subject_id=s1.id, drug=PAYLOADS[3], dose=200, dose_unit="mg", route="ORAL",
                   frequency="BID", start="2024-06", ongoing=True, indication=PAYLOADS[1]),
        Medication(subject_id=s2.id, drug="Hydroxychloroquine", dose=200, dose_unit="mg",
                   route="ORAL", frequency="QD", start="2025-07-01", ongoing=True),
    ])  # fmt: skip
    session.add_all([
        MedicalHistory(subject_id=s1.id, category="SLE", term="SLE diagnosis", start="2015-04"),
        MedicalHistory(subject_id=s1.id, category="GENERAL", term=PAYLOADS[1], start="2010",
                       ongoing=True, note=PAYLOADS[4]),
        MedicalHistory(subject_id=s2.id, category="GENERAL", term="Hypertension",
                       start="2019-01-15", ongoing=True),
    ])  # fmt: skip


def _assessment(
    session: Any, s: Subject, visit: Visit, form: str, items: dict[str, str], **header: Any
) -> None:
    row = Assessment(
        subject_id=s.id,
        visit_id=visit.id,
        form_code=form,
        assessment_date=visit.actual_date,
        **header,
    )
    session.add(row)
    session.flush()
    session.add_all(
        AssessmentItem(assessment_id=row.id, item_code=code, value=value,
                       value_num=_number(value))
        for code, value in items.items()
    )  # fmt: skip


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _instruments(session: Any, s1: Subject, s2: Subject, v: dict[str, Visit]) -> None:
    v1 = dict(zip(GRADES, "CBEBEEEBE", strict=True))
    v6 = dict(zip(GRADES, "CCEDEEECE", strict=True))
    for visit, sledai, grades, pga in (
        (v["V11"], SLEDAI_V1, v1, "1.50"),
        (v["V61"], SLEDAI_V6, v6, "0.80"),
    ):
        _assessment(session, s1, visit, "SLEDAI2K", sledai, variant="SLEDAI-2K", window_days=30)
        coded = {code: "0" for code in bilag.ORDINAL_ITEMS}
        _assessment(session, s1, visit, "BILAG2004", {**coded, **grades})
        _assessment(session, s1, visit, "PGA", {"PGA": pga})
    _assessment(
        session,
        s2,
        v["V12"],
        "SLEDAI2K",
        {},
        state="not_done",
        not_done_reason="Investigator unavailable",
    )
    promis = {f"P29PF{n}": "4" for n in range(1, 5)} | {"P29PINT": "3"}
    _assessment(session, s1, v["V11"], "PROMIS29", promis)
    _assessment(session, s1, v["V11"], "RAND36", {"RAND01": "2", "RAND03": "3"})
    _assessment(
        session, s1, v["V11"], "PE", {"GEN": "NORMAL", "SKIN": "ABNORMAL", "SKIN_NOTE": PAYLOADS[4]}
    )
    _assessment(session, s1, v["SCR1"], "ECG", {"EGHR": "72", "INTP": "NORMAL"})
    _assessment(
        session,
        s1,
        v["SCR1"],
        "ELIG",
        {"IN01": "Y", "IN03": "N", "IN03_NOTE": "ANA 1:80", "OVERRIDE": "PI ok"},
    )


def build_study(engine: Engine) -> None:
    """Create the three subjects and their records, audited as one investigator."""
    with unit_of_work(engine, WRITER) as session:
        site = Site(code="001", name="Test site")
        session.add(site)
        session.flush()
        s1, s2, _s3 = _subjects(session, int(site.id))  # type: ignore[arg-type]
        visits = _visits(session, s1, s2)
        _labs(session, s1, s2, visits)
        _vitals_and_dose(session, s1, s2, visits)
        _events(session, s1, s2)
        _medications(session, s1, s2)
        _instruments(session, s1, s2, visits)


@pytest.fixture(scope="module")
def study_wb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    """A migrated temp SQLite file holding the small study (shared by a module's tests)."""
    path: Path = tmp_path_factory.mktemp("listings") / "workbench.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    build_study(engine)
    yield Workbench(engine=engine, study=load_study())
    engine.dispose()


@pytest.fixture
def empty_wb(tmp_path: Path) -> Iterator[Workbench]:
    """A migrated, empty database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    yield Workbench(engine=engine, study=load_study())
    engine.dispose()


def open_book(content: bytes) -> Any:
    """The workbook read back with openpyxl (values, panes and filters inspectable)."""
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.fixture(scope="module")
def cli_demo(tmp_path_factory, study) -> tuple[Workbench, str]:
    """`manage.py demo`: the study, its accounts, and the PI's signatures with a correction."""
    path: Path = tmp_path_factory.mktemp("cli_demo") / "demo.db"
    url = f"sqlite:///{path}"
    subprocess.run([sys.executable, "manage.py", "--db", url, "demo", "--subjects", "4"],
                   cwd=REPO_ROOT, check=True, capture_output=True, timeout=600)  # fmt: skip
    engine = make_engine(url)
    return Workbench(engine, study), url
