"""PostgreSQL row-level security for owned tables, called from migrations.

The app connects as a non-owner role, so these policies hold even for raw SQL that
bypasses the ORM filter. The platform scope (CLI, jobs, webhook, base reporting) sets
``app.platform``; every other transaction sees only the rows of its own tenant or supplier.
"""

from __future__ import annotations

from alembic import op

_POLICY = (
    "({column} = NULLIF(current_setting('app.{setting}', true), '')::int "
    "OR current_setting('app.platform', true) = 'on')"
)
OWNER_SETTINGS = {"tenant_id": "tenant_id", "supplier_id": "supplier_id"}


def policy_expression(column: str) -> str:
    return _POLICY.format(column=column, setting=OWNER_SETTINGS[column])


def enable_owner_rls(table: str, column: str) -> None:
    """Turn on row-level security for ``table``, owned through ``column``."""
    if op.get_bind().dialect.name != "postgresql":
        return
    expression = policy_expression(column)
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_owner ON {table} USING {expression} "
               f"WITH CHECK {expression}")


def enable_party_rls(table: str) -> None:
    """Row-level security for a row shared by one tenant and one supplier: either party's
    scope sees it."""
    if op.get_bind().dialect.name != "postgresql":
        return
    expression = f"({policy_expression('tenant_id')} OR {policy_expression('supplier_id')})"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_owner ON {table} USING {expression} "
               f"WITH CHECK {expression}")


def disable_owner_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {table}_owner ON {table}")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
