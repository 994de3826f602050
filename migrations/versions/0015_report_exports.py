"""Report exports: requested in a request, rendered by the job worker (or inline), downloaded

Revision ID: 0015_report_exports
Revises: 0014_file_store
Create Date: 2026-11-24 04:10:00

"""
import sqlalchemy as sa
from alembic import op

import festival.core.db
from festival.core.rls import disable_owner_rls, enable_owner_rls

# revision identifiers, used by Alembic.
revision = '0015_report_exports'
down_revision = '0014_file_store'
branch_labels = None
depends_on = None


def upgrade():
    # The base's exports are platform rows (base operators only); a tenant's are tenant-owned.
    op.create_table('base_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=255), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_base_export_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_base_export'))
    )
    with op.batch_alter_table('base_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_base_export_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_base_export_status'), ['status'], unique=False)

    op.create_table('tenant_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=255), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', festival.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', festival.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_tenant_export_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_export_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_export'))
    )
    with op.batch_alter_table('tenant_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_export_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_export_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_export_tenant_id'), ['tenant_id'], unique=False)
    enable_owner_rls('tenant_export', 'tenant_id')


def downgrade():
    disable_owner_rls('tenant_export')
    with op.batch_alter_table('tenant_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_export_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_export_status'))
        batch_op.drop_index(batch_op.f('ix_tenant_export_created_at'))

    op.drop_table('tenant_export')
    with op.batch_alter_table('base_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_base_export_status'))
        batch_op.drop_index(batch_op.f('ix_base_export_created_at'))

    op.drop_table('base_export')
