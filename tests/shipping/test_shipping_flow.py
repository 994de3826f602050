"""Shipping as both parties do it through their portals: legs, milestones on one timeline, the
certificate of origin, the at-risk alarm, and milestones refused before the contract."""

from __future__ import annotations

from datetime import date, timedelta

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.scope import tenant_scope
from tests.security.conftest import text_of
from tests.shipping.conftest import SUPPLIER_EMAIL, TENANT_EMAIL, make_shipment

OPENING = date.today() + timedelta(days=200)


def signed_in(make_client, email):
    client = make_client()
    client.login(email)
    return client


def leg_body(prefix: str, eta: date, **changes) -> dict:
    body = {"mode": "sea", "origin_port": "Qinzhou", "destination_port": "Le Havre", "containers": "2",
            "container_numbers": "MSKU1234565, MSKU7654321", "etd": (eta - timedelta(days=40)).isoformat(),
            "eta": eta.isoformat(), "status": "planned"}
    body.update(changes)
    return {f"{prefix}-{key}": value for key, value in body.items()}


def booking_status(app, shipment) -> tuple[str, bool]:
    with app.app_context(), tenant_scope(shipment.tenant_id):
        booking = db.session.get(Booking, shipment.booking_id)
        values = booking.status, booking.at_risk
        db.session.remove()
    return values


def record(client, page: str, kind: str, when: date | None = None, note: str = ""):
    body = {"milestone-kind": kind, "milestone-happened_on": (when or date.today()).isoformat(),
            "milestone-happened_time": "09:30", "milestone-note": note}
    return client.post_form(f"{page}/milestones", body, token_from=page)


def test_a_shipment_from_contract_to_the_venue(app, shipment, make_client, mailbox):
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    tenant = signed_in(make_client, TENANT_EMAIL)
    page = shipment.supplier_page
    assert "No leg is planned yet." in text_of(supplier.get(page))

    planned = supplier.post_form(f"{page}/legs", leg_body("leg", OPENING - timedelta(days=20)),
                                 token_from=page)
    assert planned.status_code == 302, text_of(planned)[:500]
    for kind in ("packed", "container_sealed", "departed"):
        answer = record(supplier, page, kind, note=f"{kind} in Zigong")
        assert answer.status_code == 302, text_of(answer)[:500]
    assert booking_status(app, shipment) == (Booking.IN_TRANSIT, False)
    subjects = [message["Subject"] for message in mailbox.to(TENANT_EMAIL)]
    assert any("shipment departed" in subject for subject in subjects), subjects

    # The tenant sees the same timeline: the leg's ETD/ETA and the supplier's milestones.
    seen = text_of(tenant.get(shipment.tenant_page))
    for words in ("Departure (ETD) from Qinzhou", "Arrival (ETA) at Le Havre", "Packed", "Container sealed",
                  "Departed", "MSKU1234565"):
        assert words in seen
    assert "Plan a leg" not in seen  # the supplier plans legs

    # Certificate of origin: the tenant requests it, the supplier records it issued.
    mailbox.clear()
    asked = tenant.post_form(f"{shipment.tenant_page}/certificate", {}, token_from=shipment.tenant_page)
    assert asked.status_code == 302
    assert any("certificate of origin requested" in m["Subject"] for m in mailbox.to(SUPPLIER_EMAIL))
    assert "requested" in text_of(supplier.get(page))
    issued = supplier.post_form(f"{page}/certificate/issued", {"coo-number": "CO-2026-0118",
                                                               "coo-issued_on": date.today().isoformat()},
                                token_from=page)
    assert issued.status_code == 302, text_of(issued)[:500]
    for client, where in ((tenant, shipment.tenant_page), (supplier, page)):
        shown = text_of(client.get(where))
        assert "CO-2026-0118" in shown and "Certificate of origin" in shown and "issued" in shown
    assert any("CO-2026-0118" in mailbox.text(m) for m in mailbox.to(TENANT_EMAIL))

    # At the venue, the tenant records the arrival: the booking is on site; the supplier hears of it.
    mailbox.clear()
    refused = record(tenant, shipment.tenant_page, "packed")
    assert refused.status_code == 400 and "Choose one of the options offered." in text_of(refused)
    arrived = record(tenant, shipment.tenant_page, "on_site", note="Unloaded at the park gate")
    assert arrived.status_code == 302, text_of(arrived)[:500]
    assert booking_status(app, shipment)[0] == Booking.ON_SITE
    [told] = [m for m in mailbox.to(SUPPLIER_EMAIL) if "lamp groups on site" in m["Subject"]]
    assert "Unloaded at the park gate" in mailbox.text(told)
    again = record(tenant, shipment.tenant_page, "on_site")
    assert again.status_code == 409 and "already recorded" in text_of(again)


