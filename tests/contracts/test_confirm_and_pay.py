"""Both parties confirm the contract once each; the supplier records the transfers received
(refusing bad input and writing nothing); the deposit paid in full moves the booking on; overdue
instalments are reminded by the periodic command once a week."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from festival.booking.models import Booking
from festival.contracts import services
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.conftest import translated
from tests.contracts import deal
from tests.contracts.conftest import BOX, CLAIRE, LI, MARC, WANG
from tests.security.conftest import text_of


@pytest.fixture
def contracted(app, parties) -> int:
    return deal.contracted_booking(app, parties.tenant_id, parties.supplier_id, parties.exhibition_id,
                                   ["DR-01"])


def test_both_parties_confirm_once_and_both_are_told(app, parties, contracted, sign_in, mailbox):
    tenant_page, supplier_page = parties.tenant_page(contracted), parties.supplier_page(contracted)
    manager = sign_in(MARC)
    assert "Your organisation's owner confirms the contract." in text_of(manager.get(tenant_page))
    denied = manager.http.post(f"{tenant_page}/confirm", data={"csrf_token": manager.csrf(tenant_page)})
    assert denied.status_code == 403
    mailbox.clear()

    claire = sign_in(CLAIRE)
    assert claire.post_form(f"{tenant_page}/confirm", token_from=tenant_page).status_code == 302
    view = deal.contract_view(app, parties.supplier_id, contracted)
    assert view.tenant_confirmed and not view.supplier_confirmed
    [to_li] = mailbox.to(LI)
    assert "confirmed by the other party" in to_li["Subject"] and not mailbox.to(CLAIRE)
    again = claire.post_form(f"{tenant_page}/confirm", token_from=tenant_page)
    assert again.status_code == 409 and "You have confirmed this contract already." in text_of(again)

    mailbox.clear()
    li = sign_in(LI)
    assert li.post_form(f"{supplier_page}/confirm", token_from=supplier_page).status_code == 302
    for person in (CLAIRE, MARC, LI, WANG):
        [mail] = mailbox.to(person)
        assert "confirmed by both parties" in mail["Subject"]
    assert "Both parties have confirmed: the contract is in force." in text_of(claire.get(tenant_page))


def as_read(app, message: str) -> str:
    """The message as the supplier's owner reads it (in English in these tests), formatted."""
    values = {"max": 80, "currency": "CNY", "outstanding": "\x00"}
    return translated(app, "en", message, **{name: value for name, value in values.items()
                                                  if f"%({name})" in message})


def shown(expected: str, page: str) -> bool:
    """Whether ``expected`` is on ``page``; a NUL stands for a value not checked here."""
    return all(part in page for part in expected.split("\x00"))


def transfer(**changes) -> dict:
    body = {"instalment": "deposit", "amount": "100.00", "currency": "CNY",
            "paid_on": date.today().isoformat(), "bank_reference": "BOC-2026-0001"}
    body.update(changes)
    return body


@pytest.mark.parametrize("changes, status, message", [
    ({"amount": "0"}, 400, "Enter an amount above zero with at most two decimals."),
    ({"amount": "-5"}, 400, "Enter an amount such as 1200 or 1200.50."),
    ({"amount": "12.345"}, 400, "Enter an amount such as 1200 or 1200.50."),
    ({"amount": "lots"}, 400, "Enter an amount such as 1200 or 1200.50."),
    ({"amount": "99999999"}, 400,
     "The transfer is more than the %(outstanding)s still outstanding on this instalment."),
    ({"currency": "EUR"}, 400, "The contract is in %(currency)s: record the transfer in %(currency)s."),
    ({"paid_on": (date.today() + timedelta(days=1)).isoformat()}, 400,
     "The date of payment cannot be in the future."),
    ({"paid_on": "yesterday"}, 400, "Enter a date, for example 2026-12-31."),
    ({"bank_reference": "  "}, 400, "This field is required."),
    ({"bank_reference": "X" * 81}, 400, "Use at most %(max)d characters."),
    ({"instalment": "bonus"}, 400, "Choose one of the options offered."),
])
def test_bad_transfers_are_refused_and_write_nothing(app, parties, contracted, sign_in, snapshot,
                                                     changes, status, message):
    li = sign_in(LI)
    page = parties.supplier_page(contracted)
    token = li.csrf(page)
    before = snapshot()
    response = li.http.post(f"{page}/transfers", data={**transfer(**changes), "csrf_token": token})
    assert response.status_code == status
    assert shown(as_read(app, message), text_of(response))
    assert snapshot() == before


