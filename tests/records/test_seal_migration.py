"""Migration 0005 seals the accounts of a database made before account seals (issue #13)."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from models.db import REPO_ROOT, make_engine, upgrade
from records.integrity import seal_problems


def _upgrade_to(engine, revision: str) -> None:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.mark.req("REQ-SEC-04")
def test_accounts_made_before_seals_are_sealed_by_the_migration(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        _upgrade_to(engine, "0004")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user (username, full_name, role, password_hash, active, "
                    "failed_logins, created_at) VALUES ('old', 'Old', 'monitor', 'h', 1, 0, "
                    "'2025-01-01')"
                )
            )
            assert seal_problems(conn) == ["account 'old' has no seal in the audit trail"]
        upgrade(engine)
        with engine.connect() as conn:
            assert seal_problems(conn) == []
            origin = conn.execute(text("SELECT origin FROM auditevent")).scalar_one()
        assert origin == "migration"
    finally:
        engine.dispose()
