"""The supplier draws up the contract of an accepted booking: its PDF names both parties, every lamp
group with its IP record and occupancy window, the prices, the schedule and the signature blocks,
in Chinese, English and the host city's language; a flagged booking cannot be contracted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import select

from festival.booking.models import Booking, OccupancyWindow
from festival.contracts import services
from festival.core.db import db
from festival.core.scope import supplier_scope
from tests.booking import world
from tests.contracts import deal
from tests.contracts.conftest import CLAIRE, LI, MARC, WANG, pdf_words
from tests.documents.conftest import normalize_spaces, pdf_fonts
from tests.security.conftest import text_of


def lines_of(app, supplier_id: int, booking_id: int) -> list[dict]:
    """What the PDF must print of each lamp group line: code, IP record, window, amount."""
    with app.app_context(), supplier_scope(supplier_id):
        booking = db.session.get(Booking, booking_id)
        rows = [dict(code=line.lamp_group_code, ip=line.ip_record_number, arrives=line.arrives_on,
                     last_day=line.on_site_until - timedelta(days=1), amount=line.amount,
                     weekly=line.weekly_price, weeks=line.weeks,
                     departs=db.session.get(OccupancyWindow, line.window_id).starts_on)
                for line in booking.lines]
        db.session.remove()
    return rows


def money(amount: Decimal, locale: str) -> str:
    return normalize_spaces(format_currency(amount, "CNY", locale=locale))


def test_supplier_draws_up_a_contract_in_chinese_english_and_french(app, parties, sign_in, mailbox):
    booking_id = deal.accepted_booking(app, parties.tenant_id, parties.supplier_id, parties.exhibition_id,
                                       ["DR-01", "PD-02"], service_id=parties.service_id)
    supplier = sign_in(LI)
    page = supplier.get(parties.supplier_page(booking_id))
    assert page.status_code == 200 and "Draw up the contract" in text_of(page)
    mailbox.clear()

    drawn = supplier.post_form(f"{parties.supplier_page(booking_id)}/generate",
                               token_from=parties.supplier_page(booking_id))
    assert drawn.status_code == 302, text_of(drawn)
    view = deal.contract_view(app, parties.supplier_id, booking_id)
    assert view.booking_status == Booking.CONTRACTED
    assert view.languages == ["zh_Hans", "en", "fr"]
    assert view.number.startswith(f"LC-{date.today().year}-")
    shown = text_of(supplier.get(parties.supplier_page(booking_id)))
    assert view.number in shown and "Download the contract (PDF)" in shown
    # The host city hears of it, in its own words and with a link to its own portal.
    [to_claire] = mailbox.to(CLAIRE)
    assert view.number in mailbox.text(to_claire) and "/paris/manage/bookings/" in mailbox.text(to_claire)
    assert len(mailbox.to(MARC)) == 1 and not mailbox.to(LI) and not mailbox.to(WANG)

    response = sign_in(CLAIRE).get(f"{parties.tenant_page(booking_id)}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert supplier.get(f"{parties.supplier_page(booking_id)}.pdf").data == response.data
    text = pdf_words(response.data)

    # The parties: the supplier's names, address, export credentials and bank; the host city.
    for expected in ("自贡华彩灯艺有限公司", "Huacai Lanterns", "88 Caideng Road", "5103960123",
                     "ZG-EXP-2026-17", "SWIFT BKCHCNBJ57A", "Festival des Lanternes de Paris", "Paris",
                     "France", "法国",
                     "Jardin des Plantes", "简体中文", "English", "Français"):
        assert expected in text, expected
    # Every lamp group with its names, IP record, occupancy window and price, in each language.
    lines = lines_of(app, parties.supplier_id, booking_id)
    assert {line["code"] for line in lines} == {"DR-01", "PD-02"}
    for line in lines:
        for expected in (line["code"], line["ip"], f"灯组 {line['code']}", f"Lamp group {line['code']}"):
            assert expected in text, expected
        for locale in ("zh_Hans", "en", "fr"):
            for day in (line["departs"], line["arrives"], line["last_day"]):
                assert normalize_spaces(format_date(day, "long", locale=locale)) in text, (locale, day)
            assert money(line["amount"], locale) in text
            assert money(line["weekly"], locale) in text
    # The service, the total, the schedule (30 % deposit) and both signature blocks.
    assert "Lantern-making workshop" in text and "花灯制作工作坊" in text
    for locale in ("zh_Hans", "en", "fr"):
        assert money(view.total, locale) in text
        for _kind, due_on, amount, _paid in view.instalments:
            assert money(amount, locale) in text
            assert normalize_spaces(format_date(due_on, "long", locale=locale)) in text
    assert "For Festival des Lanternes de Paris" in text
    assert "For 自贡华彩灯艺有限公司 / Huacai Lanterns" in text
    assert "Freight is not part of this total" in text
    # Chinese prints with a font that has it, embedded.
    assert any("WenQuanYi" in font["name"] and font["emb"] == "yes" for font in pdf_fonts(response.data))


def test_the_schedule_adds_up_to_the_total_exactly(app, parties):
    booking_id = deal.accepted_booking(app, parties.tenant_id, parties.supplier_id, parties.exhibition_id,
                                       ["OD-01"], weekly_price=Decimal("3333.33"))
    world.as_supplier(app, parties.supplier_id,
                      lambda s: services.generate_contract(s.get_booking(booking_id), None))
    view = deal.contract_view(app, parties.supplier_id, booking_id)
    [deposit, balance] = view.instalments
    assert deposit[0] == "deposit" and balance[0] == "balance"
    assert deposit[2] == (view.total * Decimal("0.3")).quantize(Decimal("0.01"))
    assert deposit[2] + balance[2] == view.total
    assert deposit[1] == date.today() + timedelta(days=14)
    departs = min(line["departs"] for line in lines_of(app, parties.supplier_id, booking_id))
    assert balance[1] == max(deposit[1], departs - timedelta(days=30))


def test_a_flagged_booking_cannot_be_contracted_until_the_certificates_are_renewed(app, parties, sign_in,
                                                                                   snapshot):
    # The fabric certificate runs out before the season closes in Paris.
    booking_id = deal.accepted_booking(
        app, parties.tenant_id, parties.supplier_id, parties.exhibition_id, ["FL-01"],
        certifications=("CE",))
    supplier = sign_in(WANG)
    page = parties.supplier_page(booking_id)
    shown = text_of(supplier.get(page))
    assert "flagged for certifications" in shown and "FL-01" in shown
    before = snapshot()
    refused = supplier.post_form(f"{page}/generate", token_from=page)
    assert refused.status_code == 409
    assert "flagged for missing or expiring certifications" in text_of(refused)
    assert "before it can be contracted" in text_of(refused) and "FL-01" in text_of(refused)
    assert snapshot() == before
    assert deal.contract_view(app, parties.supplier_id, booking_id) is None

    # The supplier renews the certificate in its catalog; the contract is then drawn up.
    from festival.catalog.models import Certification, LampGroup

    with app.app_context(), supplier_scope(parties.supplier_id):
        group = db.session.scalar(select(LampGroup).where(LampGroup.code == "FL-01"))
        db.session.add(Certification(supplier_id=parties.supplier_id, lamp_group_id=group.id,
                                     kind="FLAME_RETARDANT", number="FR-9",
                                     expires_on=date.today() + timedelta(days=900)))
        db.session.commit()
        db.session.remove()
    assert supplier.post_form(f"{page}/generate", token_from=page).status_code == 302
    assert deal.booking_status(app, parties.supplier_id, booking_id) == Booking.CONTRACTED


def test_only_an_accepted_booking_is_contracted_and_only_once(app, parties, sign_in):
    booking_id = deal.accepted_booking(app, parties.tenant_id, parties.supplier_id, parties.exhibition_id,
                                       ["ON-01"])
    supplier = sign_in(LI)
    page = parties.supplier_page(booking_id)
    assert supplier.post_form(f"{page}/generate", token_from=page).status_code == 302
    again = supplier.http.post(f"{page}/generate", data={"csrf_token": supplier.csrf(page)})
    assert again.status_code == 409 and "has a contract already" in text_of(again)
    requested = world.request(app, parties.tenant_id, parties.exhibition_id, parties.supplier_id,
                              [world.lamp_group(app, parties.supplier_id, "RQ-01")])
    early = supplier.http.post(f"{parties.supplier_page(requested)}/generate",
                               data={"csrf_token": supplier.csrf(page)})
    assert early.status_code == 409 and "Only an accepted booking can be contracted" in text_of(early)
    # The tenant sees the request has no contract; its PDF does not exist.
    claire = sign_in(CLAIRE)
    assert "No contract yet" in text_of(claire.get(parties.tenant_page(requested)))
    assert claire.get(f"{parties.tenant_page(requested)}.pdf").status_code == 404
