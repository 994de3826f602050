"""Security-walk registrations of the waiting lists (festival/waitlist/views.py).

The join form is public like the night it belongs to; a group's request page is opened by its
secret link (like an order page), which finds nothing under another tenant's address. ``fresh``
asks for a new waiting group, since withdrawing uses one up.
"""

from __future__ import annotations

from datetime import date

from festival.core.db import db
from festival.core.scope import tenant_scope
from tests.security.fillers import world_or_fresh

PUBLIC = {
    "/<tenant_slug>/<exhibition_slug>/<night>/waiting-list":
        "a night's public waiting-list form (it shows nobody on the list)",
}

ORDER_LINKS = {
    "/<tenant_slug>/w/<wait_secret>": "a waiting group's request page",
    "/<tenant_slug>/w/<wait_secret>/withdraw": "a waiting group leaves the list",
    "/<tenant_slug>/w/<wait_secret>/buy": "a waiting group buys with the places held for it",
}


def _new_request(builder, org) -> str:
    """A group waiting on ``org``'s first night (made directly: the walk's night is not sold out)."""
    from festival.ticketing import codes
    from festival.waitlist.models import WaitingRequest

    with builder.app.app_context(), tenant_scope(org.id):
        waiting = WaitingRequest(
            tenant_id=org.id, exhibition_id=org.exhibition_id, night=date.fromisoformat(org.night),
            persons=2, email=f"{builder.unique('waiting')}@visitors.example", name="Ada Waiting",
            locale="en", secret=codes.order_secret(), status=WaitingRequest.WAITING)
        db.session.add(waiting)
        db.session.commit()
        secret = waiting.secret
        db.session.remove()
    return secret


def _world_request(builder, org) -> None:
    org.wait_secret = _new_request(builder, org)


FILLERS = {
    "wait_secret": world_or_fresh("wait_secret", _new_request, _world_request),
}

BODIES = {
    "withdraw_waiting_request": lambda builder, kind: {},
    "buy_with_hold": lambda builder, kind: {},
}
