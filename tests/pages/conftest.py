"""AppTest fixtures: the real entry point against a fresh SQLite file per test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models.db import make_engine, upgrade
from records import auth

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
