"""A demo study (four subjects: three dosed, one screen failure) written through the use cases,
shared by the standards tests, and its submission package read once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from demo import build_demo
from models import Actor
from models.db import make_engine, upgrade
from records.context import Workbench
from records.standards.package import read_submission

TODAY = date(2026, 3, 2)
EXPORTER = Actor(user_id=None, username="dm", full_name="Dana Manager", role="data_manager",
                 origin="cli")  # fmt: skip


@pytest.fixture(scope="module")
def demo_wb(tmp_path_factory, study) -> Workbench:
    path: Path = tmp_path_factory.mktemp("standards") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    wb = Workbench(engine, study)
    build_demo(wb, subjects=4, seed=1, today=TODAY)
    return wb


@pytest.fixture(scope="module")
def submission(demo_wb):
    return read_submission(demo_wb, EXPORTER, TODAY)
