"""A moved order mails its own message, "your visit has moved to <night, slot>", in the
visitor's language with the updated tickets attached: after a closure rebooking and after the
visitor's own change of night. Not the order confirmation again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from tests.closures.helpers import order_facts, order_in, slots_of
from tests.closures.test_night_change import english_visitor, set_rules
from tests.documents.conftest import pdf_text, shows_across_lines
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in, staff_world


@pytest.fixture
def paris(app, factory):
    return staff_world(app, factory, "paris", capacity=20)


def attachment(mail, prefix: str) -> bytes:
    return next(part for part in mail.iter_attachments()
                if part.get_filename().startswith(prefix)).get_content()


def test_a_rebooked_french_visitor_is_told_the_new_night_in_french_with_the_tickets(
        app, make_client, paris, mailbox):
    world = paris.world
    second = slots_of(app, world, 1)
    marie = order_in(app, world, world.slot_ids[0], "marie@example.fr", "fr")
    manager = signed_in(make_client, paris.emails["manager"])
    page = f"{paris.portal}/exhibitions/{world.exhibition_id}/closures/new"
    night = world.first_night.isoformat()
    closed = manager.post_form(page, {"night": night, "reason": "Orage", "offer": "rebook"},
                               token_from=f"{page}?night={night}")
    assert closed.status_code == 303, text_of(closed)[:800]

    # Marie follows her link (in French, the language she bought in) and takes the second night.
    path = re.sub(r"^https?://[^/]+", "", mailbox.last_link("marie@example.fr", "/closure/"))
    visitor = make_client()
    mailbox.clear()
    picker = f"{path}?night={(world.first_night + timedelta(days=1)).isoformat()}"
    moved = visitor.post_form(path, {"decision": "rebooked", "slot": str(second[1])}, token_from=picker)
    assert moved.status_code == 303, text_of(moved)[:800]

    mail, = mailbox.to("marie@example.fr")
    new_night = format_date(world.first_night + timedelta(days=1), "full", locale="fr")
    old_night = format_date(world.first_night, "full", locale="fr")
    assert mail["Content-Language"] == "fr"
    assert new_night in mail["Subject"] and "19:00–20:00" in mail["Subject"]
    body = mailbox.text(mail)
    assert new_night in body and old_night in body and order_facts(app, world, marie)["code"] in body
    assert "Thank you for your order" not in body and "Merci pour votre commande" not in body
    tickets = pdf_text(attachment(mail, "tickets-"))
    assert shows_across_lines(new_night, tickets)
    codes = [code for code, _status, _slot in order_facts(app, world, marie)["tickets"]]
    assert all(code in tickets for code in codes)  # the same tickets, now for the new night
    assert [part.get_filename() for part in mail.iter_attachments()] == [
        f"tickets-{order_facts(app, world, marie)['code']}.pdf"]  # nothing was paid back: no receipt


def test_the_visitors_own_change_mails_the_move_with_the_new_entry_time(app, make_client, paris, mailbox):
    world = paris.world
    second = slots_of(app, world, 1)
    order_id = order_in(app, world, world.slot_ids[0], "ada@example.com", "en", adults=2)
    set_rules(make_client, paris, "2")
    secret = order_facts(app, world, order_id)["secret"]
    client = english_visitor(make_client)
    change = f"/{world.slug}/o/{secret}/change"
    night = (world.first_night + timedelta(days=1)).isoformat()
    mailbox.clear()
    moved = client.post_form(change, {"slot": str(second[2])}, token_from=f"{change}?night={night}")
    assert moved.status_code == 303, text_of(moved)[:800]

    mail, = mailbox.to("ada@example.com")
    new_night = format_date(world.first_night + timedelta(days=1), "full", locale="en")
    assert mail["Subject"] == f"Your visit has moved to {new_night}, 8:00\u202fPM–9:00\u202fPM"
    body = mailbox.text(mail)
    assert "has moved from" in body and "2 × Adult" in body
    assert f"/{world.slug}/o/{secret}" in body  # the order page's link, followed below
    link = re.sub(r"^https?://[^/]+", "", mailbox.last_link("ada@example.com", "/o/"))
    assert new_night in text_of(client.get(link))
    assert shows_across_lines(new_night, pdf_text(attachment(mail, "tickets-")))
