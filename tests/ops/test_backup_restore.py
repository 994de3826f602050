"""The backup and restore drill (docs/OPERATIONS.md): scripts/backup.sh dumps a live database and
the file store, scripts/restore.sh brings both back into an empty database, and the restored
database holds the same rows, the same migration head and the same row-level security."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from festival.core.storage import read_file, save_file
from tests.conftest import APP_ROLE, OWNER_URL, postgres_only

pytestmark = postgres_only
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script(name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPTS / name), *args], capture_output=True, text=True,
                          check=check)


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        counts = {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}  # noqa: S608
        counts["alembic head"] = conn.scalar(text("SELECT version_num FROM alembic_version"))
        counts["policies"] = conn.scalar(text("SELECT count(*) FROM pg_policies"))
    engine.dispose()
    return counts


@pytest.fixture
def restore_url():
    url = make_url(OWNER_URL)
    name = f"{url.database}_restored"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_into_an_empty_database_with_its_files(app, factory, tmp_path, restore_url):
    paris = factory.tenant("paris", country="FR", currency="EUR", timezone="Europe/Paris")
    factory.member(paris, "owner@paris.example.com", "owner")
    factory.supplier("huacai")
    with app.app_context():
        key = save_file("drill", b"a logo's bytes", "png")
    storage = Path(app.config["STORAGE_PATH"])

    dump, files = _script("backup.sh", OWNER_URL, str(storage), str(tmp_path / "backups")).stdout.split()

    restored_store = tmp_path / "restored-files"
    _script("restore.sh", dump, files, restore_url, str(restored_store))

    before, after = _counts(OWNER_URL), _counts(restore_url)
    assert after == before
    assert after["tenant"] == 1 and after["supplier"] == 1 and after["user_account"] == 1
    assert (restored_store / key).read_bytes() == b"a logo's bytes"
    with app.app_context():
        assert read_file(key) == b"a logo's bytes"
    # The app role's grants and the policies came back: it reads nothing without a tenant scope,
    # and exactly the scoped tenant's rows with one.
    app_engine = create_engine(make_url(restore_url).set(username=APP_ROLE, password=None))
    with app_engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM tenant_member")) == 0
        conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(paris.id)})
        assert conn.scalar(text("SELECT count(*) FROM tenant_member")) == 1
    app_engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(app, factory, tmp_path):
    factory.tenant("paris", country="FR", currency="EUR", timezone="Europe/Paris")
    storage = Path(app.config["STORAGE_PATH"])
    dump, files = _script("backup.sh", OWNER_URL, str(storage), str(tmp_path / "b")).stdout.split()
    before = _counts(OWNER_URL)
    failed = _script("restore.sh", dump, files, OWNER_URL, str(tmp_path / "f"), check=False)
    assert failed.returncode != 0 and "already exists" in failed.stderr
    assert _counts(OWNER_URL) == before
