"""the referral after the call: IC codes, GHB, contact safety

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# The Home Office IC codes are IC1-IC6 and IC9 (unknown). Earlier versions offered an "IC7"
# (meaning unknown) and accepted "IC8"; both are unknown in today's vocabulary.
RETIRED_IC_CODES = ("IC7", "IC8")


def _person() -> sa.TableClause:
    return sa.table("person", sa.column("officer_observed_ethnicity", sa.String))


def upgrade() -> None:
    person = _person()
    op.execute(
        person.update()
        .where(person.c.officer_observed_ethnicity.in_(RETIRED_IC_CODES))
        .values(officer_observed_ethnicity="IC9")
    )


def downgrade() -> None:
    # IC9 was a valid code before too, so which rows held IC7 or IC8 cannot be told apart:
    # the data stays as it is.
    pass
