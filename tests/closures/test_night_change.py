"""A visitor moves their own order to another night from the order page, until the tenant's
deadline, within capacity; a lower current price follows the tenant's rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from festival.core.db import db
from festival.ticketing.models import TicketType
from tests.closures.helpers import figures_agree, in_scope, order_facts, order_in, slots_of, taken
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in, staff_world


@pytest.fixture
def paris(app, factory):
    return staff_world(app, factory, "paris", capacity=20)


def set_rules(make_client, staff, hours: str, price_rule: str = "keep") -> None:
    owner = signed_in(make_client, staff.emails["owner"])
    page = f"{staff.portal}/sales-settings"
    saved = owner.post_form(page, {"vat_mode": "include", "default_vat_rate": "10", "cancellation": "off",
                                   "night_change": "allowed" if hours else "off", "change_hours": hours,
                                   "price_rule": price_rule})
    assert saved.status_code == 302, text_of(saved)[:800]


def english_visitor(make_client):
    client = make_client()
    client.get("/locale/en")
    return client


def test_visitor_changes_night_before_the_deadline_and_not_into_a_full_slot(app, make_client, paris,
                                                                            mailbox):
    world = paris.world
    second = slots_of(app, world, 1)
    order_id = order_in(app, world, world.slot_ids[0], "ada@example.com", "en", adults=2)
    secret = order_facts(app, world, order_id)["secret"]
    client = english_visitor(make_client)
    order_page = f"/{world.slug}/o/{secret}"
    assert "Choose another night" not in text_of(client.get(order_page))  # not allowed by default

    set_rules(make_client, paris, "2")
    assert "Choose another night" in text_of(client.get(order_page))
    change = f"{order_page}/change"
    night = (world.first_night + timedelta(days=1)).isoformat()
    page = client.get(f"{change}?night={night}")
    assert page.status_code == 200 and "Your order needs 2 places." in text_of(page)

    for n in range(2):  # the second night's first slot keeps 1 place
        order_in(app, world, second[0], f"crowd{n}@example.com", "en", adults=9 + n)
    counts = row_counts(app)
    full = client.post_form(change, {"slot": str(second[0])}, token_from=f"{change}?night={night}")
    assert full.status_code == 409 and "Only 1 places are left" in text_of(full)
    assert row_counts(app) == counts

    mailbox.clear()
    moved = client.post_form(change, {"slot": str(second[2])}, token_from=f"{change}?night={night}")
    assert moved.status_code == 303
    assert "Your tickets are moved to your new night." in text_of(client.get(order_page))
    assert order_facts(app, world, order_id)["slot_id"] == second[2]
    assert taken(app, world, world.slot_ids[0]) == 0 and taken(app, world, second[2]) == 2
    assert mailbox.to("ada@example.com"), "the updated tickets are mailed"
    assert figures_agree(app, world)


def test_after_the_deadline_the_order_page_offers_no_change(app, make_client, paris):
    world = paris.world
    order_id = order_in(app, world, world.slot_ids[0], "ada@example.com", "en")
    set_rules(make_client, paris, "720")  # a month before: tomorrow's night is past the deadline
    secret = order_facts(app, world, order_id)["secret"]
    client = english_visitor(make_client)
    order_page = f"/{world.slug}/o/{secret}"
    assert "Choose another night" not in text_of(client.get(order_page))
    counts = row_counts(app)
    refused = client.post_form(f"{order_page}/change", {"slot": str(slots_of(app, world, 1)[0])},
                               token_from=f"/{world.slug}/{world.exhibition_slug}/{world.first_night}")
    assert refused.status_code == 303
    assert "This order can no longer be moved online." in text_of(client.get(order_page))
    assert row_counts(app) == counts


def test_a_lower_current_price_is_refunded_when_the_tenant_says_so(app, make_client, paris):
    world = paris.world
    order_id = order_in(app, world, world.slot_ids[0], "ada@example.com", "en", adults=2)

    def cheaper():
        db.session.get(TicketType, world.adult_id).price = Decimal("15.50")
    in_scope(app, world, cheaper)
    set_rules(make_client, paris, "2", "refund")
    secret = order_facts(app, world, order_id)["secret"]
    client = english_visitor(make_client)
    change = f"/{world.slug}/o/{secret}/change"
    night = (world.first_night + timedelta(days=1)).isoformat()
    moved = client.post_form(change, {"slot": str(slots_of(app, world, 1)[0])},
                             token_from=f"{change}?night={night}")
    assert moved.status_code == 303
    assert order_facts(app, world, order_id)["refunded"] == Decimal("6.00")  # 2 × (18.50 − 15.50)
    assert figures_agree(app, world)
