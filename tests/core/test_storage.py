"""Stored files go through one interface (festival.core.storage) whatever the backend: a folder
under instance/, or rows of the database that every web instance and worker shares."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import create_engine, text

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.storage import read_file, save_file
from tests.accounts.test_journeys import tiny_png
from tests.conftest import OWNER_URL
from tests.core.instances import another_instance

BACKENDS = ("folder", "database")


@pytest.fixture(params=BACKENDS)
def backend(request, app, monkeypatch, tmp_path) -> str:
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", request.param)
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "files"))
    return request.param


@pytest.fixture
def owner_client(factory, make_client):
    """The owner of the tenant houston, signed in."""
    factory.member(factory.tenant("houston"), "owner@houston.example", "owner")
    client = make_client()
    client.login("owner@houston.example")
    return client


def _stored_rows() -> int:
    owner = create_engine(OWNER_URL)
    with owner.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM stored_file"))
    owner.dispose()
    return count


def test_saved_bytes_read_back_under_their_key(app, backend):
    with app.app_context():
        key = save_file("tenants/7", b"a logo's bytes", "png")
        other = save_file("tenants/7", b"another logo", "png")
        db.session.commit()
        db.session.remove()
    assert key.startswith("tenants/7/") and key.endswith(".png") and other != key
    with app.app_context():  # a later request
        assert read_file(key) == b"a logo's bytes"
        assert read_file(other) == b"another logo"
    assert _stored_rows() == (2 if backend == "database" else 0)


@pytest.mark.parametrize("key", ["tenants/7/0123456789abcdef0123456789abcdef.png",
                                 "../../etc/passwd", "/etc/passwd", "tenants/../../secret_key"])
def test_an_unknown_or_escaping_key_is_a_404(app, backend, key):
    with app.app_context():
        save_file("tenants/7", b"a logo's bytes", "png")
        db.session.commit()
        with pytest.raises(DomainError) as refused:
            read_file(key)
        db.session.remove()
    assert refused.value.status_code == 404
    assert refused.value.message == "This file does not exist."


def test_a_rolled_back_request_leaves_no_file_in_the_database(app, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")
    with app.app_context():
        key = save_file("contracts", b"%PDF-1.7", "pdf")
        assert read_file(key) == b"%PDF-1.7"  # seen inside its own transaction
        db.session.rollback()
        with pytest.raises(DomainError):
            read_file(key)
        db.session.remove()
    assert _stored_rows() == 0


def _upload_logo(owner_client, png: bytes):
    return owner_client.post_form("/houston/manage/settings", {
        "name": "Houston Lights", "city": "Houston", "country": "US",
        "timezone": "America/Chicago", "currency": "USD", "offered_locales": ["en"],
        "default_locale": "en", "brand_colour": "#1E5AB3",
        "logo": (io.BytesIO(png), "logo.png", "image/png"),
    }, content_type="multipart/form-data")


def test_an_uploaded_logo_is_shown_to_visitors(backend, owner_client, make_client):
    png = tiny_png()
    assert _upload_logo(owner_client, png).status_code == 302
    logo = make_client().get("/houston/logo")
    assert logo.status_code == 200 and logo.content_type == "image/png" and logo.data == png


def test_a_logo_uploaded_on_one_instance_is_served_by_another_without_a_shared_disk(
        app, monkeypatch, tmp_path, owner_client):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "this-machine"))
    png = tiny_png()
    assert _upload_logo(owner_client, png).status_code == 302
    assert not (tmp_path / "this-machine").exists()  # nothing went to this machine's disk
    with another_instance(app, STORAGE_PATH=str(tmp_path / "other-machine")) as other:
        logo = other.test_client().get("/houston/logo")
    assert logo.status_code == 200 and logo.data == png
    assert _stored_rows() == 1


def test_the_backend_is_chosen_by_the_environment(tmp_path):
    from festival.config import ConfigError, load_config

    env = {"LANTERN_ENV": "testing"}
    assert load_config(env, tmp_path)["STORAGE_BACKEND"] == "folder"
    chosen = load_config({**env, "STORAGE_BACKEND": "Database"}, tmp_path)
    assert chosen["STORAGE_BACKEND"] == "database"
    with pytest.raises(ConfigError, match="STORAGE_BACKEND must be one of folder, database"):
        load_config({**env, "STORAGE_BACKEND": "s3"}, tmp_path)


def test_files_of_the_folder_are_copied_to_the_database_before_switching(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "files"))
    with app.app_context():
        keys = [save_file("tenants/7", b"a logo's bytes", "png"), save_file("contracts", b"%PDF", "pdf")]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["copy-files-to-database"])
    assert first.exit_code == 0 and "2 files copied, 0 already in the database." in first.output
    again = runner.invoke(args=["copy-files-to-database"])
    assert "0 files copied, 2 already in the database." in again.output
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "database")
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "elsewhere"))
    with app.app_context():
        assert [read_file(key) for key in keys] == [b"a logo's bytes", b"%PDF"]
        db.session.remove()


def test_a_deleted_file_is_gone_and_deleting_twice_is_harmless(app, backend):
    from festival.core.storage import delete_file

    with app.app_context():
        key = save_file("tenants/7", b"a logo's bytes", "png")
        db.session.commit()
        delete_file(key)
        delete_file(key)
        db.session.commit()
        with pytest.raises(DomainError):
            read_file(key)
        db.session.remove()
    assert _stored_rows() == 0
