"""Night closures, rebooking and visitor night changes

Revision ID: 0008_closures
Revises: 0007_booking
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db
from festival.core.rls import disable_owner_rls, enable_owner_rls

TENANT_TABLES = ('closure', 'closure_order')

# revision identifiers, used by Alembic.
revision = '0008_closures'
down_revision = '0007_booking'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('slot_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('offer', sa.String(length=8), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('reminded_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_closure_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'], name=op.f('fk_closure_exhibition_id_exhibition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_closure_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_exhibition_id'), ['exhibition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_closure_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('closure_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('closure_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decided_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('new_slot_id', sa.Integer(), nullable=True),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['closure_id'], ['closure.id'], name=op.f('fk_closure_order_closure_id_closure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['new_slot_id'], ['entry_slot.id'], name=op.f('fk_closure_order_new_slot_id_entry_slot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], name=op.f('fk_closure_order_order_id_ticket_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_closure_order_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voucher_id'], ['voucher.id'], name=op.f('fk_closure_order_voucher_id_voucher'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_order')),
    sa.UniqueConstraint('closure_id', 'order_id', name=op.f('uq_closure_order_closure_id_order_id')),
    sa.UniqueConstraint('token', name=op.f('uq_closure_order_token'))
    )
    with op.batch_alter_table('closure_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_order_closure_id'), ['closure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_closure_order_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_closure_order_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visitor_change_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('price_difference_rule', sa.String(length=8), nullable=False, server_default='keep'))

    for table in TENANT_TABLES:
        enable_owner_rls(table, 'tenant_id')


def downgrade():
    for table in TENANT_TABLES:
        disable_owner_rls(table)
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('price_difference_rule')
        batch_op.drop_column('visitor_change_hours')

    with op.batch_alter_table('closure_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_order_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_closure_order_order_id'))
        batch_op.drop_index(batch_op.f('ix_closure_order_closure_id'))

    op.drop_table('closure_order')
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_closure_exhibition_id'))

    op.drop_table('closure')