def test_staff_cannot_record_a_transfer(app, parties, contracted, sign_in, snapshot):
    wang = sign_in(WANG)
    page = parties.supplier_page(contracted)
    assert "Record a transfer received" not in text_of(wang.get(page))
    before = snapshot()
    assert wang.http.post(f"{page}/transfers", data={**transfer(), "csrf_token": wang.csrf(page)}
                          ).status_code == 403
    assert snapshot() == before


def test_the_deposit_paid_in_full_moves_the_booking_on(app, parties, contracted, sign_in, mailbox):
    view = deal.contract_view(app, parties.supplier_id, contracted)
    deposit = view.instalments[0][2]
    part = (deposit / 2).quantize(Decimal("0.01"))
    li = sign_in(LI)
    page = parties.supplier_page(contracted)
    mailbox.clear()
    assert li.post_form(f"{page}/transfers", transfer(amount=str(part))).status_code == 302
    assert deal.booking_status(app, parties.supplier_id, contracted) == Booking.CONTRACTED
    [to_claire] = mailbox.to(CLAIRE)
    assert "Payment received" in to_claire["Subject"] and "BOC-2026-0001" in mailbox.text(to_claire)

    rest = deposit - part
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert li.post_form(f"{page}/transfers", transfer(amount=str(rest), paid_on=yesterday,
                                                      bank_reference="BOC-2026-0002")).status_code == 302
    assert deal.booking_status(app, parties.supplier_id, contracted) == Booking.DEPOSIT_PAID
    view = deal.contract_view(app, parties.supplier_id, contracted)
    assert view.instalments[0][3] == deposit
    shown = text_of(sign_in(CLAIRE).get(parties.tenant_page(contracted)))
    assert "Paid in full" in shown and "BOC-2026-0002" in shown
    # Nothing more can be paid on the deposit: only the balance is offered.
    refused = li.post_form(f"{page}/transfers", transfer(bank_reference="BOC-2026-0003"))
    assert refused.status_code == 400
    assert as_read(app, "Choose one of the options offered.") in text_of(refused)


def run_reminders(app) -> str:
    result = app.test_cli_runner().invoke(args=["remind-overdue-payments"])
    assert result.exit_code == 0, result.output
    return result.output


def test_overdue_instalments_are_reminded_once_a_week(app, parties, sign_in, mailbox):
    # Drawn up 20 days ago: the deposit was due 6 days ago.
    booking_id = deal.contracted_booking(app, parties.tenant_id, parties.supplier_id, parties.exhibition_id,
                                         ["OV-01"], today=date.today() - timedelta(days=20))
    assert "Overdue" in text_of(sign_in(CLAIRE).get(parties.tenant_page(booking_id)))
    mailbox.clear()
    output = run_reminders(app)
    assert "1 overdue instalment(s) reminded." in output, output
    assert len(mailbox.to(CLAIRE)) == 1 and len(mailbox.to(MARC)) == 1
    assert not mailbox.to(BOX) and not mailbox.to(LI)
    assert "Payment overdue" in mailbox.to(CLAIRE)[0]["Subject"]
    mailbox.clear()
    assert "0 overdue instalment(s) reminded." in run_reminders(app)
    assert mailbox.messages == []

    # A week later it is reminded again; once paid, never.
    with app.test_request_context(), platform_scope("job"):
        assert services.remind_overdue_payments(date.today() + timedelta(days=6)) == 0
        assert services.remind_overdue_payments(date.today() + timedelta(days=7)) == 1
        db.session.commit()
        db.session.remove()
    li = sign_in(LI)
    deposit = deal.contract_view(app, parties.supplier_id, booking_id).instalments[0][2]
    assert li.post_form(f"{parties.supplier_page(booking_id)}/transfers",
                        transfer(amount=str(deposit))).status_code == 302
    with app.test_request_context(), platform_scope("job"):
        assert services.overdue_instalments(date.today() + timedelta(days=30)) == []
        db.session.remove()


def test_another_partys_contract_is_not_found(app, parties, factory, contracted, sign_in, snapshot):
    other = factory.supplier("yguang")
    factory.member(other, "chen@yguang.example", "owner")
    chen = sign_in("chen@yguang.example")
    before = snapshot()
    for path in (f"/s/yguang/bookings/{contracted}/contract",
                 f"/s/yguang/bookings/{contracted}/contract.pdf"):
        assert chen.get(path).status_code == 404
    token = chen.csrf("/s/yguang/team")
    for action in ("generate", "confirm", "transfers"):
        response = chen.http.post(f"/s/yguang/bookings/{contracted}/contract/{action}",
                                  data={**transfer(), "csrf_token": token})
        assert response.status_code == 404, action
    assert snapshot() == before
