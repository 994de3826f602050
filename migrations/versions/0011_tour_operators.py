"""Tour operators, group blocks and invoices

Revision ID: 0011_tour_operators
Revises: 0010_passes
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db
from festival.core.rls import disable_owner_rls, enable_owner_rls

# revision identifiers, used by Alembic.
revision = '0011_tour_operators'
down_revision = '0010_passes'
branch_labels = None
depends_on = None

TENANT_TABLES = ('tour_operator', 'group_block', 'invoice_counter')


def upgrade():
    op.create_table('tour_operator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_name', sa.String(length=160), nullable=False),
    sa.Column('contact_name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('tax_id', sa.String(length=40), nullable=False),
    sa.Column('payment_terms_days', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tour_operator_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tour_operator')),
    sa.UniqueConstraint('token', name=op.f('uq_tour_operator_token'))
    )
    with op.batch_alter_table('tour_operator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tour_operator_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('group_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('invoice_number', sa.String(length=20), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reminded_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payment_reference', sa.String(length=120), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['tour_operator.id'], name=op.f('fk_group_block_operator_id_tour_operator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], name=op.f('fk_group_block_order_id_ticket_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_group_block_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_block')),
    sa.UniqueConstraint('order_id', name=op.f('uq_group_block_order_id')),
    sa.UniqueConstraint('tenant_id', 'invoice_number', name=op.f('uq_group_block_tenant_id_invoice_number'))
    )
    with op.batch_alter_table('group_block', schema=None) as batch_op:
        batch_op.create_index('ix_group_block_status_due_on', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_block_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_block_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('invoice_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_invoice_counter_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_counter')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_invoice_counter_tenant_id_year'))
    )
    with op.batch_alter_table('invoice_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_counter_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_address', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tax_id', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('group_release_days', sa.Integer(), nullable=False, server_default='3'))

    for table in TENANT_TABLES:
        enable_owner_rls(table, "tenant_id")


def downgrade():
    for table in TENANT_TABLES:
        disable_owner_rls(table)

    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('group_release_days')
        batch_op.drop_column('tax_id')
        batch_op.drop_column('legal_address')

    with op.batch_alter_table('invoice_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_counter_tenant_id'))

    op.drop_table('invoice_counter')
    with op.batch_alter_table('group_block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_block_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_group_block_operator_id'))
        batch_op.drop_index('ix_group_block_status_due_on')

    op.drop_table('group_block')
    with op.batch_alter_table('tour_operator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tour_operator_tenant_id'))

    op.drop_table('tour_operator')
