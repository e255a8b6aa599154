"""the telephone call put right: skip reasons, call-backs, several services per need

Adds assessment.skip_reasons (why each skipped step was skipped) and assessment.call_back_at
(the call-back agreed when a call ended early), and the need_service table: each thing done
about a need, so one need can be met by more than one service. Existing needs with an action
are copied into need_service.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skip_reasons", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("call_back_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_call_back_at"), ["call_back_at"], unique=False
        )

    op.create_table(
        "need_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "action IN ('advice', 'signposted', 'referred')",
            name=op.f("ck_need_service_action_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('none', 'made', 'accepted', 'declined', 'not_engaged')",
            name=op.f("ck_need_service_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_need_service_created_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_need_service_need_id_need")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_need_service_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_service")),
    )
    with op.batch_alter_table("need_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_service_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_service_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_need_service_status"), ["status"], unique=False)

    op.execute(
        "INSERT INTO need_service (need_id, action, service_id, status, created_at) "
        "SELECT id, action, service_id, status, updated_at FROM need WHERE action IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("need_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_service_status"))
        batch_op.drop_index(batch_op.f("ix_need_service_need_id"))
        batch_op.drop_index(batch_op.f("ix_need_service_action"))
    op.drop_table("need_service")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_call_back_at"))
        batch_op.drop_column("call_back_at")
        batch_op.drop_column("skip_reasons")
