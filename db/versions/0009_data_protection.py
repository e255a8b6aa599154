"""data protection: the audit trail searched by the records a person owns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Audit review and subject access look events up by (entity, entity id) for each
    # record of a person; without this every search reads the whole trail.
    op.create_index("ix_audit_event_entity", "audit_event", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_entity", table_name="audit_event")
