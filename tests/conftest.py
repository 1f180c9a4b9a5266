"""Fixtures shared by every test layer: a real migrated database and the default study.

The database is a fresh SQLite file, and, for the layers that must hold on both engines
(records, review, CLI: issue #16), also a fresh database on a real PostgreSQL server that the
run starts itself (`tests/postgres_server.py`). A test that cannot hold on PostgreSQL by its
nature (SQLite file backup and restore) is marked `sqlite_only` and says why.
"""

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
from tests.postgres_server import (
    TEMPLATE,
    PostgresServer,
    fresh_database_name,
    running_server,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("sqlite", "postgresql")
BOTH_ENGINE_LAYERS = ("tests/records/", "tests/review/", "tests/cli/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every database test of the both-engine layers once per engine."""
    if "db_engine" not in metafunc.fixturenames:
        return
    path = Path(metafunc.definition.path).resolve().relative_to(REPO_ROOT).as_posix()
    both = path.startswith(BOTH_ENGINE_LAYERS) or metafunc.definition.get_closest_marker(
        "both_engines"
    )
    if metafunc.definition.get_closest_marker("postgresql_only"):
        metafunc.parametrize("db_engine", ["postgresql"])
    elif both and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("db_engine", ENGINES)


@pytest.fixture(scope="session")
def study() -> StudyDefinition:
    return load_study()


@pytest.fixture
def db_engine() -> str:
    """The engine under test; parametrised over both for the both-engine layers."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from running_server()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """One migrated, empty database per run; every PostgreSQL test gets a copy of it."""
    postgres_server.janitor(TEMPLATE, as_template=True).init()
    engine = make_engine(postgres_server.url(TEMPLATE))
    upgrade(engine)
    engine.dispose()
    return TEMPLATE


@pytest.fixture
def db_url(db_engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if db_engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    janitor = server.janitor(fresh_database_name(), template_dbname=template)
    janitor.init()
    try:
        yield server.url(janitor.dbname)
    finally:
        janitor.drop()


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
