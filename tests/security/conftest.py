"""Shared pieces of the security tests: two tenants and two suppliers with teams and waiting
invitations, plausible form bodies for every portal action, and a snapshot of every row."""

from __future__ import annotations

import functools
import html
import itertools
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, select, text
from werkzeug.security import generate_password_hash

from festival.accounts import team
from festival.accounts.models import SUPPLIER_ROLES, TENANT_ROLES, User
from festival.accounts.orgs import KINDS
from festival.accounts.services import create_user
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope, tenant_scope
from festival.suppliers.models import Supplier
from festival.tenants import services as tenant_services
from festival.tenants.models import Tenant
from tests.conftest import OWNER_URL, PASSWORD

OPERATOR_EMAIL = "base@example.com"
# The security world's season, which the exhibition form bodies keep: from the day after tomorrow
# for a week, so its slots and orders stay valid whatever the walk edits.
SEASON = (date.today() + timedelta(days=2), date.today() + timedelta(days=8))
NEW_PASSWORD = "lanterns-over-the-river"


# --- what a person sees -------------------------------------------------------------------------

def text_of(response) -> str:
    """The visible text of a page: tags removed, entities decoded, whitespace collapsed."""
    markup = response.get_data(as_text=True)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def field_error(response, name: str) -> str:
    """The error shown under one form field (``<p class="error" id="<name>-error">``)."""
    markup = response.get_data(as_text=True)
    errors = re.findall(rf'<p class="error" id="{re.escape(name)}-error">(.*?)</p>', markup, re.S)
    return " ".join(html.unescape(e) for e in errors)


