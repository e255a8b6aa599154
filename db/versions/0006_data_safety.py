"""data safety: one open assessment per referral, contact history, login throttle

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = sa.text("completed_at IS NULL")
DUPLICATE_NOTE = "closed by the 0006 upgrade: a second assessment started at the same time"


def _close_duplicate_open_assessments() -> None:
    """Before the index: keep the oldest open assessment of a referral, end the others early.

    Two workers starting the same call could make two; the later one is the duplicate.
    """
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, referral_id FROM assessment WHERE completed_at IS NULL "
            "ORDER BY referral_id, id"
        )
    ).all()
    seen: set[int] = set()
    for assessment_id, referral_id in rows:
        if referral_id not in seen:
            seen.add(referral_id)
            continue
        bind.execute(
            sa.text(
                "UPDATE assessment SET completed_at = started_at, "
                "ended_early_reason = :note WHERE id = :id"
            ),
            {"note": DUPLICATE_NOTE, "id": assessment_id},
        )


def upgrade() -> None:
    _close_duplicate_open_assessments()
    with op.batch_alter_table("assessment") as batch:
        batch.create_index(
            "uq_assessment_open_per_referral",
            ["referral_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )

    op.create_table(
        "person_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=100), nullable=True),
        sa.Column("new_value", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_person_change_person_id_person"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name="fk_person_change_referral_id_referral"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_change"),
    )
    with op.batch_alter_table("person_change") as batch:
        batch.create_index("ix_person_change_person_id", ["person_id"])

    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    with op.batch_alter_table("person_change") as batch:
        batch.drop_index("ix_person_change_person_id")
    op.drop_table("person_change")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_index("uq_assessment_open_per_referral")
