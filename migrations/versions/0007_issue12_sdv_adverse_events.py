"""issue12 SDV of adverse events: an SDV mark may verify one AE (record_id) with no visit

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sdvmark", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_id", sa.Integer(), nullable=True))
        batch_op.alter_column("visit_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_sdvmark_record_id"), ["record_id"], unique=False)


def downgrade() -> None:
    marks = op.get_bind().execute(sa.text("SELECT count(*) FROM sdvmark WHERE visit_id IS NULL"))
    if marks.scalar():
        raise RuntimeError(
            "adverse events carry SDV marks: a downgrade would destroy verification evidence"
        )
    with op.batch_alter_table("sdvmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sdvmark_record_id"))
        batch_op.alter_column("visit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("record_id")
