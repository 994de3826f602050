"""Season and multi-visit passes

Revision ID: 0010_passes
Revises: 0009_waiting_lists
Create Date: 2026-11-24 00:55:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db
from festival.core.rls import disable_owner_rls, enable_owner_rls

# revision identifiers, used by Alembic.
revision = '0010_passes'
down_revision = '0009_waiting_lists'
branch_labels = None
depends_on = None

TENANT_TABLES = ('visitor_pass', 'pass_visit')


def upgrade():
    with op.batch_alter_table('ticket_type', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visits', sa.Integer(), nullable=True))

    op.create_table('visitor_pass',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('ticket_type_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('visits_total', sa.Integer(), nullable=True),
    sa.Column('visits_left', sa.Integer(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('visits_left IS NULL OR visits_left >= 0', name=op.f('ck_visitor_pass_visits_not_negative')),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'], name=op.f('fk_visitor_pass_exhibition_id_exhibition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], name=op.f('fk_visitor_pass_order_id_ticket_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_visitor_pass_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_visitor_pass_ticket_id_ticket'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_type.id'], name=op.f('fk_visitor_pass_ticket_type_id_ticket_type'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitor_pass')),
    sa.UniqueConstraint('secret', name=op.f('uq_visitor_pass_secret')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_visitor_pass_tenant_id_code')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_visitor_pass_ticket_id'))
    )
    with op.batch_alter_table('visitor_pass', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitor_pass_exhibition_id'), ['exhibition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_pass_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitor_pass_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pass_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pass_id', sa.Integer(), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['ticket_order.id'], name=op.f('fk_pass_visit_order_id_ticket_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pass_id'], ['visitor_pass.id'], name=op.f('fk_pass_visit_pass_id_visitor_pass'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_pass_visit_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_pass_visit_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pass_visit')),
    sa.UniqueConstraint('pass_id', 'night', name=op.f('uq_pass_visit_pass_id_night')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_pass_visit_ticket_id'))
    )
    with op.batch_alter_table('pass_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pass_visit_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pass_visit_tenant_id'), ['tenant_id'], unique=False)

    for table in TENANT_TABLES:
        enable_owner_rls(table, 'tenant_id')


def downgrade():
    for table in reversed(TENANT_TABLES):
        disable_owner_rls(table)

    with op.batch_alter_table('pass_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pass_visit_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_pass_visit_order_id'))

    op.drop_table('pass_visit')
    with op.batch_alter_table('visitor_pass', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitor_pass_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_visitor_pass_order_id'))
        batch_op.drop_index(batch_op.f('ix_visitor_pass_exhibition_id'))

    op.drop_table('visitor_pass')
    with op.batch_alter_table('ticket_type', schema=None) as batch_op:
        batch_op.drop_column('visits')