def tiny_png(padding: int = 0) -> bytes:
    """A valid 1x1 PNG; ``padding`` bytes of an ancillary chunk make it as large as needed."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    extra = chunk(b"teXt", b"pad\x00" + b"x" * padding) if padding else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra
            + chunk(b"IDAT", zlib.compress(b"\x00\x1e\x5a\xb3")) + chunk(b"IEND", b""))


# --- every row of every table, read as the database owner -------------------------------------

@pytest.fixture(scope="session")
def owner_engine(app):
    engine = create_engine(OWNER_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def snapshot(owner_engine):
    """``snapshot()`` returns every row of every table, to prove a request wrote nothing."""

    def take() -> dict[str, list[str]]:
        with owner_engine.connect() as conn:
            return {table.name: sorted(repr(tuple(row)) for row in
                                       conn.execute(text(f"SELECT * FROM {table.name}")))
                    for table in db.metadata.sorted_tables}

    return take


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


# --- organisations, teams and invitations -----------------------------------------------------

@dataclass
class Org:
    kind: str  # "tenant" or "supplier"
    id: int
    slug: str
    name: str
    members: dict[str, int] = field(default_factory=dict)  # role -> a member id with that role
    emails: dict[str, str] = field(default_factory=dict)  # role -> that member's email
    invitation_id: int = 0  # a waiting invitation
    invitation_token: str = ""
    invitation_email: str = ""
    exhibition_id: int = 0  # tenants only
    # Tenants only: an exhibition on sale with these objects (Builder.sales).
    exhibition_slug: str = ""
    night: str = ""  # ISO date of the first night
    slot_id: int = 0
    ticket_type_id: int = 0
    voucher_id: int = 0
    order_id: int = 0  # a paid order
    order_secret: str = ""
    ticket_id: int = 0

    @property
    def portal(self) -> str:
        return f"/{self.slug}/manage" if self.kind == "tenant" else f"/s/{self.slug}"

    @property
    def team_page(self) -> str:
        return f"{self.portal}/team"


@functools.cache
def _password_hash(password: str) -> str:
    return generate_password_hash(password)


class Builder:
    """Creates organisations, members and invitations through the models and services."""

    _numbers = itertools.count(1)

    def __init__(self, app, factory):
        self.app = app
        self.factory = factory

    def unique(self, stem: str) -> str:
        return f"{stem}{next(self._numbers)}"

    def exhibition(self, org: Org) -> int:
        from datetime import time

        from festival.exhibitions.services import ExhibitionPlan, create_exhibition

        with self.app.app_context(), tenant_scope(org.id):
            tenant = db.session.get(Tenant, org.id)
            exhibition = create_exhibition(tenant, ExhibitionPlan(
                slug="lumieres", titles={"en": f"{org.name} season"}, venue_name="City Park",
                season_start=SEASON[0], season_end=SEASON[1],
                opens_at=time(18, 0), closes_at=time(23, 0)), None)
            db.session.commit()
            exhibition_id = exhibition.id
            db.session.remove()
        return exhibition_id

    def sales(self, org: Org) -> None:
        """Put ``org``'s exhibition on sale (ticket types, a voucher, slots) with one paid order."""
        from decimal import Decimal

        from festival.exhibitions.models import Exhibition
        from festival.ticketing.models import EntrySlot
        from festival.ticketing.setup import (
            TicketTypeSpec,
            VoucherSpec,
            create_ticket_type,
            create_voucher,
            open_sales,
        )

        with self.app.test_request_context(), tenant_scope(org.id):
            tenant = db.session.get(Tenant, org.id)
            exhibition = db.session.get(Exhibition, org.exhibition_id)
            ticket_type = create_ticket_type(tenant, exhibition, TicketTypeSpec(
                names={"en": "Adult"}, category="adult", price=Decimal("20.00")), None)
            voucher = create_voucher(tenant, exhibition, VoucherSpec(
                code=f"{org.slug}-press", kind="percent", value=Decimal("10")), None)
            open_sales(tenant, exhibition, None)
            slot = db.session.scalars(select(EntrySlot).order_by(EntrySlot.starts_at)).first()
            org.exhibition_slug, org.night = exhibition.slug, slot.night.isoformat()
            org.slot_id, org.ticket_type_id, org.voucher_id = slot.id, ticket_type.id, voucher.id
            db.session.commit()
            db.session.remove()
        org.order_id, org.order_secret = self.order(org, paid=True)
        with self.app.app_context(), tenant_scope(org.id):
            from festival.ticketing.models import Ticket

            org.ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.order_id == org.order_id))
            db.session.remove()

    def order(self, org: Org, paid: bool = False, quantity: int = 2) -> tuple[int, str]:
        """A new order of ``org`` (pending, or paid through the test gateway): (id, secret)."""
        from festival.ticketing import orders

        with self.app.test_request_context(), tenant_scope(org.id):
            tenant = db.session.get(Tenant, org.id)
            order = orders.create_order(tenant, orders.OrderRequest(
                slot_id=org.slot_id, quantities={org.ticket_type_id: quantity},
                email=f"{self.unique('visitor')}@visitors.example", name="Ada Visitor", locale="en"))
            if paid:
                orders.confirm_payment(order, tenant, "test", self.unique("test-"), order.total)
            db.session.commit()
            values = order.id, order.secret
            db.session.remove()
        return values

    def tenant(self, slug: str) -> Org:
        made = self.factory.tenant(slug)
        return Org("tenant", made.id, slug, f"{slug.title()} Lantern Festival")

    def supplier(self, slug: str) -> Org:
        made = self.factory.supplier(slug)
        return Org("supplier", made.id, slug, f"{slug.title()} Lanterns")

    def member(self, org: Org, role: str, email: str | None = None,
               password: str | None = PASSWORD) -> int:
        """A new member of ``org`` with ``role`` (a new account unless ``email`` has one);
        returns the member id. ``password=None`` makes an account that cannot sign in."""
        email = email or f"{self.unique(role)}@{org.slug}.example"
        kind = KINDS[org.kind]
        with self.app.app_context(), platform_scope("cli"):
            user = db.session.scalar(select(User).where(User.email == email)) or \
                self._user(email, password)
            member = kind.member_model(user=user, role=role, **{f"{org.kind}_id": org.id})
            db.session.add(member)
            db.session.commit()
            member_id = member.id
            db.session.remove()
        org.members.setdefault(role, member_id)
        org.emails.setdefault(role, email)
        return member_id

    @staticmethod
    def _user(email: str, password: str | None, **kw) -> User:
        user = create_user(email, **kw)
        if password is not None:  # one scrypt hash per run keeps the tests fast
            user.password_hash = _password_hash(password)
            user.password_changed_at = utcnow()
        return user

    def user(self, email: str, is_base_operator: bool = False) -> None:
        """A person who can sign in with PASSWORD, with no membership."""
        with self.app.app_context(), platform_scope("cli"):
            self._user(email, PASSWORD, is_base_operator=is_base_operator)
            db.session.commit()
            db.session.remove()

    def operator(self, email: str = OPERATOR_EMAIL) -> None:
        self.user(email, is_base_operator=True)

    def invitation(self, org: Org, role: str | None = None) -> tuple[int, str, str]:
        """A waiting invitation of ``org`` made by the team service: (id, token, email)."""
        kind = KINDS[org.kind]
        email = f"{self.unique('invitee')}@elsewhere.example"
        tokens: list[str] = []
        with self.app.test_request_context():
            model = Tenant if org.kind == "tenant" else Supplier
            org_row = db.session.get(model, org.id)
            with kind.open_scope(org_row):
                invitation = team.invite_member(
                    org_row, email, role or kind.roles[-1], None, "en",
                    lambda token: tokens.append(token) or f"http://localhost/{token}")
                db.session.commit()
                invitation_id = invitation.id
            db.session.remove()
        if not org.invitation_id:
            org.invitation_id, org.invitation_token, org.invitation_email = (
                invitation_id, tokens[0], email)
        return invitation_id, tokens[0], email


