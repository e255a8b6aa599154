"""courses: sessions per force, cancellations, attendance, the waiting list, outcome exports

Adds course_session.force_code, .mode, .recurrence, .created_by, .cancelled_at and
.cancel_reason; booking.booked_by, .cancel_reason, .attendance_at and .marked_by; the
waiting_entry table; referral.outcome_sent_at (the outcome export marks what it sent).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_WHEN = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("force_code", _TEXT(length=32), nullable=True))
        batch_op.add_column(sa.Column("mode", _TEXT(length=16), nullable=True))
        batch_op.add_column(sa.Column("recurrence", _TEXT(length=255), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", _WHEN(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", _TEXT(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_course_session_force_code"), ["force_code"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_course_session_force_code_force"), "force", ["force_code"], ["code"]
        )

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booked_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", _TEXT(), nullable=True))
        batch_op.add_column(sa.Column("attendance_at", _WHEN(), nullable=True))
        batch_op.add_column(sa.Column("marked_by", sa.Integer(), nullable=True))

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_sent_at", _WHEN(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_referral_outcome_sent_at"), ["outcome_sent_at"], unique=False
        )

    op.create_table(
        "waiting_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("force_code", _TEXT(length=32), nullable=False),
        sa.Column("added_at", _WHEN(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("offered_session_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", _WHEN(), nullable=True),
        sa.Column("closed_at", _WHEN(), nullable=True),
        sa.Column("closed_reason", _TEXT(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_code"], ["force.code"], name=op.f("fk_waiting_entry_force_code_force")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["course_group.id"], name=op.f("fk_waiting_entry_group_id_course_group")
        ),
        sa.ForeignKeyConstraint(
            ["offered_session_id"],
            ["course_session.id"],
            name=op.f("fk_waiting_entry_offered_session_id_course_session"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_waiting_entry_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_entry")),
    )
    with op.batch_alter_table("waiting_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waiting_entry_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(
            "ix_waiting_entry_queue", ["force_code", "group_id", "added_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("waiting_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_waiting_entry_queue")
        batch_op.drop_index(batch_op.f("ix_waiting_entry_referral_id"))
    op.drop_table("waiting_entry")

    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_outcome_sent_at"))
        batch_op.drop_column("outcome_sent_at")

    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("marked_by")
        batch_op.drop_column("attendance_at")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("booked_by")

    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_course_session_force_code_force"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_course_session_force_code"))
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("created_by")
        batch_op.drop_column("recurrence")
        batch_op.drop_column("mode")
        batch_op.drop_column("force_code")
