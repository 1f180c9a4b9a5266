"""issue18 a subject's newest audit row in one index seek on both engines: (subject_id, id)

Replaces the subject_id index, which the composite one serves as well.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: a batch (table copy) would rewrite the append-only audit table.
    op.create_index("ix_auditevent_subject_newest", "auditevent", ["subject_id", "id"])
    op.drop_index("ix_auditevent_subject_id", table_name="auditevent")


def downgrade() -> None:
    op.create_index("ix_auditevent_subject_id", "auditevent", ["subject_id"])
    op.drop_index("ix_auditevent_subject_newest", table_name="auditevent")
