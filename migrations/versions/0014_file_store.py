"""The shared file store: stored files as rows, seen by every web instance and worker

Revision ID: 0014_file_store
Revises: 0013_mail_outbox
Create Date: 2026-11-24 03:00:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db

# revision identifiers, used by Alembic.
revision = '0014_file_store'
down_revision = '0013_mail_outbox'
branch_labels = None
depends_on = None


def upgrade():
    # A platform table: a key says nothing about its owner, the row holding the key decides.
    op.create_table('stored_file',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_file'))
    )


def downgrade():
    op.drop_table('stored_file')
