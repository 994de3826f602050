"""Wiring of the application: extensions, blueprints, request hooks. No work at import time."""

from __future__ import annotations

from flask import Flask, abort, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from festival.core.db import db, utcnow
from festival.core.errors import register_error_handlers
from festival.core.extensions import csrf, limiter, login_manager, migrate
from festival.core.i18n import init_i18n
from festival.core.resolver import install_scope_teardown
from festival.core.scope import install_orm_scoping


def _engine_options(app: Flask) -> None:
    """Engine options follow the final database URL (tests and deployments override it)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers wait for each other instead of failing at once.
        options = {"connect_args": {"timeout": 30}}
    else:
        options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _install_unit_of_work(app: Flask) -> None:
    """The request commits at its end (services only flush); an error response rolls back."""

    @app.after_request
    def commit_or_roll_back(response):
        if response.status_code < 400 and not g.get("rolled_back"):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def _install_input_guard(app: Flask) -> None:
    """A NUL character in a form or query value is refused before any view sees it.

    PostgreSQL cannot store it in text (a 500 otherwise) and no person types it.
    """

    @app.before_request
    def refuse_nul_characters() -> None:
        for source in (request.args, request.form):
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    abort(400)


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
    # The gate scanner reads QR codes with the camera, on our own pages only.
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Sent over HTTPS only: over plain HTTP a browser ignores it, and it would lock out a site
# (a development server, say) that has no certificate.
HSTS = "max-age=31536000; includeSubDomains"


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _install_proxy_fix(app: Flask) -> None:
    """Behind PROXY_FIX_HOPS reverse proxies, take the client's address and scheme from them.

    Only then: a client could otherwise claim HTTPS or another address (and so another rate
    limit) with its own X-Forwarded-* headers.
    """
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _install_login(app: Flask) -> None:
    from festival.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))


def _register_blueprints(app: Flask) -> None:
    from festival.accounts.views import bp as accounts_bp
    from festival.api import portal as _token_pages  # noqa: F401  adds portal routes
    from festival.api.views import bp as api_bp
    from festival.base.views import bp as base_bp
    from festival.booking import supplier_views as _booking_supplier  # noqa: F401  supplier routes
    from festival.booking import tenant_views as _booking_tenant  # noqa: F401  adds portal routes
    from festival.catalog import browse_views as _catalog_browse  # noqa: F401  adds portal routes
    from festival.catalog import supplier_views as _catalog_pages  # noqa: F401  supplier routes
    from festival.checkin import api as _checkin_api  # noqa: F401  adds API routes
    from festival.checkin import portal as _checkin_pages  # noqa: F401  adds portal routes
    from festival.checkin import scanner as _scanner_pages  # noqa: F401  adds portal routes
    from festival.closures import views as _closures_pages  # noqa: F401  adds its routes
    from festival.contracts import views as _contract_pages  # noqa: F401  both portals' routes
    from festival.dashboard import base_views as _dashboard_base  # noqa: F401  adds base routes
    from festival.dashboard import portal as _dashboard_pages  # noqa: F401  adds portal routes
    from festival.exhibitions import views as _exhibition_pages  # noqa: F401  adds portal routes
    from festival.exports import views as _export_pages  # noqa: F401  portal and base routes
    from festival.exposure import views as _exposure_pages  # noqa: F401  adds its routes
    from festival.groups import views as _groups_pages  # noqa: F401  adds its routes
    from festival.ops.views import bp as ops_bp
    from festival.passes import views as _passes_pages  # noqa: F401  adds its routes
    from festival.payments import portal as _payment_pages  # noqa: F401  adds portal routes
    from festival.payments.webhooks import bp as webhooks_bp
    from festival.privacy import views as _privacy_pages  # noqa: F401  portal and base routes
    from festival.public.views import bp as public_bp
    from festival.reporting import portal as _report_pages  # noqa: F401  adds portal routes
    from festival.shipping import views as _shipping_pages  # noqa: F401  both portals' routes
    from festival.suppliers.views import bp as supplier_portal_bp
    from festival.tenants.views import portal_bp, storefront_bp
    from festival.ticketing import portal as _sales_pages  # noqa: F401  adds portal routes
    from festival.ticketing import storefront as _shop_pages  # noqa: F401  adds storefront routes
    from festival.transit import base_views as _transit_pages  # noqa: F401  adds base routes
    from festival.waitlist import views as _waitlist_pages  # noqa: F401  adds its routes

    # Machines, not browsers, post to these: they authenticate by token or signature, not CSRF.
    csrf.exempt(api_bp)
    csrf.exempt(webhooks_bp)
    # The API and webhooks come before the storefront, whose /<tenant>/ prefix would match them.
    for blueprint in (public_bp, ops_bp, accounts_bp, base_bp, api_bp, webhooks_bp,
                      supplier_portal_bp, portal_bp, storefront_bp):
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from festival.accounts.access import can, current_role
    from festival.accounts.orgs import role_label
    from festival.audit.services import audit_label

    app.jinja_env.globals.update(can=can, current_role=current_role, role_label=role_label,
                                 audit_label=audit_label, now_utc=utcnow)


def register_everything(app: Flask) -> None:
    from festival.core.converters import IdConverter
    from festival.ops.observe import install_observability

    app.url_map.converters["id"] = IdConverter
    _engine_options(app)
    db.init_app(app)
    install_orm_scoping()
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_PATH") or "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app)
    _install_login(app)
    register_error_handlers(app)
    install_scope_teardown(app)
    _install_unit_of_work(app)
    _install_input_guard(app)
    _install_security_headers(app)
    install_observability(app)  # after the unit of work: its hook runs before the commit
    _install_proxy_fix(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from festival import models  # noqa: F401  every mapped class, for Alembic and the tests
    from festival.cli import register_commands

    register_commands(app)
