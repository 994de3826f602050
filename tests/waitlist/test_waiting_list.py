"""Waiting lists per night through the HTTP client: a group joins a sold-out night, a refund
frees places, the first group that fits gets a hold and an email in its language, follows the
link, buys and pays; unused holds lapse and pass on; groups are never split; bad input writes
nothing; staff see the list."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date
from babel.support import Translations
from sqlalchemy import update

from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.waitlist.models import WaitingRequest
from tests.conftest import row_counts, translated
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import order_state, signed_in
from tests.waitlist.world import free_places, requests, sold_out_night, ticket_ids

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}


def join(client, sold, persons: int, email: str, name: str = "Marie Curie", headers=EN):
    path = f"{sold.night_url}/waiting-list"
    return client.post_form(path, {"persons": str(persons), "name": name, "email": email},
                            headers=headers)


def refund(make_client, sold, order_id: int, tickets: list[int] | None = None):
    """The manager refunds a whole order (or some of its tickets) in the portal."""
    manager = signed_in(make_client, sold.staff.emails["manager"])
    page = f"{sold.staff.portal}/orders/{order_id}"
    body = {"whole": "1", "reason": "ill"} if tickets is None else \
        {"ticket_ids": [str(t) for t in tickets], "reason": "ill"}
    response = manager.post_form(f"{page}/refund", body, token_from=page)
    assert response.status_code == 302, text_of(response)[:500]


def page_of(client, mailbox, email: str, headers=EN) -> tuple[str, str]:
    """Follow the last waiting-list link mailed to ``email``: (path, page text)."""
    link = mailbox.last_link(email, "/w/")
    path = re.sub(r"^https?://[^/]+", "", link)
    return path, text_of(client.get(path, headers=headers))


def test_group_joins_a_sold_out_night_then_buys_the_places_a_refund_frees(
        app, factory, client, make_client, mailbox):
    sold = sold_out_night(app, factory, [4])
    world = sold.world
    night = client.get(sold.night_url, headers=EN)
    assert "Join the waiting list" in text_of(night)
    form = client.get(f"{sold.night_url}/waiting-list", headers=EN)
    assert form.status_code == 200 and "Persons in your group" in text_of(form)

    # A French family of four joins first, an English couple second.
    joined = join(client, sold, 4, "famille@example.fr", "Famille Curie", headers=FR)
    assert joined.status_code == 303 and "/w/" in joined.headers["Location"]
    couple = make_client()
    assert join(couple, sold, 2, "couple@example.com", "Ann Lee").status_code == 303
    assert translated(app, "fr", "Your position: %(position)s", position=1) in mailbox.text(
        mailbox.to("famille@example.fr")[-1])
    assert "Your position: 2" in mailbox.text(mailbox.to("couple@example.com")[-1])
    french_night = format_date(world.first_night, "full", locale="fr")
    assert french_night in mailbox.to("famille@example.fr")[-1]["Subject"]  # the family's language
    _path, page = page_of(couple, mailbox, "couple@example.com")
    assert "Your position on the list: 2." in page

    # The manager refunds the order of four: the family gets the four places, the couple waits.
    mailbox.clear()
    refund(make_client, sold, sold.orders[0])
    state = requests(app, world)
    assert state["famille@example.fr"]["status"] == "offered"
    assert state["famille@example.fr"]["slot_id"] == world.slot_ids[0]
    assert state["couple@example.com"]["status"] == "waiting"
    assert free_places(app, world) == [0, 0, 0, 0]  # held for the family: nobody else can buy them
    [offer] = mailbox.to("famille@example.fr")
    assert french_night in offer["Subject"] and "18:00–19:00" in mailbox.text(offer)
    assert offer["Content-Language"] == "fr"
    assert not mailbox.to("couple@example.com")

    # The family follows the link (page in French, times in Paris time) and buys.
    path, page = page_of(client, mailbox, "famille@example.fr", headers=FR)
    held = Translations.load(app.config["TRANSLATIONS_PATH"], ["fr"]).ngettext(
        "%(num)d place is held for you", "%(num)d places are held for you", 4) % {"num": 4}
    assert held in page and "18:00–19:00" in page
    too_many = client.post_form(f"{path}/buy", {f"quantity_{world.adult_id}": "5"}, token_from=path)
    too_many_text = translated(app, "fr", "Your tickets admit %(persons)s persons, but %(held)s places "
                               "are held for you. Choose tickets for at most %(held)s persons.",
                               persons=5, held=4)
    assert too_many.status_code == 400 and too_many_text in text_of(too_many)
    assert requests(app, world)["famille@example.fr"]["status"] == "offered"
    bought = client.post_form(f"{path}/buy", {f"quantity_{world.adult_id}": "2",
                                              f"quantity_{world.child_id}": "2"}, token_from=path)
    assert bought.status_code == 303 and "/o/" in bought.headers["Location"]
    order_page = bought.headers["Location"]
    assert "2 × Adulte" in text_of(client.get(order_page, headers=FR))
    to_gateway = client.post_form(f"{order_page}/pay", {}, token_from=order_page)
    paid = client.post_form(to_gateway.headers["Location"], {"decision": "pay"}, follow_redirects=True)
    assert paid.status_code == 200
    family = requests(app, world)["famille@example.fr"]
    assert family["status"] == "fulfilled"
    assert order_state(app, world, family["order_id"])["status"] == "paid"
    assert len(ticket_ids(app, world, family["order_id"])) == 4
    assert any(m["Subject"] and "Lumières de Chine" in m["Subject"]
               for m in mailbox.to("famille@example.fr"))  # the tickets' confirmation
    assert free_places(app, world) == [0, 0, 0, 0]
    # The request's page speaks the family's language, whatever the browser asks for.
    assert translated(app, "fr", "See your order") in text_of(client.get(path, headers=EN))


def test_a_group_of_four_is_not_offered_three_places_and_a_later_pair_is_served(
        app, factory, client, make_client, mailbox):
    """The rule: in order of joining, the first group that fits in ONE slot; a group that does
    not fit keeps its position, and gets its places once enough free up together."""
    sold = sold_out_night(app, factory, [3, 1])
    world = sold.world
    assert join(client, sold, 4, "four@example.com").status_code == 303
    assert join(make_client(), sold, 2, "two@example.com").status_code == 303
    mailbox.clear()

    refund(make_client, sold, sold.orders[0])  # three places free in the first slot
    state = requests(app, world)
    assert state["four@example.com"]["status"] == "waiting"  # never offered fewer than asked
    assert state["two@example.com"]["status"] == "offered"
    assert free_places(app, world) == [1, 0, 0, 0]
    assert not mailbox.to("four@example.com") and mailbox.to("two@example.com")

    # The pair withdraws: its two places pass on, and with the one free the four still do not fit.
    pair = make_client()
    path, page = page_of(pair, mailbox, "two@example.com")
    withdrawn = pair.post_form(f"{path}/withdraw", {}, token_from=path, follow_redirects=True)
    assert "You have left the waiting list." in text_of(withdrawn)
    assert requests(app, world)["four@example.com"]["status"] == "waiting"
    assert free_places(app, world) == [3, 0, 0, 0]
    again = pair.post_form(f"{path}/withdraw", {}, token_from=f"{sold.night_url}/waiting-list")
    assert again.status_code == 409 and "no longer on the waiting list" in text_of(again)

    # The last ticket of the slot is refunded: four places together, the group gets them all.
    refund(make_client, sold, sold.orders[1])
    state = requests(app, world)
    assert state["four@example.com"]["status"] == "offered"
    assert free_places(app, world) == [0, 0, 0, 0]
    assert "4 places are held for you" in mailbox.to("four@example.com")[-1]["Subject"]


def test_an_unused_hold_lapses_and_passes_to_the_next_group(app, factory, client, make_client,
                                                             mailbox):
    sold = sold_out_night(app, factory, [2, 2])
    world = sold.world
    assert join(client, sold, 2, "first@example.com").status_code == 303
    assert join(make_client(), sold, 2, "second@example.com").status_code == 303
    refund(make_client, sold, sold.orders[0])
    assert requests(app, world)["first@example.com"]["status"] == "offered"
    mailbox.clear()

    with app.app_context(), tenant_scope(world.tenant_id):  # two hours later
        db.session.execute(update(WaitingRequest).where(WaitingRequest.email == "first@example.com")
                           .values(hold_expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["offer-waiting-lists"])
    assert result.exit_code == 0, result.output
    assert "1 waiting-list hold(s) lapsed" in result.output
    state = requests(app, world)
    assert state["first@example.com"]["status"] == "lapsed"
    assert state["second@example.com"]["status"] == "offered"
    assert free_places(app, world) == [0, 0, 0, 0]
    path, page = page_of(make_client(), mailbox, "second@example.com")
    assert "2 places are held for you" in page

    late = client.get(f"/{world.slug}/w/{state['first@example.com']['secret']}", headers=EN)
    assert "passed to the next request" in text_of(late)
    counts = row_counts(app)
    refused = client.post_form(f"/{world.slug}/w/{state['first@example.com']['secret']}/buy",
                               {f"quantity_{world.adult_id}": "2"},
                               token_from=f"{sold.night_url}/waiting-list",
                               follow_redirects=True)
    assert "No places are held for this request at the moment." in text_of(refused)
    assert row_counts(app) == counts


def test_bad_requests_are_refused_clearly_and_write_nothing(app, factory, client):
    sold = sold_out_night(app, factory, [4])
    world = sold.world
    counts = row_counts(app)
    for persons, status, message in (("0", 400, "from 1 to 100"),
                                     ("many", 400, "Enter a whole number."),
                                     ("5", 400, "No entry slot of this night holds a group of 5")):
        response = join(client, sold, persons, "x@example.com")
        assert response.status_code == status and message in text_of(response), text_of(response)
    bad_mail = join(client, sold, 2, "not-an-address")
    assert bad_mail.status_code == 400 and "Enter a valid email address." in text_of(bad_mail)
    other_night = (world.first_night + timedelta(days=1)).isoformat()
    free = client.post_form(f"/{world.slug}/{world.exhibition_slug}/{other_night}/waiting-list",
                            {"persons": "2", "name": "Ann", "email": "ann@example.com"}, headers=EN)
    assert free.status_code == 409 and "you can buy them now" in text_of(free)
    no_night = client.get(f"/{world.slug}/{world.exhibition_slug}/2001-01-01/waiting-list")
    assert no_night.status_code == 404
    assert client.get(f"/{world.slug}/w/not-a-real-secret-at-all").status_code == 404
    assert row_counts(app) == counts

    assert join(client, sold, 2, "ann@example.com").status_code == 303
    counts = row_counts(app)
    twice = join(client, sold, 3, "ann@example.com")
    assert twice.status_code == 409 and "already on the waiting list" in text_of(twice)
    assert row_counts(app) == counts


def test_staff_see_the_waiting_list_of_each_night(app, factory, client, make_client, mailbox):
    sold = sold_out_night(app, factory, [2, 2])
    world = sold.world
    assert join(client, sold, 3, "three@example.com", "Tri Group").status_code == 303
    assert join(make_client(), sold, 2, "pair@example.com", "Pair Group").status_code == 303
    refund(make_client, sold, sold.orders[0])
    box_office = signed_in(make_client, sold.staff.emails["box_office"])
    page = box_office.get(f"{sold.staff.portal}/exhibitions/{world.exhibition_id}/waiting-list")
    assert page.status_code == 200
    text = text_of(page)
    assert format_date(world.first_night, "full", locale="en") in text
    assert "1 " in text and "Tri Group three@example.com 3 Waiting" in text
    assert "Pair Group pair@example.com 2 Places held 6:00 PM–7:00 PM" in text  # Paris time
    gate = signed_in(make_client, sold.staff.emails["gate"])
    assert gate.get(f"{sold.staff.portal}/exhibitions/{world.exhibition_id}/waiting-list").status_code == 403
