"""Night closures, rebooking and visitor night changes

Revision ID: 0008_closures
Revises: 0007_booking
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import festival.core.db  # noqa: F401
from festival.core.rls import disable_owner_rls, enable_owner_rls  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0008_closures'
down_revision = '0007_booking'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
