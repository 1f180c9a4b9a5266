"""issue14 lab entry: collection time and the assessment of a critical value

Two nullable columns on labresult: `collected_time` (HH:MM, joins the collection date in LBDTC)
and `critical_assessment` (what the investigator recorded for a critical value).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("collected_time", 5), ("critical_assessment", 500))


def upgrade() -> None:
    # ADD COLUMN of a nullable column needs no table copy on SQLite or PostgreSQL.
    for name, length in COLUMNS:
        op.add_column(
            "labresult",
            sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True),
        )


def downgrade() -> None:
    with op.batch_alter_table("labresult") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
