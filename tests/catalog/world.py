"""Shared pieces of the catalog tests: a Zigong supplier whose staff member reads Chinese, the
seeded transit regions, plausible form bodies, and photos drawn with Pillow."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image

from festival.core.db import db
from festival.core.scope import supplier_scope
from tests.booking.world import seed_reference_data
from tests.conftest import Client

STAFF = "li@huacai.example"


@dataclass
class CatalogWorld:
    supplier_id: int
    slug: str
    staff: Client

    @property
    def portal(self) -> str:
        return f"/s/{self.slug}"

    def post(self, path: str, data: dict, **kwargs):
        """A form sent from the page it is on (the CSRF token comes from the catalog)."""
        return self.staff.post_form(f"{self.portal}{path}", data, token_from=f"{self.portal}/catalog",
                                    **kwargs)

    def run(self, app, work):
        """``work()`` inside the supplier's scope; its result read before the session goes."""
        with app.app_context(), supplier_scope(self.supplier_id):
            result = work()
            db.session.commit()
            db.session.remove()
        return result


def catalog_world(app, factory, make_client, slug: str = "huacai", email: str = STAFF,
                  locale: str = "zh_Hans") -> CatalogWorld:
    """A supplier with a staff member signed in, reading the portal in ``locale``."""
    seed_reference_data(app)
    supplier = factory.supplier(slug)
    factory.member(supplier, email, "staff")
    staff = make_client()
    staff.login(email)
    staff.get(f"/locale/{locale}")
    return CatalogWorld(supplier.id, slug, staff)


def png(width: int = 800, height: int = 600, colour: tuple = (200, 40, 30)) -> bytes:
    """A real PNG drawn with Pillow, with a text chunk (metadata the store must drop)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "shot at 30.34N 104.77E")
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def lamp_group_body(**changes) -> dict:
    body = {"code": "ZG-DRAGON-01", "name_zh_Hans": "巨龙腾飞", "name_en": "Soaring Dragon",
            "description_zh_Hans": "丝绸与钢架制作的巨龙。", "description_en": "A dragon of silk and steel.",
            "theme": "dragons", "length_m": "24.5", "width_m": "6", "height_m": "8.2",
            "weight_kg": "3600", "containers_teu": "3", "power_kw": "12.5", "setup_days": "8",
            "teardown_days": "4", "handling_days": "3", "min_rental_weeks": "6",
            "weekly_price": "18000.00", "ip_record_number": "T2024-51030001",
            "home_city": "Zigong", "home_country": "CN", "home_region": "zigong",
            "status": "available"}
    body.update(changes)
    return body


def component_body(**changes) -> dict:
    body = {"serial": "DRG-HEAD-001", "description": "Dragon head, steel frame with silk",
            "quantity": "1", "weight_kg": "450", "value": "32000", "hs_code": "9405.42"}
    body.update(changes)
    return body


def certification_body(**changes) -> dict:
    today = date.today()
    body = {"kind": "CE", "number": "CE-2024-0042", "issuer": "TÜV Rheinland",
            "issued_on": (today - timedelta(days=100)).isoformat(),
            "expires_on": (today + timedelta(days=700)).isoformat()}
    body.update(changes)
    return body


def service_body(**changes) -> dict:
    body = {"kind": "acrobatics", "name_zh_Hans": "自贡杂技团", "name_en": "Zigong acrobatics troupe",
            "description_en": "Twelve acrobats, two shows a night.", "price": "4500.00",
            "unit": "week", "active": "y"}
    body.update(changes)
    return body
