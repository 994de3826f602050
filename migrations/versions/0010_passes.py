"""Season and multi-visit passes

Revision ID: 0010_passes
Revises: 0009_waiting_lists
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import festival.core.db  # noqa: F401
from festival.core.rls import disable_owner_rls, enable_owner_rls  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0010_passes'
down_revision = '0009_waiting_lists'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