@pytest.fixture
def builder(app, factory) -> Builder:
    return Builder(app, factory)


# --- plausible form bodies of every POST action, keyed by endpoint (blueprint-less) -------------

def tenant_settings_body(**changes) -> dict:
    body = {"name": "Renamed Lantern Festival", "city": "Somewhere", "country": "US",
            "timezone": "America/Chicago", "currency": "USD", "offered_locales": ["en", "fr"],
            "default_locale": "en", "brand_colour": "#1e5ab3"}
    body.update(changes)
    return body


def supplier_profile_body(**changes) -> dict:
    body = {"name_zh": "自贡灯艺", "name_en": "Renamed Lanterns", "contact_name": "Li",
            "contact_email": "export@zigong.example", "contact_phone": "+86 813 555 0100",
            "address": "1 Caideng Road", "customs_code": "5103960123", "export_licence": "ZG-1",
            "default_locale": "zh_Hans", "currency": "CNY"}
    body.update(changes)
    return body


def exhibition_body(**changes) -> dict:
    body = {"slug": "lumieres", "title_en": "Lights of China", "venue_name": "City Park",
            "season_start": SEASON[0].isoformat(), "season_end": SEASON[1].isoformat(), "opens_at": "18:00",
            "closes_at": "23:00", "slot_minutes": "30", "slot_capacity": "200"}
    body.update(changes)
    return body


def form_body(endpoint: str, kind: str, builder: Builder) -> dict:
    """A body that the action accepts when the requester may use it; unknown endpoints fail."""
    name = endpoint.rsplit(".", 1)[-1]
    least_role = KINDS[kind].roles[-1] if kind in KINDS else "owner"
    bodies = {
        "settings": tenant_settings_body,
        "profile": supplier_profile_body,
        "invite": lambda: {"email": f"{builder.unique('new')}@team.example", "role": least_role},
        "change_role": lambda: {"role": KINDS[kind].roles[1]},
        "remove_member": dict,
        "revoke_invitation": dict,
        "two_factor_rule": dict,  # unchecked: optional (checked would lock out later requests)
        "tenant_new": lambda: {**tenant_settings_body(name="New Lantern Festival"),
                               "slug": builder.unique("newcity"),
                               "owner_email": f"{builder.unique('owner')}@new.example"},
        "supplier_new": lambda: {**supplier_profile_body(),
                                 "slug": builder.unique("newsupplier"),
                                 "owner_email": f"{builder.unique('owner')}@new.example"},
        "operators": lambda: {"email": f"{builder.unique('operator')}@base.example"},
        "tenant_invite": lambda: {"email": f"{builder.unique('owner')}@new.example"},
        "supplier_invite": lambda: {"email": f"{builder.unique('owner')}@new.example"},
        "tenant_status": lambda: {"status": "active"},
        "exhibition_new": lambda: exhibition_body(slug=builder.unique("season")),
        "exhibition_edit": exhibition_body,
        "exhibition_status": lambda: {"status": "on_sale"},
        "tenant_support": dict,
        "support_end": dict,
        "home": lambda: {"name": "Someone", "locale": ""},  # accounts.home, the account page
        "security": lambda: {"code": "123456"},
        "accept_invitation": lambda: {"name": "Someone Else", "password": NEW_PASSWORD,
                                      "confirm": NEW_PASSWORD},
    }
    for module in route_modules():
        for key, make in getattr(module, "BODIES", {}).items():
            bodies[key] = functools.partial(make, builder, kind)
    assert name in bodies, (f"no plausible form body for POST {endpoint}: add one to form_body() "
                            "or to BODIES in a tests/security/routes_*.py module")
    return bodies[name]()


