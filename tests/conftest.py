"""Test fixtures: one migrated database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL),
emptied after every test; the app runs as a non-owner role on PostgreSQL so RLS applies."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

os.environ["LANTERN_ENV"] = "testing"
os.environ.setdefault("LANTERN_INSTANCE_PATH", tempfile.mkdtemp(prefix="lantern-test-"))

import pytest  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from festival import create_app  # noqa: E402
from festival.config import normalize_database_url  # noqa: E402
from festival.core.db import db  # noqa: E402
from festival.core.extensions import limiter  # noqa: E402
from festival.core.roles import ensure_app_role  # noqa: E402
from festival.core.scope import platform_scope  # noqa: E402

APP_ROLE = "lantern_test_app"
PASSWORD = "correct-horse-battery"
OWNER_URL = normalize_database_url(
    os.environ.get("TEST_DATABASE_URL")
    or f"sqlite:///{Path(os.environ['LANTERN_INSTANCE_PATH']) / 'test.db'}"
)
ON_POSTGRES = OWNER_URL.startswith("postgresql")
APP_URL = (make_url(OWNER_URL).set(username=APP_ROLE, password=None)
           .render_as_string(hide_password=False) if ON_POSTGRES else OWNER_URL)

postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")


# --- mail: a real SMTP server on loopback -------------------------------------------------------

@dataclass
class Mailbox:
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def clear(self) -> None:
        self.messages.clear()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last_link(self, address: str, path_fragment: str = "/") -> str:
        """The last link in the last mail to ``address`` whose path contains the fragment."""
        body = self.text(self.to(address)[-1])
        links = [u for u in re.findall(r"https?://\S+", body) if path_fragment in u]
        assert links, f"no link with {path_fragment!r} in: {body}"
        return links[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture
def mailbox(_smtp) -> Mailbox:
    mailbox, _port = _smtp
    mailbox.clear()
    return mailbox


# --- the app and its database --------------------------------------------------------------------

def _prepare_database() -> None:
    owner = create_engine(OWNER_URL)
    with owner.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    owner.dispose()


@pytest.fixture(scope="session")
def app(_smtp):
    _mailbox, port = _smtp
    _prepare_database()
    application = create_app({
        "SQLALCHEMY_DATABASE_URI": APP_URL,
        "MIGRATION_DATABASE_URL": OWNER_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "SERVER_NAME": None,
        "LOGIN_RATE_LIMIT": "10 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    from flask_migrate import upgrade

    with application.app_context():
        upgrade(directory=application.extensions["migrate"].directory)
        owner = create_engine(OWNER_URL)
        ensure_app_role(owner, APP_ROLE)
        owner.dispose()
    return application


def _empty_tables(app) -> None:
    owner = create_engine(OWNER_URL)
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with owner.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
    owner.dispose()


def empty_everything(app) -> None:
    """What a test leaves: no rows, no counted rate limits."""
    with app.app_context():
        db.session.remove()
    _empty_tables(app)
    limiter.reset()


@pytest.fixture(autouse=True)
def _clean_state(request):
    yield
    if "seeded_demo" in request.fixturenames:
        return  # tests/demo reads one seeding; its module fixture empties the tables after them
    if "app" in request.fixturenames or "client" in request.fixturenames:
        empty_everything(request.getfixturevalue("app"))


@pytest.fixture
def ctx(app):
    """An app context for service-level tests."""
    with app.app_context():
        yield app
        db.session.remove()


class Client:
    """The Flask test client plus what a person's browser does: keep CSRF tokens, sign in."""

    def __init__(self, flask_client):
        self.http = flask_client

    def __getattr__(self, name):
        return getattr(self.http, name)

    def csrf(self, path: str = "/login") -> str:
        html = self.http.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
            re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, path: str, data: dict | None = None, token_from: str | None = None,
                  **kwargs):
        payload = dict(data or {})
        if "csrf_token" not in payload:
            payload["csrf_token"] = self.csrf(token_from or path)
        return self.http.post(path, data=payload, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response


@pytest.fixture
def client(app) -> Client:
    return Client(app.test_client())


@pytest.fixture
def make_client(app):
    return lambda: Client(app.test_client())


def translated(app, locale: str, message: str, **values) -> str:
    """What a reader of ``locale`` sees for ``message`` (formatted as gettext formats it)."""
    from babel.support import Translations

    text = Translations.load(app.config["TRANSLATIONS_PATH"], [locale]).gettext(message)
    return text % values if values else text


# --- factories -------------------------------------------------------------------------------------

@pytest.fixture
def factory(app):
    return Factory(app)


class Factory:
    """Creates committed rows through the services, in the platform scope of a test."""

    def __init__(self, app):
        self.app = app

    def _run(self, work):
        with self.app.app_context(), platform_scope("cli"):
            result = work()
            db.session.commit()
            values = _snapshot(result)
            db.session.remove()
        return values

    def tenant(self, slug: str = "houston", **overrides):
        from festival.tenants.services import TenantSettings, create_tenant

        settings = dict(name=f"{slug.title()} Lantern Festival", city=slug.title(),
                        country="US", timezone="America/Chicago", currency="USD",
                        default_locale="en", offered_locales=["en", "fr", "ar", "zh_Hans"])
        settings.update(overrides)
        return self._run(lambda: create_tenant(slug, TenantSettings(**settings), None))

    def supplier(self, slug: str = "huacai", **overrides):
        from festival.suppliers.services import SupplierProfile, create_supplier

        profile = dict(name_zh="自贡华彩灯艺有限公司", name_en=f"{slug.title()} Lanterns")
        profile.update(overrides)
        return self._run(lambda: create_supplier(slug, SupplierProfile(**profile), None))

    def user(self, email: str, password: str = PASSWORD, **kw):
        from festival.accounts.services import create_user

        return self._run(lambda: create_user(email, password=password, **kw))

    def member(self, org, email: str, role: str, password: str = PASSWORD):
        from festival.accounts.models import SupplierMember, TenantMember
        from festival.accounts.services import create_user, find_user_by_email

        def work():
            user = find_user_by_email(email) or create_user(email, password=password)
            if org.kind == "tenant":
                db.session.add(TenantMember(tenant_id=org.id, user=user, role=role))
            else:
                db.session.add(SupplierMember(supplier_id=org.id, user=user, role=role))
            return user

        return self._run(work)

    def operator(self, email: str = "base@example.com"):
        return self.user(email, is_base_operator=True)


@dataclass
class Snapshot:
    """Plain values of a committed row, usable after its session is gone."""

    id: int
    kind: str
    slug: str | None
    email: str | None


def _snapshot(obj) -> Snapshot:
    kind = {"Tenant": "tenant", "Supplier": "supplier", "User": "user"}.get(type(obj).__name__, "")
    return Snapshot(id=obj.id, kind=kind, slug=getattr(obj, "slug", None),
                    email=getattr(obj, "email", None))


def row_counts(app) -> dict[str, int]:
    """Rows in every table, read as the owner (sees everything), to prove nothing was written."""
    owner = create_engine(OWNER_URL)
    with owner.connect() as conn:
        counts = {t.name: conn.scalar(text(f"SELECT count(*) FROM {t.name}"))
                  for t in db.metadata.sorted_tables}
    owner.dispose()
    return counts


@pytest.fixture
def live_server(app):
    """The app served over HTTP in a thread, for the browser."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# --- metrics: read /metrics as Prometheus does ----------------------------------------------------

METRICS_TOKEN = "scrape-7b1e0c2d9a"


@pytest.fixture
def scraper(app, client, monkeypatch):
    """Reads /metrics as Prometheus does: ``scrape()`` gives {(name, labels): value}."""
    monkeypatch.setitem(app.config, "METRICS_TOKEN", METRICS_TOKEN)

    from prometheus_client.parser import text_string_to_metric_families

    def scrape() -> dict[tuple[str, frozenset], float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert response.status_code == 200 and response.content_type.startswith("text/plain")
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(response.get_data(as_text=True))
                for sample in family.samples}

    return scrape
