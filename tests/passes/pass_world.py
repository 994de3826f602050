"""A tenant on sale whose staff set up a season pass and a 3-visit pass in the portal, and a
visitor who buys passes in the shop; shared by the pass tests and the security walk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.passes.models import Pass
from festival.ticketing.models import EntrySlot, TicketType
from tests.ticketing.portal_staff import Staff, signed_in, staff_world

VISITOR = "ada@example.com"


@dataclass
class PassWorld:
    staff: Staff
    season_id: int  # ticket type ids
    multi_id: int

    @property
    def world(self):
        return self.staff.world

    @property
    def shop(self) -> str:
        return f"/{self.world.slug}/{self.world.exhibition_slug}"

    @property
    def night_page(self) -> str:
        """The shop's page of the first night (its checkout form carries a form token)."""
        return f"{self.shop}/{self.world.first_night.isoformat()}"

    def night(self, offset: int) -> date:
        return self.world.first_night + timedelta(days=offset)


def type_body(name: str, visits: str = "", category: str = "pass", **changes) -> dict:
    body = {"name_en": name, "name_fr": "", "category": category, "price": "120", "vat_rate": "0",
            "persons": "1", "visits": visits, "min_per_order": "0", "max_per_order": "4",
            "position": "5", "is_active": "y"}
    body.update(changes)
    return body


def pass_world(app, factory, make_client, capacity: int = 20) -> PassWorld:
    """Houston on sale, its owner having added both pass types through the ticket-type form."""
    staff = staff_world(app, factory, "houston", capacity=capacity)
    owner = signed_in(make_client, staff.emails["owner"])
    new_type = f"{staff.portal}/exhibitions/{staff.world.exhibition_id}/ticket-types/new"
    for name, visits in (("Season pass", ""), ("Three-night pass", "3")):
        response = owner.post_form(new_type, type_body(name, visits))
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    def ids():
        rows = db.session.execute(select(TicketType.names, TicketType.id, TicketType.visits)
                                  .where(TicketType.category == TicketType.PASS)).all()
        return {names["en"]: (type_id, visits) for names, type_id, visits in rows}

    found = read(app, staff.world.tenant_id, ids)
    assert found["Season pass"][1] is None and found["Three-night pass"][1] == 3
    return PassWorld(staff, found["Season pass"][0], found["Three-night pass"][0])


def read(app, tenant_id: int, work):
    with app.test_request_context(), tenant_scope(tenant_id):
        result = work()
        db.session.commit()
        db.session.remove()
    return result


def slots_of(app, pw: PassWorld, night: date) -> list[int]:
    return read(app, pw.world.tenant_id, lambda: list(db.session.scalars(
        select(EntrySlot.id).where(EntrySlot.night == night).order_by(EntrySlot.starts_at))))


def buy_pass(app, client, mailbox, pw: PassWorld, type_id: int, email: str = VISITOR,
             slot_id: int | None = None) -> str:
    """The visitor buys one pass in the shop for the first night (test gateway) and follows the
    pass link from the mail; returns the pass page's path."""
    world = pw.world
    body = {"slot": str(slot_id or world.slot_ids[0]), f"quantity_{world.adult_id}": "0",
            f"quantity_{world.child_id}": "0", f"quantity_{world.family_id}": "0",
            f"quantity_{pw.season_id}": "0", f"quantity_{pw.multi_id}": "0",
            f"quantity_{type_id}": "1", "voucher": "", "email": email, "name": "Ada Lovelace"}
    response = client.post_form(pw.night_page, body)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    order_page = response.headers["Location"]
    payment = f"{order_page}/test-payment"
    response = client.post_form(payment, {"decision": "pay"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:3000]
    link = mailbox.last_link(email, "/pass/")
    return re.sub(r"^https?://[^/]+", "", link)


def pass_row(app, pw: PassWorld, path: str) -> dict:
    secret = path.rstrip("/").rsplit("/", 1)[-1]

    def work():
        p = db.session.scalar(select(Pass).where(Pass.secret == secret))
        return {"id": p.id, "code": p.code, "visits_left": p.visits_left, "status": p.status,
                "nights": [v.night for v in p.visits]}

    return read(app, pw.world.tenant_id, work)