@functools.cache
def route_modules() -> tuple:
    """The ``tests/security/routes_*.py`` modules: each domain registers the form bodies, URL
    fillers and walk classifications of its own routes there (BODIES, FILLERS, PUBLIC,
    BEARER, ALLOW_LIST, POST_PERMISSION)."""
    import importlib
    from pathlib import Path

    return tuple(importlib.import_module(f"tests.security.{path.stem}")
                 for path in sorted(Path(__file__).parent.glob("routes_*.py")))


def registered(name: str) -> dict:
    """One registry (e.g. PUBLIC) merged from every routes_*.py module."""
    merged: dict = {}
    for module in route_modules():
        merged.update(getattr(module, name, {}))
    return merged


def signed_in(make_client, email: str, password: str = PASSWORD):
    client = make_client()
    client.login(email, password)
    return client


# --- filling URL rules ---------------------------------------------------------------------------

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
ID_ARGUMENT = re.compile(r"<id:([^<>]+)>")
ORG_ARGUMENTS = {"tenant_slug", "supplier_slug"}


@dataclass
class Side:
    """The organisations whose slugs or ids fill a URL."""

    tenant: Org
    supplier: Org


def _org_of(kind: str, side: Side) -> Org:
    return side.tenant if kind == "tenant" else side.supplier


def fillers(builder: Builder) -> dict[str, Callable[[str, Side, bool], object]]:
    """How to fill each URL argument: (kind of the rule, whose objects, fresh?) -> value.

    ``fresh`` asks for a new object of that organisation, for a request that uses it up
    (removing a member, withdrawing an invitation); otherwise an existing one is used.
    """

    def member_id(kind: str, side: Side, fresh: bool) -> int:
        org = _org_of(kind, side)
        least = "gate" if kind == "tenant" else "staff"
        return builder.member(org, least, password=None) if fresh else org.members[least]

    def invitation_id(kind: str, side: Side, fresh: bool) -> int:
        org = _org_of(kind, side)
        return builder.invitation(org)[0] if fresh else org.invitation_id

    extra = {name: functools.partial(fill, builder) for name, fill in registered("FILLERS").items()}
    return {
        **extra,
        "tenant_slug": lambda kind, side, fresh: side.tenant.slug,
        "supplier_slug": lambda kind, side, fresh: side.supplier.slug,
        "tenant_id": lambda kind, side, fresh: side.tenant.id,
        "supplier_id": lambda kind, side, fresh: side.supplier.id,
        "member_id": member_id,
        "invitation_id": invitation_id,
        "exhibition_id": lambda kind, side, fresh: side.tenant.exhibition_id,
        "token": lambda kind, side, fresh: side.tenant.invitation_token,
        "code": lambda kind, side, fresh: "en",
        "filename": lambda kind, side, fresh: "lantern.css",
    }


def url_of(rule, values: dict[str, object]) -> str:
    return ARGUMENT.sub(lambda match: str(values[match.group(1)]), rule.rule)


def path_arguments(rule) -> list[str]:
    return ARGUMENT.findall(rule.rule)


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def fill_values(fill, rule, kind: str, slugs: Side, ids: Side, fresh: bool) -> dict[str, object]:
    """The URL arguments of ``rule``: organisations' slugs from ``slugs``, objects from ``ids``."""
    return {name: fill[name](kind, slugs if name in ORG_ARGUMENTS else ids, fresh)
            for name in path_arguments(rule)}


@pytest.fixture
def world(app, builder) -> dict[str, Org]:
    """Tenants alpha (A) and beta (B), suppliers xcai (X) and yguang (Y), each with a member of
    every role and a waiting invitation; alpha has a logo; a base operator exists. Every member
    can sign in with PASSWORD."""
    orgs = {}
    for slug, make, roles in (("alpha", builder.tenant, TENANT_ROLES),
                              ("beta", builder.tenant, TENANT_ROLES),
                              ("xcai", builder.supplier, SUPPLIER_ROLES),
                              ("yguang", builder.supplier, SUPPLIER_ROLES)):
        orgs[slug] = org = make(slug)
        for role in roles:
            builder.member(org, role)
        builder.invitation(org)
    with app.app_context(), tenant_scope(orgs["alpha"].id):
        tenant_services.set_logo(db.session.get(Tenant, orgs["alpha"].id), tiny_png(), None)
        db.session.commit()
        db.session.remove()
    for slug in ("alpha", "beta"):
        orgs[slug].exhibition_id = builder.exhibition(orgs[slug])
        builder.sales(orgs[slug])
        for make in registered("WORLD").values():  # objects other domains' routes need
            make(builder, orgs[slug])
    builder.operator()
    return orgs
