"""The whole journey of a lamp group booking, as the two parties do it in their portals: the
supplier lists a lamp group, the venue partner requests it, the supplier counters, the venue
partner accepts, the contract PDF is drawn up (its text read back in Chinese and English), the
certificate of origin is issued and the shipment is tracked to "on site" — with every email
captured and checked (who gets it, in which language, what it names)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import format_date
from babel.numbers import format_currency
from sqlalchemy import select

from festival.booking.models import Booking, OccupancyWindow
from festival.catalog.models import LampGroup
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.contracts.conftest import pdf_words
from tests.documents.conftest import normalize_spaces
from tests.security.conftest import text_of

CLAIRE = "claire@paris.example"  # the venue partner's owner, reads French
LI = "li@huacai.example"  # the supplier's owner, reads Chinese


def signed_in(make_client, email):
    client = make_client()
    client.login(email)
    return client


def language(message) -> str:
    return message["Content-Language"]


def only_mail(mailbox, address: str):
    messages = mailbox.to(address)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    mailbox.clear()
    return messages[0]


def read(app, work):
    with app.app_context(), platform_scope("cli"):
        result = work()
        db.session.remove()
    return result


def test_from_catalog_to_on_site(app, factory, make_client, mailbox):
    world.seed_reference_data(app)
    paris = world.host_city(factory)
    supplier = factory.supplier("huacai", name_en="Huacai Lanterns")
    factory.member(paris, CLAIRE, "owner")
    factory.member(supplier, LI, "owner")
    speaks(app, CLAIRE, "fr")
    speaks(app, LI, "zh_Hans")
    exhibition_id = world.exhibition(app, paris.id, starts_in_days=200)
    li, claire = signed_in(make_client, LI), signed_in(make_client, CLAIRE)

    # 1. The supplier lists a lamp group with a component and the certificates France requires.
    listed = li.post_form("/s/huacai/catalog/new", {
        "code": "DR-77", "name_zh_Hans": "金龙", "name_en": "Golden Dragon", "theme": "dragons",
        "length_m": "18", "width_m": "5", "height_m": "7", "weight_kg": "3200", "containers_teu": "2",
        "power_kw": "9.5", "setup_days": "7", "teardown_days": "4", "handling_days": "3",
        "min_rental_weeks": "4", "weekly_price": "40000", "ip_record_number": "T2024-88123",
        "home_city": "Zigong", "home_country": "CN", "home_region": "zigong", "status": "available"})
    assert listed.status_code == 302, text_of(listed)[:800]
    group_id = read(app, lambda: db.session.scalar(select(LampGroup.id).where(LampGroup.code == "DR-77")))
    group_page = f"/s/huacai/catalog/{group_id}"
    for kind in ("CE", "FLAME_RETARDANT"):
        added = li.post_form(f"{group_page}/certifications", {
            "kind": kind, "number": f"{kind}-77", "issuer": "SGS",
            "expires_on": (date.today() + timedelta(days=800)).isoformat()}, token_from=group_page)
        assert added.status_code == 302, text_of(added)[:800]
    added = li.post_form(f"{group_page}/components", {
        "serial": "DR-77-01", "description": "Head, steel and silk", "quantity": "1", "weight_kg": "400",
        "value": "52000", "hs_code": "9405.42"}, token_from=group_page)
    assert added.status_code == 302, text_of(added)[:800]

    # 2. The venue partner finds it available for its exhibition, previews the price and sends.
    catalog = text_of(claire.get(f"/paris/manage/catalog/?exhibition={exhibition_id}&available=y"))
    assert "DR-77" in catalog
    builder = f"/paris/manage/catalog/{group_id}/request"
    body = {"exhibition": str(exhibition_id), "mode": "sea", "message": "Arrivée par Le Havre",
            "lamp_groups": [str(group_id)]}
    preview = claire.post_form(builder, {**body, "preview": "1"}, token_from=builder)
    assert preview.status_code == 200, text_of(preview)[:800]
    weeks = 8  # a week of setup, six weeks of season, four days of teardown: 53 days
    assert normalize_spaces(format_currency(40000 * weeks, "CNY", locale="fr")) in normalize_spaces(
        text_of(preview))
    sent = claire.post_form(builder, {**body, "send": "1"}, token_from=builder)
    assert sent.status_code == 302, text_of(sent)[:800]
    booking_id, reference = read(app, lambda: db.session.execute(select(Booking.id, Booking.reference)).one())
    request_mail = only_mail(mailbox, LI)
    assert language(request_mail) == "zh-Hans" and reference in request_mail["Subject"]
    assert f"/s/huacai/bookings/{booking_id}" in mailbox.text(request_mail)

    # 3. The supplier counters with a lower weekly price and a later arrival.
    supplier_page = f"/s/huacai/bookings/{booking_id}"
    line = read(app, lambda: db.session.scalars(select(Booking)).one().lines[0])
    later = line.arrives_on + timedelta(days=2)
    countered = li.post_form(f"{supplier_page}/counter", {
        "price_1": "36000", "arrives_1": later.isoformat(), "until_1": line.on_site_until.isoformat(),
        "message": "Price for an eight-week stay."}, token_from=f"{supplier_page}/counter")
    assert countered.status_code == 302, text_of(countered)[:800]
    counter_mail = only_mail(mailbox, CLAIRE)
    assert language(counter_mail) == "fr" and reference in counter_mail["Subject"]
    assert f"/paris/manage/bookings/{booking_id}" in mailbox.text(counter_mail)
    window = read(app, lambda: db.session.scalars(select(OccupancyWindow)).one())
    assert window.arrives_on == later  # the countered dates hold the lamp group

    # 4. The venue partner accepts the counter-offer.
    tenant_page = f"/paris/manage/bookings/{booking_id}"
    assert "36" in text_of(claire.get(tenant_page))
    accepted = claire.post_form(f"{tenant_page}/accept-counter", {}, token_from=tenant_page)
    assert accepted.status_code == 302, text_of(accepted)[:800]
    assert reference in only_mail(mailbox, LI)["Subject"]

    # 5. The supplier draws up the contract; its PDF names the parties, the lamp group with its
    # IP record, the window and the countered price, in Chinese and in English (and French).
    contract_page = f"{supplier_page}/contract"
    drawn = li.post_form(f"{contract_page}/generate", {}, token_from=contract_page)
    assert drawn.status_code == 302, text_of(drawn)[:800]
    assert language(only_mail(mailbox, CLAIRE)) == "fr"
    pdf = claire.get(f"{tenant_page}/contract.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_words(pdf.data)
    for expected in ("自贡华彩灯艺有限公司", "Huacai Lanterns", "Festival des Lanternes de Paris", "DR-77",
                     "金龙", "Golden Dragon", "T2024-88123"):
        assert expected in text, expected
    for locale in ("zh_Hans", "en", "fr"):
        assert normalize_spaces(format_date(later, "long", locale=locale)) in text, locale
        assert normalize_spaces(format_currency(36000, "CNY", locale=locale)) in text, locale
        assert normalize_spaces(format_currency(36000 * weeks, "CNY", locale=locale)) in text, locale

    # 6. The venue partner asks for the certificate of origin; the supplier records it issued.
    tenant_shipping, supplier_shipping = f"{tenant_page}/shipping", f"{supplier_page}/shipping"
    asked = claire.post_form(f"{tenant_shipping}/certificate", {}, token_from=tenant_shipping)
    assert asked.status_code == 302, text_of(asked)[:800]
    assert language(only_mail(mailbox, LI)) == "zh-Hans"
    issued = li.post_form(f"{supplier_shipping}/certificate/issued", {
        "coo-number": "CCPIT-2026-51000", "coo-issued_on": date.today().isoformat()},
        token_from=supplier_shipping)
    assert issued.status_code == 302, text_of(issued)[:800]
    assert "CCPIT-2026-51000" in mailbox.text(only_mail(mailbox, CLAIRE))
    assert "CCPIT-2026-51000" in text_of(claire.get(tenant_shipping))

    # 7. The shipment: a leg, packed, sealed, departed (in transit), then on site (the venue).
    leg = li.post_form(f"{supplier_shipping}/legs", {
        "leg-mode": "sea", "leg-origin_port": "Qinzhou", "leg-destination_port": "Le Havre",
        "leg-containers": "2", "leg-container_numbers": "MSKU1234565", "leg-status": "planned",
        "leg-etd": date.today().isoformat(), "leg-eta": (later - timedelta(days=5)).isoformat()},
        token_from=supplier_shipping)
    assert leg.status_code == 302, text_of(leg)[:800]
    mailbox.clear()

    def milestone(client, page, kind):
        answer = client.post_form(f"{page}/milestones", {
            "milestone-kind": kind, "milestone-happened_on": date.today().isoformat(),
            "milestone-happened_time": "09:30", "milestone-note": ""}, token_from=page)
        assert answer.status_code == 302, text_of(answer)[:800]

    for kind in ("packed", "container_sealed", "departed"):
        milestone(li, supplier_shipping, kind)
    assert read(app, lambda: db.session.get(Booking, booking_id).status) == Booking.IN_TRANSIT
    assert {language(m) for m in mailbox.to(CLAIRE)} == {"fr"} and len(mailbox.to(CLAIRE)) == 3
    mailbox.clear()
    milestone(claire, tenant_shipping, "on_site")
    assert read(app, lambda: db.session.get(Booking, booking_id).status) == Booking.ON_SITE
    assert language(only_mail(mailbox, LI)) == "zh-Hans"
    timeline = text_of(li.get(supplier_shipping))
    assert "MSKU1234565" in timeline and "CCPIT-2026-51000" in timeline
    assert re.search(r"DR-77", text_of(li.get(supplier_page)))


def speaks(app, email: str, locale: str) -> None:
    from festival.accounts.models import User

    with app.app_context(), platform_scope("cli"):
        db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()
        db.session.remove()
