"""The PostgreSQL role the application runs as: not the owner, so row-level security applies."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ensure_app_role(owner_engine: Engine, role: str, password: str | None = None) -> None:
    """Create the role if missing and grant it data access only (idempotent)."""
    if not _ROLE_NAME.match(role):
        raise ValueError("role names are lowercase letters, digits and underscores")
    if owner_engine.dialect.name != "postgresql":
        return
    with owner_engine.begin() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
        if not exists:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS'))
        conn.execute(text(f'ALTER ROLE "{role}" NOSUPERUSER NOBYPASSRLS'))
        if password:
            literal = password.replace("'", "''")  # DDL takes no bind parameters
            conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD '{literal}'"))
        database = conn.scalar(text("SELECT current_database()"))
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        conn.execute(text(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
        conn.execute(text(f'REVOKE ALL ON TABLE alembic_version FROM "{role}"'))
        conn.execute(text(f'GRANT SELECT ON TABLE alembic_version TO "{role}"'))
        conn.execute(text(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE '
            f'ON TABLES TO "{role}"'))
        conn.execute(text(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES '
            f'TO "{role}"'))
