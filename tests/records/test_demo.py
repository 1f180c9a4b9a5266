"""The demo study: deterministic, plausible, written through the audited records use cases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from demo import DemoSummary, build_demo
from models import Subject, Visit
from models.audit_chain import verify
from models.db import make_engine, upgrade
from records.adverse_events import list_adverse_events
from records.assessments import load_assessment
from records.context import Workbench
from records.medications import steroid_series
from scoring import bilag
from scoring.responders import sri

TODAY = date(2026, 3, 2)
EXPECTED = DemoSummary(
    screened=10, screen_failures=1, dosed=9, completed=6, early_terminations=1, in_follow_up=2,
    visits_done=100, assessments=424, lab_results=3911, vital_signs=664, adverse_events=9,
    serious_adverse_events=1, medications=43, edits=5,
)  # fmt: skip
CLOCK_COLUMNS = {"completed_at", "entered_at"}


def _workbench(path, study) -> Workbench:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return Workbench(engine, study)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, study):
    wb = _workbench(tmp_path_factory.mktemp("demo") / "demo.db", study)
    summary = build_demo(wb, subjects=10, seed=1, today=TODAY)
    return wb, summary


def _visit(wb, subject_id, code):
    with wb.engine.connect() as conn:
        return conn.scalar(
            select(Visit.id).where(Visit.subject_id == subject_id, Visit.visit_code == code)
        )


def _dump(wb) -> dict[str, list[tuple]]:
    """Every clinical table's rows without wall-clock columns: the data a seed must fix."""
    tables = ("subject", "visit", "assessment", "assessmentitem", "labresult", "vitalsign",
              "doseadministration", "medication", "medicalhistory", "adverseevent")  # fmt: skip
    out = {}
    with wb.engine.connect() as conn:
        for table in tables:
            result = conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            keep = [i for i, c in enumerate(result.keys()) if c not in CLOCK_COLUMNS]
            out[table] = [tuple(row[i] for i in keep) for row in result]
    return out


def test_counts_are_deterministic(demo):
    _, summary = demo
    assert summary == EXPECTED


def test_audit_chain_verifies_and_every_row_is_from_the_demo_actors(demo):
    wb, _ = demo
    with wb.engine.connect() as conn:
        report = verify(conn)
        users = set(conn.scalars(text("SELECT DISTINCT username FROM auditevent")))
        origins = set(conn.scalars(text("SELECT DISTINCT origin FROM auditevent")))
        edits = conn.scalar(
            text("SELECT count(DISTINCT reason) FROM auditevent WHERE action = 'update'")
        )
    assert report.ok and report.rows > 10_000
    review = {"demo.monitor", "demo.data_manager", "system"}  # queries, SDV, freeze (#12)
    assert users == {"demo.coordinator", "demo.investigator", *review}
    assert origins >= {"cli"} and edits >= 4


def test_one_sae_one_early_termination_one_screen_failure(demo):
    wb, _ = demo
    events = list_adverse_events(wb)
    serious = [e for e in events if e.serious]
    assert len(serious) == 1 and serious[0].values["term"] == "Pneumonia"
    assert serious[0].sae_report_due is not None and serious[0].teae
    assert sum(not e.teae for e in events) == 1  # the pre-dose event
    with wb.engine.connect() as conn:
        statuses = dict(conn.execute(select(Subject.screening_number, Subject.status)).all())
    assert statuses["001-003"] == "screen_failure" and statuses["001-006"] == "early_termination"


def test_sri4_has_responders_and_non_responders(demo):
    wb, _ = demo
    verdicts = []
    with wb.engine.connect() as conn:
        completed = conn.scalars(select(Subject.id).where(Subject.status == "completed")).all()
    for subject_id in completed:
        base, end = _visit(wb, subject_id, "V1"), _visit(wb, subject_id, "V11")
        forms = {
            (v, f): load_assessment(wb, v, f)
            for v in (base, end)
            for f in ("SLEDAI2K", "BILAG2004", "PGA")
        }
        grades = {
            v: {d: forms[(v, "BILAG2004")].values[c] for d, c in bilag.GRADE_CODES.items()}
            for v in (base, end)
        }
        result = sri(
            baseline_sledai=forms[(base, "SLEDAI2K")].derived.values["total"],
            visit_sledai=forms[(end, "SLEDAI2K")].derived.values["total"],
            baseline_bilag=grades[base],
            visit_bilag=grades[end],
            baseline_pga=forms[(base, "PGA")].values["PGA"],
            visit_pga=forms[(end, "PGA")].values["PGA"],
        )
        verdicts.append(result.responder)
    assert verdicts.count(True) >= 3 and verdicts.count(False) >= 1


def test_steroid_taper_and_pulse(demo):
    wb, _ = demo
    with wb.engine.connect() as conn:
        flaring = conn.scalar(select(Subject.id).where(Subject.screening_number == "001-008"))
        dose_day = conn.scalar(select(Subject.dose_date).where(Subject.id == flaring))
    series = steroid_series(wb, flaring, dose_day, TODAY)
    assert len(series.pulse_days) == 3 and series.cumulative_pulse_mg == pytest.approx(1875)


def test_out_of_window_visits_flagged(demo):
    wb, _ = demo
    with wb.engine.connect() as conn:
        flagged = conn.scalar(text("SELECT count(*) FROM visit WHERE out_of_window"))
    assert flagged == 2


def test_same_seed_same_data(tmp_path, study):
    first, second = _workbench(tmp_path / "a.db", study), _workbench(tmp_path / "b.db", study)
    assert build_demo(first, subjects=4, seed=7, today=TODAY) == build_demo(
        second, subjects=4, seed=7, today=TODAY
    )
    assert _dump(first) == _dump(second)
    other = _workbench(tmp_path / "c.db", study)
    build_demo(other, subjects=4, seed=8, today=TODAY)
    assert _dump(other)["labresult"] != _dump(first)["labresult"]
