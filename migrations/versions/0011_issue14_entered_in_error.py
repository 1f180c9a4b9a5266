"""issue14 log rows (medications, medical history, adverse events) marked entered in error

A nullable reason column: a row with a reason is entered in error, kept with every value, left
out of outcomes and shown struck through (never deleted).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("medication", "medicalhistory", "adverseevent")


def upgrade() -> None:
    # ADD COLUMN of a nullable column needs no table copy on SQLite or PostgreSQL.
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("error_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("error_reason")
