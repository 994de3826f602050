"""Migrations produce exactly the models' schema, and downgrade to base works."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from festival.core.db import db
from tests.conftest import ON_POSTGRES, OWNER_URL


def schema_differences(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return diff


def test_migrated_schema_matches_models(app):
    assert schema_differences(OWNER_URL) == []


@pytest.fixture
def scratch_database_url(tmp_path):
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"lantern_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(OWNER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(OWNER_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_downgrade_to_base(app, scratch_database_url):
    directory = app.extensions["migrate"].directory
    previous = app.config["MIGRATION_DATABASE_URL"]
    app.config["MIGRATION_DATABASE_URL"] = scratch_database_url
    try:
        with app.app_context():
            upgrade(directory=directory)
            assert schema_differences(scratch_database_url) == []
            downgrade(directory=directory, revision="base")
        engine = create_engine(scratch_database_url)
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        engine.dispose()
        assert remaining == set()
    finally:
        app.config["MIGRATION_DATABASE_URL"] = previous
