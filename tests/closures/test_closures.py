"""Staff close a night; each visitor follows the emailed link and rebooks, takes a credit or a
refund, once; staff follow the progress and remind the undecided."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from tests.closures.helpers import (
    figures_agree,
    link_of,
    order_facts,
    order_in,
    slots_of,
    sum_valid_persons,
    taken,
)
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import pdf_text, signed_in, staff_world


@pytest.fixture
def paris(app, factory):
    return staff_world(app, factory, "paris", capacity=20)


def visitor(make_client, language: str = "en"):
    client = make_client()
    client.get(f"/locale/{language}")
    return client


def night_page(world, offset: int = 2) -> str:
    """A page of the shop with a form, for a CSRF token where the page itself has none left."""
    return f"/{world.slug}/{world.exhibition_slug}/{(world.first_night + timedelta(days=offset)).isoformat()}"


def link_path(mailbox, email: str) -> str:
    return re.sub(r"^https?://[^/]+", "", mailbox.last_link(email, "/closure/"))


def close_first_night(make_client, staff, offer: str = "choice", slot_ids=()) -> object:
    manager = signed_in(make_client, staff.emails["manager"])
    world = staff.world
    page = f"{staff.portal}/exhibitions/{world.exhibition_id}/closures/new"
    night = world.first_night.isoformat()
    response = manager.post_form(page, {"night": night, "reason": "Storm warning", "offer": offer,
                                        "slot_ids": [str(s) for s in slot_ids]},
                                 token_from=f"{page}?night={night}")
    assert response.status_code == 303, text_of(response)[:1000]
    return manager, response.headers["Location"]


def test_closing_a_night_mails_every_visitor_in_their_language_and_each_chooses_once(
        app, make_client, paris, mailbox):
    world = paris.world
    first, second = world.slot_ids, slots_of(app, world, 1)
    marie = order_in(app, world, first[0], "marie@example.fr", "fr")
    ada = order_in(app, world, first[1], "ada@example.com", "en", adults=1, name="Ada Lovelace")
    omar = order_in(app, world, first[2], "omar@example.com", "en", adults=1, name="Omar Said")
    unpaid = order_in(app, world, first[0], "late@example.fr", paid=False)
    idle = order_in(app, world, first[3], "idle@example.com", "en", adults=1, name="Idle Visitor")
    before_codes = [code for code, _s, _slot in order_facts(app, world, marie)["tickets"]]

    manager, progress_url = close_first_night(make_client, paris)

    # Every paid visitor got a mail in their language with a personal link; the unpaid order ended.
    french = mailbox.to("marie@example.fr")[-1]
    assert french["Content-Language"] == "fr"
    assert format_date(world.first_night, "full", locale="fr") in mailbox.text(french)
    assert "Storm warning" in mailbox.text(french)
    english = mailbox.to("ada@example.com")[-1]
    assert english["Content-Language"] == "en"
    assert "You can move your tickets to another night" in mailbox.text(english)
    assert not mailbox.to("late@example.fr")
    assert order_facts(app, world, unpaid)["status"] == "cancelled"
    assert taken(app, world, first[0]) == 2
    links = {email: link_path(mailbox, email) for email in ("ada@example.com", "omar@example.com")}

    # Marie rebooks into the second night; same ticket codes, new slot, tickets mailed again.
    client = visitor(make_client)
    path = link_path(mailbox, "marie@example.fr")
    page = client.get(f"{path}?night={(world.first_night + timedelta(days=1)).isoformat()}")
    assert page.status_code == 200 and "Move my tickets to this entry time" in text_of(page)
    mailbox.clear()
    moved = client.post_form(path, {"decision": "rebooked", "slot": str(second[1])}, token_from=path)
    assert moved.status_code == 303, text_of(moved)[:800]
    done = client.get(path)
    assert "You chose: rebooked to another night." in text_of(done)
    facts = order_facts(app, world, marie)
    assert facts["slot_id"] == second[1]
    assert [code for code, _s, _slot in facts["tickets"]] == before_codes
    assert {slot for _c, _s, slot in facts["tickets"]} == {second[1]}
    assert taken(app, world, first[0]) == 0 and taken(app, world, second[1]) == 2
    mail = mailbox.to("marie@example.fr")[-1]
    ticket_pdf = next(part for part in mail.iter_attachments()
                      if part.get_filename().startswith("tickets-")).get_content()
    new_night = format_date(world.first_night + timedelta(days=1), "full", locale="fr")
    assert "".join(new_night.split()) in "".join(pdf_text(ticket_pdf).split())
    pdf = client.get(f"/{world.slug}/o/{facts['secret']}/tickets.pdf")
    english_night = format_date(world.first_night + timedelta(days=1), "full", locale="en")
    assert pdf.status_code == 200 and english_night in " ".join(pdf_text(pdf.data).split())

    # A second use of the link is refused with a clear message and writes nothing.
    counts = row_counts(app)
    again = client.post_form(path, {"decision": "credited"}, token_from=night_page(world))
    assert again.status_code == 409
    assert "You already chose for this order: rebooked to another night." in text_of(again)
    assert row_counts(app) == counts and order_facts(app, world, marie) == facts

    # Ada takes a credit: a voucher shown on the page, usable once in the shop.
    ada_client = visitor(make_client)
    ada_path = links["ada@example.com"]
    credited = ada_client.post_form(ada_path, {"decision": "credited"}, token_from=ada_path)
    assert credited.status_code == 303
    shown = text_of(ada_client.get(ada_path))
    code = re.search(r"Your voucher code is (CREDIT-[A-Z0-9-]+)", shown).group(1)
    assert order_facts(app, world, ada)["status"] == "cancelled"
    assert taken(app, world, first[1]) == 0
    night = (world.first_night + timedelta(days=2)).isoformat()
    shop = f"/{world.slug}/{world.exhibition_slug}/{night}"
    third = slots_of(app, world, 2)
    bought = ada_client.post_form(shop, {
        "slot": str(third[0]), f"quantity_{world.adult_id}": "1", f"quantity_{world.child_id}": "0",
        f"quantity_{world.family_id}": "0", "voucher": code, "email": "ada@example.com",
        "name": "Ada Lovelace"})
    assert bought.status_code == 303, text_of(bought)[:800]
    assert "Discount" in text_of(ada_client.get(bought.headers["Location"]))

    # Omar asks for the refund: the money goes back, the places are free.
    omar_client = visitor(make_client)
    omar_path = links["omar@example.com"]
    refunded = omar_client.post_form(omar_path, {"decision": "refunded"}, token_from=omar_path)
    assert refunded.status_code == 303
    omar_facts = order_facts(app, world, omar)
    assert omar_facts["status"] == "refunded" and omar_facts["refunded"] > 0
    assert taken(app, world, first[2]) == 0
    assert "Refund for your order" in mailbox.to("omar@example.com")[-1]["Subject"]

    # Staff see the progress and remind only the one visitor who has not chosen.
    progress = text_of(manager.get(progress_url))
    assert "rebooked to another night 1" in progress and "a credit voucher 1" in progress
    assert "a refund 1" in progress and "undecided 1" in progress and "Affected orders 4" in progress
    mailbox.clear()
    reminded = manager.post_form(f"{progress_url}/remind", {}, token_from=progress_url)
    assert reminded.status_code == 303
    assert [m["To"] for m in mailbox.messages] == ["idle@example.com"]
    assert link_path(mailbox, "idle@example.com") == f"/{world.slug}/closure/" + link_of(
        app, world, idle)["token"]
    assert figures_agree(app, world)
    assert taken(app, world, second[1]) == sum_valid_persons(app, world, second[1])


def test_rebooking_into_a_full_or_closed_slot_is_refused_and_writes_nothing(app, make_client, paris,
                                                                         mailbox):
    world = paris.world
    first, second = world.slot_ids, slots_of(app, world, 1)
    marie = order_in(app, world, first[0], "marie@example.fr", "fr", adults=3)
    for n in range(2):  # 18 of 20 places of the second night's first slot are sold
        order_in(app, world, second[0], f"crowd{n}@example.com", "en", adults=9)
    close_first_night(make_client, paris, slot_ids=[first[0], first[1]])
    client = visitor(make_client)
    path = link_path(mailbox, "marie@example.fr")
    counts, facts = row_counts(app), order_facts(app, world, marie)

    full = client.post_form(path, {"decision": "rebooked", "slot": str(second[0])}, token_from=path)
    assert full.status_code == 409
    assert "Only 2 places are left in this entry slot." in text_of(full)
    closed = client.post_form(path, {"decision": "rebooked", "slot": str(first[1])}, token_from=path)
    assert closed.status_code == 409
    assert "This night or entry slot is closed. Choose another." in text_of(closed)
    assert row_counts(app) == counts and order_facts(app, world, marie) == facts
    assert link_of(app, world, marie)["decision"] == "undecided"
    assert taken(app, world, second[0]) == 18

    # The slots not closed stay on sale: rebooking into the same night's third slot works.
    fine = client.post_form(path, {"decision": "rebooked", "slot": str(first[2])}, token_from=path)
    assert fine.status_code == 303


def test_a_single_offer_shows_only_that_choice(app, make_client, paris, mailbox):
    world = paris.world
    order_in(app, world, world.slot_ids[0], "ada@example.com", "en", adults=1)
    close_first_night(make_client, paris, offer="refund")
    client = visitor(make_client)
    path = link_path(mailbox, "ada@example.com")
    page = text_of(client.get(path))
    assert "Refund my tickets" in page
    assert "Get a credit voucher" not in page and "Come on another night" not in page
    refused = client.post_form(path, {"decision": "credited"}, token_from=path)
    assert refused.status_code == 409 and "This choice is not offered for this closure." in text_of(refused)


def test_closing_needs_a_reason_and_a_night_twice_is_refused(app, make_client, paris):
    world = paris.world
    manager = signed_in(make_client, paris.emails["manager"])
    page = f"{paris.portal}/exhibitions/{world.exhibition_id}/closures/new"
    night = world.first_night.isoformat()
    empty = manager.post_form(page, {"night": night, "reason": "", "offer": "choice"}, token_from=page)
    assert empty.status_code == 400
    close_first_night(make_client, paris)
    twice = manager.post_form(page, {"night": night, "reason": "Again", "offer": "choice"},
                              token_from=page)
    assert twice.status_code == 409
    assert "Some of these entry slots are already closed by an earlier closure." in text_of(twice)
    listing = text_of(manager.get(f"{paris.portal}/exhibitions/{world.exhibition_id}/closures"))
    assert "Storm warning" in listing
