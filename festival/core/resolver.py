"""The URL resolver: the one place a request's tenant or supplier scope is opened."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from festival.core.db import db
from festival.core.errors import DomainError, NotFound
from festival.core.reference import SLUG_PATTERN
from festival.core.scope import Scope, enter_scope, leave_scope

RESERVED_SLUGS = frozenset(
    {
        "account", "accounts", "admin", "api", "base", "favicon.ico", "healthz", "locale",
        "login", "logout", "manage", "metrics", "o", "readyz", "robots.txt", "s", "static",
        "webhooks", "www",
    }
)


class OrganisationSuspended(DomainError):
    status_code = 403


def install_org_resolver(
    blueprint: Blueprint,
    model: type,
    url_arg: str,
    make_scope: Callable[[object], Scope],
    display_timezone: Callable[[object], str],
    offered_locales: Callable[[object], list[str]] | None = None,
) -> None:
    """Resolve ``url_arg`` to an organisation, open its scope, and put its slug back into URLs."""

    @blueprint.url_value_preprocessor
    def resolve(endpoint: str | None, values: dict | None) -> None:
        slug = (values or {}).pop(url_arg, None)
        # A malformed slug (a NUL byte is an error on PostgreSQL) cannot name anyone: no query.
        well_formed = bool(slug) and SLUG_PATTERN.fullmatch(slug) is not None
        org = db.session.scalar(select(model).where(model.slug == slug)) if well_formed else None
        if org is None:
            raise NotFound(str(_l("There is nothing at this address.")))
        g.org = org
        g.display_timezone = display_timezone(org)
        g.default_locale = getattr(org, "default_locale", "en")
        if offered_locales is not None:
            g.offered_locales = offered_locales(org)
        g.scope_token = enter_scope(make_scope(org))
        if not org.is_active and not (current_user.is_authenticated and
                                      current_user.is_base_operator):
            raise OrganisationSuspended(
                str(_l("This organisation is suspended on Lantern. Please come back later."))
            )

    @blueprint.url_defaults
    def add_slug(endpoint: str, values: dict) -> None:
        org = g.get("org")
        if url_arg not in values and isinstance(org, model):
            values[url_arg] = org.slug


def install_scope_teardown(app: Flask) -> None:
    @app.teardown_request
    def close_scope(exc: BaseException | None) -> None:
        token = g.pop("scope_token", None)
        if token is not None:
            leave_scope(token)