def test_a_late_eta_flags_the_booking_at_risk_on_both_sides(app, shipment, make_client, mailbox):
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    tenant = signed_in(make_client, TENANT_EMAIL)
    page = shipment.supplier_page
    supplier.post_form(f"{page}/legs", leg_body("leg", OPENING - timedelta(days=30)), token_from=page)
    assert booking_status(app, shipment) == (Booking.CONTRACTED, False)
    assert "At risk" not in text_of(tenant.get(shipment.tenant_page))
    with app.app_context(), tenant_scope(shipment.tenant_id):
        from festival.shipping.models import ShipmentLeg

        leg_id = db.session.query(ShipmentLeg.id).scalar()
        db.session.remove()

    # Setup takes 7 days: arriving 3 days before opening night is too late.
    mailbox.clear()
    late = supplier.post_form(f"/s/{shipment.supplier_slug}/shipping/legs/{leg_id}",
                              leg_body("leg", OPENING - timedelta(days=3)), token_from=page)
    assert late.status_code == 302, text_of(late)[:500]
    assert booking_status(app, shipment) == (Booking.CONTRACTED, True)
    for client, where in ((tenant, shipment.tenant_page), (supplier, page)):
        assert "At risk:" in text_of(client.get(where))
    for email in (TENANT_EMAIL, SUPPLIER_EMAIL):
        [alarm] = [m for m in mailbox.to(email) if "at risk" in m["Subject"]]
        assert (OPENING - timedelta(days=3)).isoformat() in mailbox.text(alarm)

    # A faster ship fixes it: the flag clears without another alarm.
    mailbox.clear()
    supplier.post_form(f"/s/{shipment.supplier_slug}/shipping/legs/{leg_id}",
                       leg_body("leg", OPENING - timedelta(days=10)), token_from=page)
    assert booking_status(app, shipment) == (Booking.CONTRACTED, False)
    assert "At risk:" not in text_of(tenant.get(shipment.tenant_page))
    assert not [m for m in mailbox.messages if "at risk" in m["Subject"]]


def test_a_leg_with_its_arrival_before_its_departure_is_refused(app, shipment, make_client):
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    page = shipment.supplier_page
    answer = supplier.post_form(f"{page}/legs", leg_body("leg", OPENING - timedelta(days=20),
                                                         etd=(OPENING - timedelta(days=10)).isoformat()),
                                token_from=page)
    assert answer.status_code == 400
    assert "The arrival (ETA) cannot come before the departure (ETD)." in text_of(answer)
    assert "No leg is planned yet." in text_of(supplier.get(page))


def test_milestones_before_the_contract_are_refused(app, factory, make_client):
    shipment = make_shipment(app, factory, status=Booking.ACCEPTED)
    supplier = signed_in(make_client, SUPPLIER_EMAIL)
    page = shipment.supplier_page
    answer = record(supplier, page, "packed")
    assert answer.status_code == 409
    assert "Shipping starts once the booking is contracted (it is accepted)." in text_of(answer)
    assert booking_status(app, shipment)[0] == Booking.ACCEPTED
    assert "Record a milestone" not in text_of(supplier.get(page))
