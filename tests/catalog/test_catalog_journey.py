"""A Zigong supplier's staff member, reading the portal in Chinese, keeps the catalog: a lamp group
with its components, a certification and a photo, then its service offerings."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import select

from festival.catalog.models import LampGroup, LampGroupPhoto, ServiceOffering
from festival.core.db import db
from tests.catalog.world import (
    catalog_world,
    certification_body,
    component_body,
    lamp_group_body,
    png,
    service_body,
)
from tests.conftest import translated
from tests.security.conftest import text_of


def test_supplier_builds_a_lamp_group_with_components_certification_and_photo(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    staff = world.staff

    home = text_of(staff.get(world.portal + "/"))
    assert translated(app, "zh_Hans", "Catalog: your lamp groups, their components, photos and "
                      "certificates.") in home
    empty = staff.get(world.portal + "/catalog")
    assert empty.status_code == 200
    assert translated(app, "zh_Hans", "Your catalog is empty. Add your first lamp group: its names "
                      "in Chinese and English, its size, containers, power and weekly price, then "
                      "its components, photos and certificates.") in text_of(empty)
    # The price field names the supplier's currency.
    assert "CNY" in text_of(staff.get(world.portal + "/catalog/new"))

    created = world.post("/catalog/new", lamp_group_body())
    assert created.status_code == 302, text_of(created)[:500]
    page_url = created.headers["Location"]
    lamp_group_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    page = text_of(staff.get(page_url))
    assert "ZG-DRAGON-01" in page and "巨龙腾飞" in page
    assert translated(app, "zh_Hans", "Save") == "保存" and "保存" in page  # the portal speaks Chinese

    assert world.post(f"/catalog/{lamp_group_id}/components", component_body()).status_code == 302
    assert world.post(f"/catalog/{lamp_group_id}/components", component_body(
        serial="DRG-BODY-002", description="Body sections", quantity="6", weight_kg="310",
        value="8000", hs_code="")).status_code == 302
    assert world.post(f"/catalog/{lamp_group_id}/certifications",
                      certification_body()).status_code == 302
    expired = world.post(f"/catalog/{lamp_group_id}/certifications", certification_body(
        kind="FLAME_RETARDANT", number="FR-1", issued_on="2020-01-01", expires_on="2021-01-01"))
    assert expired.status_code == 302
    uploaded = world.post(f"/catalog/{lamp_group_id}/photos",
                          {"photo": (io.BytesIO(png()), "dragon.png"), "caption": "巨龙夜景"},
                          content_type="multipart/form-data")
    assert uploaded.status_code == 302, text_of(uploaded)[:500]

    page = text_of(staff.get(page_url))
    for shown in ("DRG-HEAD-001", "DRG-BODY-002", "9405.42", "CE-2024-0042", "TÜV Rheinland",
                  translated(app, "zh_Hans", "Flame-retardant fabric"),
                  translated(app, "zh_Hans", "Expired"), "巨龙夜景"):
        assert shown in page, shown
    assert page.count(translated(app, "zh_Hans", "Expired")) == 1  # only the 2021 certificate

    listing = staff.get(world.portal + "/catalog")
    html = listing.get_data(as_text=True)
    assert "ZG-DRAGON-01" in text_of(listing) and "巨龙腾飞" in text_of(listing)
    assert translated(app, "zh_Hans", "Dragons") in text_of(listing)
    assert "18,000.00" in text_of(listing)  # the weekly price, in CNY
    thumbnail = re.search(r'<img src="([^"]+/thumb)" alt="巨龙夜景"', html)
    assert thumbnail, html

    served = staff.get(thumbnail.group(1))
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    small = Image.open(io.BytesIO(served.data))
    assert small.size == (320, 240)
    assert "Comment" not in small.info  # re-encoded: the text chunk is gone
    full = staff.get(thumbnail.group(1).replace("/thumb", "/full"))
    assert full.status_code == 200 and Image.open(io.BytesIO(full.data)).size == (800, 600)
    assert b"30.34N" not in full.data

    with app.app_context():
        from festival.core.scope import supplier_scope

        with supplier_scope(world.supplier_id):
            lamp_group = db.session.get(LampGroup, lamp_group_id)
            assert (lamp_group.names, lamp_group.theme, str(lamp_group.weekly_price)) == (
                {"zh_Hans": "巨龙腾飞", "en": "Soaring Dragon"}, "dragons", "18000.00")
            assert [c.quantity for c in lamp_group.components] == [1, 6]
            assert len(lamp_group.photos) == 1 and lamp_group.photos[0].content_type == "image/png"
        db.session.remove()


def test_supplier_edits_and_removes_catalog_entries(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    staff = world.staff
    lamp_group_id = int(world.post("/catalog/new", lamp_group_body()).headers["Location"]
                        .rsplit("/", 1)[1])
    world.post(f"/catalog/{lamp_group_id}/components", component_body())
    world.post(f"/catalog/{lamp_group_id}/certifications", certification_body())
    world.post(f"/catalog/{lamp_group_id}/photos", {"photo": (io.BytesIO(png(100, 80)), "a.png")},
               content_type="multipart/form-data")
    ids = world.run(app, lambda: (
        db.session.scalar(select(LampGroup)).components[0].id,
        db.session.scalar(select(LampGroup)).certifications[0].id,
        db.session.scalar(select(LampGroupPhoto.id))))
    component_id, certification_id, photo_id = ids

    edited = world.post(f"/catalog/{lamp_group_id}", lamp_group_body(
        name_en="Soaring Dragon II", weekly_price="19000", name_fr="Dragon volant", status="retired"))
    assert edited.status_code == 302, text_of(edited)[:400]
    page = staff.get(f"{world.portal}/catalog/components/{component_id}")
    assert "DRG-HEAD-001" in text_of(page)
    assert world.post(f"/catalog/components/{component_id}",
                      component_body(quantity="2")).status_code == 302
    assert world.post(f"/catalog/certifications/{certification_id}",
                      certification_body(number="CE-NEW")).status_code == 302
    page = text_of(staff.get(f"{world.portal}/catalog/{lamp_group_id}"))
    assert "CE-NEW" in page and translated(app, "zh_Hans", "Retired") in page

    for path in (f"/catalog/components/{component_id}/remove",
                 f"/catalog/certifications/{certification_id}/remove",
                 f"/catalog/photos/{photo_id}/remove"):
        assert world.post(path, {}).status_code == 302, path
    lamp_group = world.run(app, lambda: _plain(db.session.get(LampGroup, lamp_group_id)))
    assert lamp_group == ({"zh_Hans": "巨龙腾飞", "en": "Soaring Dragon II", "fr": "Dragon volant"},
                          "19000.00", "retired", 0, 0, 0)
    assert staff.get(f"{world.portal}/catalog/photos/{photo_id}/thumb").status_code == 404


def _plain(lamp_group: LampGroup) -> tuple:
    return (lamp_group.names, str(lamp_group.weekly_price), lamp_group.status,
            len(lamp_group.components), len(lamp_group.certifications), len(lamp_group.photos))


def test_supplier_offers_and_edits_services(app, factory, make_client):
    world = catalog_world(app, factory, make_client)
    staff = world.staff
    empty = text_of(staff.get(world.portal + "/services"))
    assert translated(app, "zh_Hans", "No service yet. Offer what you sell beside the lamp groups: "
                      "catering stalls, acrobatics troupes, lantern-making workshops, tourism "
                      "packages.") in empty
    assert world.post("/services/new", service_body()).status_code == 302
    assert world.post("/services/new", service_body(
        kind="catering", name_zh_Hans="川味小吃", name_en="Sichuan snacks", price="800",
        unit="day")).status_code == 302
    listing = text_of(staff.get(world.portal + "/services"))
    assert "自贡杂技团" in listing and "川味小吃" in listing
    assert translated(app, "zh_Hans", "per week") in listing
    assert translated(app, "zh_Hans", "Tourism package") not in listing

    service_id = world.run(app, lambda: db.session.scalar(
        select(ServiceOffering.id).where(ServiceOffering.kind == "acrobatics")))
    form = staff.get(f"{world.portal}/services/{service_id}").get_data(as_text=True)
    assert 'value="自贡杂技团"' in form and 'value="4500.00"' in form  # the stored offer, to edit
    edited = world.post(f"/services/{service_id}", service_body(price="5200", active=""))
    assert edited.status_code == 302
    listing = text_of(staff.get(world.portal + "/services"))
    assert translated(app, "zh_Hans", "Not offered") in listing
    stored = world.run(app, lambda: (lambda s: (str(s.price), s.active, s.unit))(
        db.session.get(ServiceOffering, service_id)))
    assert stored == ("5200.00", False, "week")
