"""`manage.py users`: reset-password, unlock, deactivate, set-role, each audited with its reason."""

from __future__ import annotations

import contextlib

from models.db import make_engine
from records import auth
from tests.cli.conftest import PASSWORD, manage, query


def _audit(db: str) -> list[tuple[str, str, str]]:
    return query(db, "SELECT action, origin, reason FROM auditevent WHERE entity='user'")  # type: ignore[return-value]


def test_reset_password_prints_a_one_time_password(db):
    result = manage("--db", db, "users", "reset-password", "--username", "IVY", "--reason", "lost")
    assert result.returncode == 0, result.stderr
    one_time = result.stdout.strip().splitlines()[-1]
    user = auth.authenticate(make_engine(db), "ivy", one_time)
    assert user.must_change_password
    assert ("password_reset", "cli", "lost") in _audit(db)


def test_unlock_set_role_and_deactivate(db):
    engine = make_engine(db)
    for _ in range(auth.MAX_FAILED_LOGINS):
        with contextlib.suppress(auth.PermissionDenied):
            auth.authenticate(engine, "ivy", "not the right password")
    assert (
        manage("--db", db, "users", "unlock", "--username", "ivy", "--reason", "hd").returncode == 0
    )
    assert auth.authenticate(engine, "ivy", PASSWORD).role == "investigator"
    changed = manage("--db", db, "users", "set-role", "--username", "ivy", "--role", "monitor",
                     "--reason", "now monitors")  # fmt: skip
    assert changed.returncode == 0 and "role monitor, active" in changed.stdout
    gone = manage("--db", db, "users", "deactivate", "--username", "ivy", "--reason", "left")
    assert gone.returncode == 0 and "deactivated" in gone.stdout
    unknown = manage("--db", db, "users", "unlock", "--username", "nobody", "--reason", "x")
    assert unknown.returncode == 1 and "no account" in unknown.stderr
    assert {a for a, origin, _ in _audit(db) if origin == "cli"} >= {"unlock", "role_change"}


def test_verify_recomputes_signature_hashes(db):
    result = manage("--db", db, "verify")
    assert result.returncode == 0 and "signature hashes" in result.stdout


def test_set_sites_from_the_terminal_is_audited(db):
    result = manage("--db", db, "users", "set-sites", "--username", "ivy", "--sites", "001",
                    "--reason", "works at the lead site")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ivy works at: 001" in result.stdout
    unknown = manage("--db", db, "users", "set-sites", "--username", "ivy", "--sites", "777",
                     "--reason", "typo")  # fmt: skip
    assert unknown.returncode == 1 and "unknown site" in unknown.stderr
    rows = query(db, "SELECT new_value, origin, reason FROM auditevent WHERE action='site_access'")
    assert rows == [("001", "cli", "works at the lead site")]
