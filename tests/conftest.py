"""Fixtures shared by every test layer: a real migrated SQLite file and the default study."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from models import Actor
from models.db import make_engine, upgrade
from records.context import Workbench
from study import load_study
from study.schema import StudyDefinition

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def study() -> StudyDefinition:
    return load_study()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'workbench.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def wb(engine: Engine, study: StudyDefinition) -> Workbench:
    return Workbench(engine=engine, study=study)


@pytest.fixture
def actor() -> Actor:
    return Actor(user_id=None, username="inv", full_name="Ivy Investigator", role="investigator")
