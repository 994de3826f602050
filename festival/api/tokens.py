"""API tokens: created by staff with scopes, shown once, stored as a hash, found by their prefix.

A token reads ``lnt_<prefix>_<secret>``. The prefix is stored in clear and unique, so a
request finds its token with one indexed read; only the SHA-256 of the whole token is kept.
A fast hash is right here: the secret is 256 random bits, nothing a dictionary could guess,
and a slow password hash (scrypt) on every API call would cost more than the order itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from festival.accounts.models import User
from festival.api.models import ApiToken
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError
from festival.tenants.models import Tenant

TOKEN_PREFIX = "lnt"  # noqa: S105  # nosec B105  # the visible start of every token, not a secret
# What a token may do; the gate scopes come with check-in.
SCOPES = {
    "orders:read": _l("Read exhibitions, entry slots, ticket types and orders"),
    "orders:write": _l("Create and cancel orders"),
    "checkin:write": _l("Admit tickets at a gate and send scans made offline"),
    "checkin:read": _l("Read gates and tonight's entry counts"),
}
# last_used_at is a hint for staff, not a log: one write a minute per token is enough.
TOUCH_INTERVAL = timedelta(minutes=1)
PREFIX_PATTERN = re.compile(r"[0-9a-f]{12}")

MESSAGES = {
    "name": _l("Give the token a name of at most 80 characters."),
    "scopes": _l("Choose at least one of the scopes offered."),
    "revoked_already": _l("This token is revoked already."),
    "missing": _l("Send an API token in the header Authorization: Bearer <token>."),
    "invalid": _l("This API token is not valid. Ask your organisation's staff for a new one."),
    "revoked": _l("This API token has been revoked. Ask your organisation's staff for a new one."),
    "suspended": _l("This organisation is suspended on Lantern. Please come back later."),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(tenant: Tenant, name: str, scopes: list[str], actor: User | None) -> tuple[ApiToken, str]:
    """A new token of ``tenant``; returns the row and the full token, which is never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError(str(MESSAGES["name"]))
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    if not chosen or len(chosen) != len(set(scopes)):
        raise DomainError(str(MESSAGES["scopes"]))
    prefix = secrets.token_hex(6)
    full = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(tenant_id=tenant.id, name=name, prefix=prefix, token_hash=hash_token(full),
                     scopes=" ".join(chosen), created_by_id=actor.id if actor else None,
                     created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record_event("festival.api.token.created", actor=actor, token=name, prefix=prefix,
                 scopes=token.scopes)
    return token, full


def revoke_token(token: ApiToken, actor: User | None, now: datetime | None = None) -> None:
    """Refuse the token from now on; requests already running finish."""
    if token.revoked_at is not None:
        raise Conflict(str(MESSAGES["revoked_already"]))
    token.revoked_at = now or utcnow()
    db.session.flush()
    forget_all()
    record_event("festival.api.token.revoked", actor=actor, token=token.name, prefix=token.prefix)


def list_tokens() -> list[ApiToken]:
    """The tokens of the open tenant scope, newest first."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(),
                                                             ApiToken.id.desc())))


class TokenRefused(DomainError):
    """No valid token: 401 (the client should authenticate), or 403 for a suspended tenant."""

    status_code = 401


@dataclass(frozen=True)
class Bearer:
    """The token of a request and its tenant, found before any tenant scope is open.

    Remembered between requests detached from any session; ``attach`` gives the request its
    own copies in its session without a query.
    """

    token: ApiToken
    tenant: Tenant

    @property
    def tenant_id(self) -> int:
        return self.token.tenant_id

    def attach(self, session) -> tuple[ApiToken, Tenant]:
        return session.merge(self.token, load=False), session.merge(self.tenant, load=False)


# Per worker process: SHA-256 of a token → (monotonic expiry, Bearer). Only tokens that passed
# every check are remembered, for API_TOKEN_CACHE_SECONDS.
_remembered: dict[str, tuple[float, Bearer]] = {}
_REMEMBER_AT_MOST = 10_000
# Per worker process: token prefix → when this worker last wrote its last_used_at.
_touched: dict[str, datetime] = {}


def _parse(header: str | None) -> tuple[str, str]:
    """The token and its prefix from the header, or a refusal; no database involved."""
    scheme, _space, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise TokenRefused(str(MESSAGES["missing"]))
    full = value.strip()
    parts = full.split("_", 2)
    # Only a well-formed prefix reaches the database (a NUL byte would be an error there).
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not PREFIX_PATTERN.fullmatch(parts[1]):
        raise TokenRefused(str(MESSAGES["invalid"]))
    return full, parts[1]


def remembered(header: str | None) -> Bearer | None:
    """The bearer this worker checked within API_TOKEN_CACHE_SECONDS, else None (look it up).

    Raises ``TokenRefused`` for a malformed header, like ``authenticate``.
    """
    full, _prefix = _parse(header)
    if not current_app.config["API_TOKEN_CACHE_SECONDS"]:
        return None
    entry = _remembered.get(hash_token(full))
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def forget_all() -> None:
    """Drop every remembered token of this worker (a token revoked, a tenant suspended here)."""
    _remembered.clear()
    _touched.clear()


def authenticate(header: str | None) -> Bearer:
    """The token named by an ``Authorization`` header, checked; raises ``TokenRefused``.

    The lookup needs no scope of its own tenant yet, so the caller runs it in the named
    platform scope "api.token"; it reads exactly one row by its unique prefix.
    """
    full, prefix = _parse(header)
    row = db.session.execute(
        select(ApiToken, Tenant).join(Tenant, Tenant.id == ApiToken.tenant_id)
        .where(ApiToken.prefix == prefix)).first()
    # Compared in constant time, and compared even when the prefix is unknown.
    digest = hash_token(full)
    expected = row.ApiToken.token_hash if row is not None else "0" * 64
    if not hmac.compare_digest(expected, digest) or row is None:
        raise TokenRefused(str(MESSAGES["invalid"]))
    if row.ApiToken.revoked_at is not None:
        raise TokenRefused(str(MESSAGES["revoked"]))
    if not row.Tenant.is_active:
        raise TokenRefused(str(MESSAGES["suspended"]), 403)
    # Detached, so the remembered rows outlive this request's session; the request works on
    # merged copies (Bearer.attach) like any later one.
    db.session.expunge(row.ApiToken)
    db.session.expunge(row.Tenant)
    bearer = Bearer(row.ApiToken, row.Tenant)
    seconds = current_app.config["API_TOKEN_CACHE_SECONDS"]
    if seconds:
        if len(_remembered) >= _REMEMBER_AT_MOST:
            forget_all()
        _remembered[digest] = (time.monotonic() + seconds, bearer)
    return bearer


def touch(token: ApiToken, now: datetime | None = None) -> None:
    """Note that the token was used, at most once a minute (inside the token's tenant scope)."""
    now = now or utcnow()
    remembering = bool(current_app.config["API_TOKEN_CACHE_SECONDS"])
    # A remembered token's row may be older than this worker's last write: count both.
    last = max((t for t in (token.last_used_at, remembering and _touched.get(token.prefix))
                if t), default=None)
    if last is not None and now - last < TOUCH_INTERVAL:
        return
    if remembering:
        _touched[token.prefix] = now
    # Conditional, so that concurrent requests of one token write it once.
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token.id, or_(ApiToken.last_used_at.is_(None),
                                                            ApiToken.last_used_at < now - TOUCH_INTERVAL))
        .values(last_used_at=now).execution_options(synchronize_session=False))
