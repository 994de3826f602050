"""Security-walk registrations of festival.privacy (festival/privacy/views.py).

The tenant portal's privacy page (erasure) and its export are walked as tenant routes: another
tenant's owner finds nothing, one's own owner erases an address the tenant does not know
(nothing changes) and downloads the zip. The base's deletion page is walked as a base route,
but the operator's own request would delete whichever tenant it names: its URL argument is
filled with a spare tenant (never the world's alpha or beta), made again after each deletion,
and the body confirms with that tenant's slug.
"""

from __future__ import annotations


def _exists(builder, tenant_id: int) -> bool:
    from festival.core.db import db
    from festival.tenants.models import Tenant

    with builder.app.app_context():
        found = db.session.get(Tenant, tenant_id) is not None
        db.session.remove()
    return found


def _spare_tenant(builder, org=None) -> int:
    """The tenant the deletion page names: made up front by the world (so that requests which
    must write nothing find it there), again only once the operator's request deleted it."""
    spare = getattr(builder, "leaving_org", None)
    if spare is None or not _exists(builder, spare.id):
        spare = builder.leaving_org = builder.tenant(builder.unique("leaving"))
    return spare.id


FILLERS = {"leaving_tenant_id": lambda builder, kind, side, fresh: _spare_tenant(builder)}
WORLD = {"leaving_tenant": _spare_tenant}

BODIES = {
    "privacy": lambda builder, kind: {"email": "nobody@visitors.example", "confirm": "y"},
    "privacy_export": lambda builder, kind: {},
    "tenant_delete": lambda builder, kind: {"confirmation": builder.leaving_org.slug},
}
