"""Security-walk registrations of the JSON API (festival/api/): the token pages of the portal,
and the /api/v1 routes, which are scoped by their bearer token instead of a tenant slug."""

from __future__ import annotations

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from tests.security.fillers import world_or_fresh

# tests/api/test_api_isolation.py walks every /api/v1 route with an id across tenants.
_TOKEN_SCOPED = "token-scoped: tests/api proves cross-tenant ids get 404"

ALLOW_LIST = {
    "/api/v1/openapi.json": "the API's public description: no tenant data",
    "/api/v1/exhibitions": _TOKEN_SCOPED,
    "/api/v1/exhibitions/<id:exhibition_id>/slots": _TOKEN_SCOPED,
    "/api/v1/exhibitions/<id:exhibition_id>/ticket-types": _TOKEN_SCOPED,
    "/api/v1/orders": _TOKEN_SCOPED,
    "/api/v1/orders/<id:order_id>": _TOKEN_SCOPED,
    "/api/v1/orders/<id:order_id>/cancel": _TOKEN_SCOPED,
}


def _new_token(builder, org) -> int:
    from festival.api import tokens

    with builder.app.test_request_context(), tenant_scope(org.id):
        token, _full = tokens.create_token(db.session.get(Tenant, org.id), builder.unique("Scanner "),
                                           ["orders:read"], None)
        db.session.commit()
        token_id = token.id
        db.session.remove()
    return token_id


def _world_token(builder, org) -> None:
    """Every tenant of the security world gets a token up front, so reading one writes nothing."""
    org.api_token_id = _new_token(builder, org)





# Called by conftest.world for each tenant once its sales exist.
WORLD = {"api_token": _world_token}

FILLERS = {
    "token_id": world_or_fresh("api_token_id", _new_token, _world_token),
}

BODIES = {
    "api_tokens": lambda builder, kind: {"name": builder.unique("Gate tablet "),
                                         "scopes": ["orders:read", "orders:write"]},
    "api_token_revoke": lambda builder, kind: {},
}
