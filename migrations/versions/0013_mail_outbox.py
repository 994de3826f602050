"""The mail outbox: messages written with their data, delivered once by the worker or inline

Revision ID: 0013_mail_outbox
Revises: 0012_exposure
Create Date: 2026-11-24 01:45:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db

# revision identifiers, used by Alembic.
revision = '0013_mail_outbox'
down_revision = '0012_exposure'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=True),
    sa.Column('compose', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('track', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_status'))
    op.drop_table('mail_outbox')
