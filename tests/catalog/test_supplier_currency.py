"""A supplier chooses the currency of its prices and its bank details in its profile; once the
catalog has lamp groups the currency stays, since every price is in it."""

from __future__ import annotations

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.suppliers.models import Supplier
from tests.booking import world
from tests.security.conftest import text_of

OWNER = "li@huacai.example"
PROFILE = {"name_zh": "自贡华彩灯艺有限公司", "name_en": "Huacai Lanterns", "contact_name": "",
           "contact_email": "", "contact_phone": "", "address": "", "customs_code": "",
           "export_licence": "", "default_locale": "en"}


def stored(app, supplier_id: int) -> tuple[str, str]:
    with app.app_context(), platform_scope("cli"):
        supplier = db.session.get(Supplier, supplier_id)
        values = supplier.currency, supplier.bank_details
        db.session.remove()
    return values


def test_currency_and_bank_details_then_the_currency_stays(app, factory, client):
    supplier = factory.supplier("huacai")
    factory.member(supplier, OWNER, "owner")
    client.login(OWNER)
    saved = client.post_form("/s/huacai/profile", {**PROFILE, "currency": "USD",
                                                   "bank_details": "ICBC Zigong, SWIFT ICBKCNBJSCN"})
    assert saved.status_code == 302, text_of(saved)[:500]
    assert stored(app, supplier.id) == ("USD", "ICBC Zigong, SWIFT ICBKCNBJSCN")
    refused = client.post_form("/s/huacai/profile", {**PROFILE, "currency": "EUR", "bank_details": ""})
    assert refused.status_code == 400
    world.seed_reference_data(app)
    world.lamp_group(app, supplier.id, "DR-01")
    kept = client.post_form("/s/huacai/profile", {**PROFILE, "currency": "CNY", "bank_details": ""})
    assert kept.status_code == 409
    assert "Your lamp groups are priced in USD" in text_of(kept)
    assert stored(app, supplier.id)[0] == "USD"
