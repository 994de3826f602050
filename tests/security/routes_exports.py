"""Security-walk registrations of report exports (festival/exports/views.py).

The tenant's Exports page, its request and its downloads are walked as tenant routes: each world
tenant has a ready orders export made up front (WORLD hook), so another tenant's export id is
not found under either address, and one's own downloads. The base's pages are walked as base
routes with a ready base export (organisations' owners find nothing there). A request renders
inline (no Redis in the walk): one's own request leaves a ready export behind.
"""

from __future__ import annotations

from sqlalchemy import select

from festival.accounts.models import User
from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope


def _requester(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _world_exports(builder, org) -> None:
    """A ready orders export of ``org``, and once a ready base export (the exposure CSV)."""
    from festival.exports import services
    from festival.tenants.models import Tenant

    with builder.app.test_request_context():
        with tenant_scope(org.id):
            export = services.request_tenant_export(
                db.session.get(Tenant, org.id), services.tenant_kind("orders"), {},
                _requester(org.emails["owner"]), "en")
            db.session.commit()  # rendered inline once committed
            org.export_id = export.id
        if not getattr(builder, "base_export_id", None):
            with platform_scope("cli"):
                base = services.request_base_export(services.base_kind("exposure"), {},
                                                    _requester(org.emails["owner"]), "en")
                db.session.commit()
                builder.base_export_id = base.id
        db.session.remove()


WORLD = {"exports": _world_exports}

FILLERS = {
    "export_id": lambda builder, kind, side, fresh: side.tenant.export_id,
    "base_export_id": lambda builder, kind, side, fresh: builder.base_export_id,
}

BODIES = {
    "export_request": lambda builder, kind: {"kind": "orders", "q": "", "status": ""},
    "base_export_request": lambda builder, kind: {"kind": "exposure", "year": "", "supplier": ""},
}
