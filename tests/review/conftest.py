"""Review-layer fixtures: the records fixtures (screened subject, eligible, dosed) and people."""

from __future__ import annotations

import pytest

from models import Actor
from tests.records.conftest import (  # noqa: F401  (fixtures)
    dosed,
    eligible,
    subject,
)

MONITOR = Actor(user_id=None, username="mon", full_name="Mo Monitor", role="monitor")
DATA_MANAGER = Actor(user_id=None, username="dm", full_name="Dee Manager", role="data_manager")
COORDINATOR = Actor(
    user_id=None, username="coord", full_name="Cory Coordinator", role="coordinator"
)
OPERATOR = Actor(user_id=None, username="os:tester", full_name="CLI operator tester",
                 role="system", origin="cli")  # fmt: skip
ADMIN = Actor(user_id=None, username="admin", full_name="Ada Admin", role="admin")


@pytest.fixture
def monitor() -> Actor:
    return MONITOR


@pytest.fixture
def dm() -> Actor:
    return DATA_MANAGER


@pytest.fixture
def coordinator() -> Actor:
    return COORDINATOR
