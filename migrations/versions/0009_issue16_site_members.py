"""issue16 sites as a scope: account memberships of sites

Existing accounts get no membership: while the study has one site they work at it, as before;
a second site is granted explicitly (`records.sites`).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sitemember",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_sitemember_site_id_site")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_sitemember_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", "site_id", name=op.f("pk_sitemember")),
    )


def downgrade() -> None:
    members = op.get_bind().execute(sa.text("SELECT count(*) FROM sitemember"))
    if members.scalar():
        raise RuntimeError("accounts hold site memberships: a downgrade would widen their access")
    op.drop_table("sitemember")
