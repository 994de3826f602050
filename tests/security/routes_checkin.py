"""Security-walk registrations of check-in (festival/checkin/portal.py and api.py): the scanner's
JSON endpoints and the gate management pages are walked like every tenant route; the API's
check-in routes are token-scoped (tests/checkin/test_api_checkin.py and the walk below)."""

from __future__ import annotations

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from tests.security.fillers import world_or_fresh

_TOKEN_SCOPED = "token-scoped: tests/security/routes_checkin.py proves cross-tenant ids get 404"

ALLOW_LIST = {
    "/api/v1/checkins": _TOKEN_SCOPED,
    "/api/v1/checkins/sync": _TOKEN_SCOPED,
    "/api/v1/exhibitions/<id:exhibition_id>/gates": _TOKEN_SCOPED,
    "/api/v1/exhibitions/<id:exhibition_id>/entries": _TOKEN_SCOPED,
}


def new_gate(builder, org) -> int:
    from festival.checkin.services import create_gate
    from festival.exhibitions.models import Exhibition

    with builder.app.test_request_context(), tenant_scope(org.id):
        gate = create_gate(db.session.get(Tenant, org.id),
                           db.session.get(Exhibition, org.exhibition_id),
                           builder.unique("Gate "), None)
        db.session.commit()
        gate_id = gate.id
        db.session.remove()
    return gate_id


def _world_gate(builder, org) -> None:
    org.gate_id = new_gate(builder, org)


WORLD = {"gate": _world_gate}
# An open gate of the tenant's exhibition; a new one when the request may close it.
FILLERS = {"gate_id": world_or_fresh("gate_id", new_gate, _world_gate)}

# The scanner page's endpoints also take a plain form post; an unknown code is answered 200.
BODIES = {
    "checkin_scan": lambda builder, kind: {"code": "WALKCODE", "device": "walk"},
    "checkin_sync": lambda builder, kind: {"device": "walk", "scans": "[]"},
    "gates": lambda builder, kind: {"name": builder.unique("Walk gate ")},
    "gate_rename": lambda builder, kind: {"name": builder.unique("Renamed gate ")},
    "gate_active": lambda builder, kind: {"active": "0"},
}
