"""issue13: seal the accounts that exist before account seals were introduced

Every account created or changed from now on is sealed at flush (models/user_seal.py); this step
seals the accounts already there, once, so `verify` can check every account. No schema change.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.audit_chain import append
from models.user_seal import SEAL_ACTION, SEALED_COLUMNS, seal_of

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    users = conn.execute(sa.text(f"SELECT {', '.join(SEALED_COLUMNS)} FROM \"user\"")).mappings()
    sealed = set(
        conn.execute(
            sa.text("SELECT DISTINCT record_id FROM auditevent WHERE action = :a AND entity = 'user'"),
            {"a": SEAL_ACTION},
        ).scalars()
    )
    rows = [
        {
            "user_id": None,
            "username": "system",
            "user_name": "System",
            "user_role": "system",
            "origin": "migration",
            "action": SEAL_ACTION,
            "entity": "user",
            "record_id": u["id"],
            "field": "seal",
            "new_value": seal_of(u),
            "reason": "accounts sealed when seals were introduced (migration 0005)",
        }
        for u in users
        if u["id"] not in sealed
    ]
    append(conn, rows)


def downgrade() -> None:
    pass  # the seal rows are audit rows: append-only, they stay
