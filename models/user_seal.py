"""A seal over every account's security-relevant columns, kept in the audit chain (issue #13).

Whenever a flush creates an account or changes its username, role, password hash or active flag,
an audit row `user_seal` records SHA-256 over those columns. `verify` recomputes the seal of every
account and compares it with the newest sealed value, so a role set to admin or a password hash
swapped directly in SQL is reported; forging the seal means rewriting the chain, which an anchor
detects (README, "What verify detects").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models.audit import SYSTEM_ACTOR, Actor
from models.audit_chain import append
from models.identity import User

SEALED_COLUMNS: tuple[str, ...] = ("id", "username", "role", "password_hash", "active")
SEAL_ACTION = "user_seal"


def seal_of(row: Mapping[str, Any]) -> str:
    """SHA-256 over the sealed columns' canonical JSON (active as true/false)."""
    values = {k: row.get(k) for k in SEALED_COLUMNS}
    values["active"] = bool(values["active"])
    payload = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _changed(user: User) -> bool:
    state = inspect(user)
    return any(state.attrs[name].history.has_changes() for name in SEALED_COLUMNS)


@event.listens_for(Session, "after_flush")
def _seal_accounts(session: Session, _ctx: Any) -> None:
    """Append one seal row per created or security-changed account, in the same transaction."""
    users = [u for u in session.new if isinstance(u, User)]
    users += [u for u in session.dirty if isinstance(u, User) and _changed(u)]
    if not users:
        return
    actor = session.info.get("actor")
    actor = actor if isinstance(actor, Actor) else SYSTEM_ACTOR
    append(
        session.connection(),
        [
            {
                **actor.stamp(),
                "action": SEAL_ACTION,
                "entity": "user",
                "record_id": u.id,
                "field": "seal",
                "new_value": seal_of({k: getattr(u, k) for k in SEALED_COLUMNS}),
            }
            for u in users
        ],
    )
