"""issue16 correct under concurrent writers: AE numbers unique by constraint; no TRUNCATE

Numbers that must be unique are unique in the database itself, whatever writer races another
(the write path serialises writers as well: `models.db`). On PostgreSQL, TRUNCATE does not fire
row triggers, so the append-only tables (the audit trail and the signature manifests) also get a
statement trigger that refuses it; SQLite has no TRUNCATE.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("auditevent", "signature", "signatureinvalidation")


def upgrade() -> None:
    duplicates = op.get_bind().execute(
        sa.text(
            "SELECT subject_id, sequence FROM adverseevent "
            "GROUP BY subject_id, sequence HAVING count(*) > 1 ORDER BY subject_id, sequence"
        )
    )
    clashes = [f"subject {s} AE {n}" for s, n in duplicates]
    if clashes:
        raise RuntimeError(
            "adverse events share a number (" + ", ".join(clashes[:20]) + "): renumber them "
            "with an audited correction before this upgrade makes the numbers unique"
        )
    with op.batch_alter_table("adverseevent", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_adverseevent_subject_id"), ["subject_id", "sequence"]
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION workbench_no_truncate() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: TRUNCATE is refused', TG_TABLE_NAME; "
            "END $$ LANGUAGE plpgsql"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION workbench_no_truncate()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS workbench_no_truncate()")
    with op.batch_alter_table("adverseevent", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_adverseevent_subject_id"), type_="unique"
        )
