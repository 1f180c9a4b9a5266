"""issue12 review lifecycle: freezes/locks, data queries with threads, SDV marks

The placeholder tables `recordlock` and `dataquery` of the first migration gain their columns
(no code wrote them before, so they are empty), `querymessage` and `sdvmark` are new.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sdvmark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("form_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("verified_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("verified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("dropped_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("dropped_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("drop_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_sdvmark_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_sdvmark_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sdvmark")),
    )
    with op.batch_alter_table("sdvmark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sdvmark_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "querymessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("user_role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["query_id"], ["dataquery.id"], name=op.f("fk_querymessage_query_id_dataquery")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_querymessage")),
    )
    with op.batch_alter_table("querymessage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_querymessage_query_id"), ["query_id"], unique=False)

    with op.batch_alter_table("dataquery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("form_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.add_column(
            sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False)
        )
        batch_op.add_column(
            sa.Column("check_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.alter_column("entity", existing_type=sa.VARCHAR(length=40), nullable=True)
        batch_op.alter_column("record_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column(
            "field",
            existing_type=sa.VARCHAR(length=40),
            type_=sqlmodel.sql.sqltypes.AutoString(length=60),
            existing_nullable=True,
        )
        # The foreign key goes before the type changes (PostgreSQL checks it at once).
        batch_op.drop_constraint(batch_op.f("fk_dataquery_opened_by_user"), type_="foreignkey")
        batch_op.alter_column(
            "opened_by",
            existing_type=sa.INTEGER(),
            type_=sqlmodel.sql.sqltypes.AutoString(length=200),
            existing_nullable=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_dataquery_visit_id_visit"), "visit", ["visit_id"], ["id"]
        )

    with op.batch_alter_table("recordlock", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False)
        )
        batch_op.add_column(
            sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False)
        )
        batch_op.add_column(
            sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False)
        )
        batch_op.add_column(
            sa.Column("locked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False)
        )
        batch_op.add_column(
            sa.Column("unlocked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("unlock_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )
        batch_op.alter_column("subject_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.drop_constraint(batch_op.f("fk_recordlock_user_id_user"), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("recordlock", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_recordlock_user_id_user"), "user", ["user_id"], ["id"]
        )
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("subject_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("unlock_reason")
        batch_op.drop_column("unlocked_by")
        batch_op.drop_column("locked_by")
        batch_op.drop_column("reason")
        batch_op.drop_column("level")
        batch_op.drop_column("kind")

    with op.batch_alter_table("dataquery", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_dataquery_visit_id_visit"), type_="foreignkey")
        batch_op.alter_column(
            "opened_by",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            type_=sa.INTEGER(),
            existing_nullable=False,
            postgresql_using="opened_by::integer",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_dataquery_opened_by_user"), "user", ["opened_by"], ["id"]
        )
        batch_op.alter_column(
            "field",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=60),
            type_=sa.VARCHAR(length=40),
            existing_nullable=True,
        )
        batch_op.alter_column("record_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("entity", existing_type=sa.VARCHAR(length=40), nullable=False)
        batch_op.drop_column("check_code")
        batch_op.drop_column("origin")
        batch_op.drop_column("form_code")
        batch_op.drop_column("visit_id")

    with op.batch_alter_table("querymessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_querymessage_query_id"))

    op.drop_table("querymessage")
    with op.batch_alter_table("sdvmark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sdvmark_subject_id"))

    op.drop_table("sdvmark")
