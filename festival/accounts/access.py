"""One access policy for every portal view: who may do what in a tenant or supplier.

A person who is not a member gets 404 (the organisation's pages do not exist for
them); a member whose role lacks the permission gets 403. A base operator on a
support visit may look at a tenant's portal but never change anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from festival.accounts.orgs import kind_of
from festival.core.db import db

ALL_TENANT_ROLES = frozenset({"owner", "manager", "box_office", "gate"})
TENANT_PERMISSIONS: dict[str, frozenset[str]] = {
    "portal.view": ALL_TENANT_ROLES,
    "team.view": frozenset({"owner", "manager"}),
    "team.manage": frozenset({"owner"}),
    "settings.view": frozenset({"owner", "manager"}),
    "settings.edit": frozenset({"owner", "manager"}),
    "security.edit": frozenset({"owner"}),
    "audit.view": frozenset({"owner"}),
    # Data safety (festival.privacy): the whole export holds every visitor's data.
    "data.export": frozenset({"owner"}),
    "visitors.erase": frozenset({"owner", "manager"}),
    "exhibitions.view": frozenset({"owner", "manager", "box_office"}),
    "exhibitions.manage": frozenset({"owner", "manager"}),
    # Ticket sales: setup (slots, ticket types, vouchers), the dashboard, orders.
    "sales.view": frozenset({"owner", "manager", "box_office"}),
    "sales.manage": frozenset({"owner", "manager"}),
    "box_office.sell": frozenset({"owner", "manager", "box_office"}),
    "orders.refund": frozenset({"owner", "manager"}),
    "api.manage": frozenset({"owner", "manager"}),
    "payments.manage": frozenset({"owner"}),
    # Gate check-in: scanning tickets, and setting up gates (the tolerance is on the exhibition).
    "checkin.scan": frozenset({"owner", "manager", "box_office", "gate"}),
    "checkin.manage": frozenset({"owner", "manager"}),
    # Live entries and daily visitor reports to the base.
    "reports.view": frozenset({"owner", "manager", "box_office"}),
    "reports.manage": frozenset({"owner", "manager"}),
    # Booking lamp groups and services from suppliers: the catalog, requests, contracts, shipping.
    "bookings.view": frozenset({"owner", "manager"}),
    "bookings.manage": frozenset({"owner", "manager"}),
    "contracts.confirm": frozenset({"owner"}),
}
SUPPLIER_PERMISSIONS: dict[str, frozenset[str]] = {
    "portal.view": frozenset({"owner", "staff"}),
    "team.view": frozenset({"owner"}),
    "team.manage": frozenset({"owner"}),
    "settings.view": frozenset({"owner", "staff"}),
    "settings.edit": frozenset({"owner"}),
    "security.edit": frozenset({"owner"}),
    "audit.view": frozenset({"owner"}),
    # The catalog (lamp groups, services, inspections) and the bookings addressed to the supplier.
    "catalog.view": frozenset({"owner", "staff"}),
    "catalog.manage": frozenset({"owner", "staff"}),
    "bookings.view": frozenset({"owner", "staff"}),
    "bookings.manage": frozenset({"owner", "staff"}),
    "contracts.confirm": frozenset({"owner"}),
    "payments.record": frozenset({"owner"}),
    "shipping.manage": frozenset({"owner", "staff"}),
}
SUPPORT_ROLE = "support"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def permissions_for(kind_key: str) -> dict[str, frozenset[str]]:
    return TENANT_PERMISSIONS if kind_key == "tenant" else SUPPLIER_PERMISSIONS


def role_allows(kind_key: str, role: str | None, permission: str) -> bool:
    """The policy itself: does ``role`` hold ``permission`` in this kind of organisation?"""
    if role == SUPPORT_ROLE:
        return permission in permissions_for(kind_key)
    return role in permissions_for(kind_key).get(permission, frozenset())


def current_role() -> str | None:
    """The signed-in person's role in the organisation of this request (cached per request)."""
    if "org_role" in g:
        return g.org_role
    org = g.get("org")
    role = None
    if org is not None and current_user.is_authenticated:
        kind = kind_of(org)
        role = db.session.scalar(
            select(kind.member_model.role).where(kind.member_model.user_id == current_user.id)
        )
        if role is None and kind.key == "tenant" and _on_support_visit(org.id):
            role = SUPPORT_ROLE
    g.org_role = role
    return role


def _on_support_visit(tenant_id: int) -> bool:
    from flask import session

    return bool(current_user.is_base_operator and session.get("support_tenant_id") == tenant_id)


def can(permission: str) -> bool:
    """For templates and views: may the signed-in person use ``permission`` here?"""
    org = g.get("org")
    if org is None:
        return False
    role = current_role()
    if role == SUPPORT_ROLE and permission.endswith((".manage", ".edit")):
        return False
    return role_allows(kind_of(org).key, role, permission)


def ensure(permission: str) -> None:
    """Inside a guarded view: a write that needs more than viewing (e.g. POST to a settings page)."""
    if not can(permission):
        abort(403)


def requires(permission: str) -> Callable:
    """Guard a portal view: sign-in, membership (else 404), permission (else 403), 2FA rule."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path))
            org = g.org
            role = current_role()
            if role is None:
                abort(404)
            if not role_allows(kind_of(org).key, role, permission):
                abort(403)
            if role == SUPPORT_ROLE and request.method not in _SAFE_METHODS:
                abort(403)
            if org.require_two_factor and role != SUPPORT_ROLE and not current_user.has_two_factor:
                flash(_("Your organisation requires two-factor sign-in. Set it up to continue."),
                      "warning")
                return redirect(url_for("accounts.security", next=request.full_path))
            return view(*args, **kwargs)

        guarded.required_permission = permission
        return guarded

    return decorator


def operator_required(view: Callable) -> Callable:
    """Guard a base console view: only base operators; everyone else gets 404."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path))
        if not current_user.is_base_operator:
            abort(404)
        return view(*args, **kwargs)

    return guarded
