"""AppTest fixtures: the real entry point against a fresh SQLite file per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demo import build_demo
from models.db import make_engine, upgrade
from records import auth
from records.context import Workbench
from records.outcomes.snapshot import Outcomes, build_outcomes
from study import load_study

ENTRY = str(Path(__file__).resolve().parents[2] / "workbench.py")
PASSWORD = "a long enough password"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("WORKBENCH_DB_URL", url)
    return url


@pytest.fixture
def app(app_db: str) -> AppTest:
    return AppTest.from_file(ENTRY, default_timeout=30)


@pytest.fixture
def users(app_db: str) -> dict[str, auth.UserRead]:
    """One account per role, created through records like an administrator would."""
    engine = make_engine(app_db)
    upgrade(engine)
    admin = auth.create_first_admin(
        engine, {"username": "admin", "full_name": "Ada Admin", "password": PASSWORD}
    )
    made = {"admin": admin}
    for role in ("investigator", "coordinator", "monitor", "data_manager"):
        made[role] = auth.create_user(
            engine,
            auth.actor_for(admin),
            {
                "username": role,
                "full_name": f"{role.title()} User",
                "role": role,
                "password": PASSWORD,
            },
        )
    engine.dispose()
    return made


@pytest.fixture
def signed_in(app: AppTest, users: dict[str, auth.UserRead]) -> Callable[[str], AppTest]:
    """Sign in through the real login form as the given role."""

    def _sign_in(role: str) -> AppTest:
        app.run()
        app.text_input(key="login_username").input(role)
        app.text_input(key="login_password").input(PASSWORD)
        app.button[0].click().run()
        assert not app.exception, app.exception
        return app

    return _sign_in


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 10-subject demo study and one account per role, built once for the run; tests copy
    it before they write."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    build_demo(Workbench(engine, load_study()), subjects=10, seed=1)
    admin = auth.create_first_admin(
        engine, {"username": "admin", "full_name": "Ada Admin", "password": PASSWORD}
    )
    for role in ("investigator", "coordinator", "monitor", "data_manager"):
        values = {"username": demo_username(role), "full_name": role.replace("_", " ").title(),
                  "role": role, "password": PASSWORD}  # fmt: skip
        auth.create_user(engine, auth.actor_for(admin), values)
    engine.dispose()
    return path


def demo_username(role: str) -> str:
    """The demo account of a role: the role's name, dotted (`data.manager`)."""
    return role.replace("_", ".")


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workbench:
    """A private copy of the demo database for one test, as the app's database."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("WORKBENCH_DB_URL", url)
    return Workbench(make_engine(url), load_study())


@pytest.fixture
def expected(demo: Workbench) -> Outcomes:
    """The demo's outcomes computed directly through records/scoring, for comparison."""
    return build_outcomes(demo)


def demo_app(role: str) -> AppTest:
    """The app signed in through its login form as the demo account of `role`."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    at.text_input(key="login_username").input(demo_username(role))
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at
