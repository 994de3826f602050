"""Waiting lists per night

Revision ID: 0009_waiting_lists
Revises: 0008_closures
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db
from festival.core.rls import disable_owner_rls, enable_owner_rls

# revision identifiers, used by Alembic.
revision = '0009_waiting_lists'
down_revision = '0008_closures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('waiting_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('offered_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hold_expires_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('persons >= 1', name=op.f('ck_waiting_request_persons_positive')),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'], name=op.f('fk_waiting_request_exhibition_id_exhibition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], name=op.f('fk_waiting_request_order_id_ticket_order'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['slot_id'], ['entry_slot.id'], name=op.f('fk_waiting_request_slot_id_entry_slot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_waiting_request_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_request')),
    sa.UniqueConstraint('secret', name=op.f('uq_waiting_request_secret'))
    )
    with op.batch_alter_table('waiting_request', schema=None) as batch_op:
        batch_op.create_index('ix_waiting_request_hold', ['status', 'hold_expires_at'], unique=False)
        batch_op.create_index('ix_waiting_request_night', ['exhibition_id', 'night', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_waiting_request_tenant_id'), ['tenant_id'], unique=False)

    enable_owner_rls('waiting_request', 'tenant_id')


def downgrade():
    disable_owner_rls('waiting_request')
    with op.batch_alter_table('waiting_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_request_tenant_id'))
        batch_op.drop_index('ix_waiting_request_night')
        batch_op.drop_index('ix_waiting_request_hold')

    op.drop_table('waiting_request')
