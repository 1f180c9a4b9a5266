"""The study definition loader: the default study, a second study, and clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models import Actor
from models.db import make_engine, upgrade
from records.context import Workbench
from records.subjects import screen_subject
from records.visits import calendar
from study import StudyDefinitionError, load_study

pytestmark = pytest.mark.req("STU-DEFINITION")

SMALL = Path(__file__).with_name("small_study.toml")


def test_default_study_matches_the_registry_facts():
    d = load_study()
    assert (d.study.id, d.study.protocol, d.study.planned_subjects) == (
        "NCT06737380",
        "LK-23-01",
        10,
    )
    days = {v.code: v.target_day for v in d.visits if v.kind == "scheduled"}
    assert days["V1"] == 1 and days["V5"] == 14 and days["V6"] == 28 and days["V11"] == 168
    assert {v.code for v in d.visits} >= {"SCR", "ET", "UNS"}
    assert "RAND36" in d.visit("V1").forms and "RAND36" not in d.visit("V7").forms
    assert [c.code for c in d.eligibility if c.kind == "inclusion"] == [
        "IN01",
        "IN02",
        "IN03",
        "IN04",
        "IN05",
    ]


def test_a_second_study_drives_the_calendar(tmp_path):
    study = load_study(SMALL)
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    upgrade(engine)
    wb = Workbench(engine, study)
    actor_values = {
        "screening_number": "T-1",
        "sex": "U",
        "birth_year": 1990,
        "consent_date": date(2025, 1, 2),
    }
    subject = screen_subject(
        wb, Actor(None, "c", "C", "coordinator"), actor_values, today=date(2025, 2, 1)
    )
    rows = calendar(wb, subject.id, date(2025, 2, 1))
    assert [r.visit_code for r in rows] == ["SCR", "BL", "W4"]
    assert rows[0].forms == {"ELIG": "not_started", "HEM": "not_started"}
    assert study.protocol.sledai_variant == "SELENA-SLEDAI"
    engine.dispose()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "broken.toml"
    text = SMALL.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            'forms = ["SLEDAI2K", "PGA", "HEM"]',
            'forms = ["SLEDAI", "PGA"]',
            "visits[1].forms",
            "unknown forms",
        ),
        ("target_day = 29", "target_day = 0", "visits[2].target_day", "no study day 0"),
        ("target_day = 29", 'target_day = "29"', "visits[2].target_day", "expected int"),
        ('kind = "scheduled"', 'kind = "weekly"', "visits[1].kind", "not one of"),
        ("low = 140", "low = 900", "labs.tests[0].low", "above high"),
        ("max = 2500 }", 'max = 2500, units = ["/uL"] }', "labs.tests[0].units", "analyte"),
        (
            "max = 2500 }",
            "max = 2500, critical_low = 500, critical_high = 20 }",
            "labs.tests[0].critical_low",
            "not below critical high",
        ),
        ('baseline_visit = "BL"', 'baseline_visit = "V1"', "protocol", "not defined"),
        ('title = "A small test study"\n', "", "study.title", "is required"),
    ],
)
def test_errors_name_the_file_the_key_and_the_problem(tmp_path, old, new, key, problem):
    path = _broken(tmp_path, old, new)
    with pytest.raises(StudyDefinitionError) as err:
        load_study(path)
    assert str(path) in str(err.value) and err.value.key == key and problem in err.value.problem


def test_syntax_errors_and_missing_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[study\n")
    with pytest.raises(StudyDefinitionError, match=r"bad\.toml"):
        load_study(bad)
    with pytest.raises(StudyDefinitionError, match="file not found"):
        load_study(tmp_path / "missing.toml")


def test_a_unit_the_workbench_cannot_convert_is_refused_before_use(tmp_path):
    """The study layer checks the shape; the workbench, which holds the exact factors
    (scoring.labs), refuses a further unit it cannot convert as soon as it is built."""
    path = _broken(
        tmp_path, "max = 2500 }", 'max = 2500, units = ["mg/dL"], analyte = "platelets" }'
    )
    study = load_study(path)
    with pytest.raises(StudyDefinitionError) as err:
        Workbench(make_engine("sqlite://"), study)
    assert err.value.key == "labs.tests[0].units" and "does not convert" in err.value.problem
