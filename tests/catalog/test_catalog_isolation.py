"""One supplier's catalog is invisible to another (404, nothing written); tenants see photos of
the published catalog only: an active supplier's lamp group that is not retired."""

from __future__ import annotations

import io

from sqlalchemy import select

from festival.catalog.models import (
    Certification,
    LampGroup,
    LampGroupComponent,
    LampGroupPhoto,
    ServiceOffering,
)
from festival.core.db import db
from festival.core.scope import platform_scope
from festival.suppliers.models import Supplier
from tests.catalog.world import (
    catalog_world,
    certification_body,
    component_body,
    lamp_group_body,
    png,
    service_body,
)
from tests.conftest import row_counts
from tests.security.conftest import text_of


def _full_catalog(world) -> dict[str, int]:
    lamp_group_id = int(world.post("/catalog/new", lamp_group_body()).headers["Location"]
                        .rsplit("/", 1)[1])
    world.post(f"/catalog/{lamp_group_id}/components", component_body())
    world.post(f"/catalog/{lamp_group_id}/certifications", certification_body())
    world.post(f"/catalog/{lamp_group_id}/photos", {"photo": (io.BytesIO(png(64, 48)), "p.png")},
               content_type="multipart/form-data")
    world.post("/services/new", service_body())
    return {"lamp_group": lamp_group_id}


def _ids(app, supplier_id: int) -> dict[str, int]:
    with app.app_context(), platform_scope("cli"):
        def first(model):
            return db.session.scalar(select(model.id).where(model.supplier_id == supplier_id))
        ids = {"lamp_group": first(LampGroup), "component": first(LampGroupComponent),
               "certification": first(Certification), "photo": first(LampGroupPhoto),
               "service": first(ServiceOffering)}
        db.session.remove()
    return ids


def test_another_suppliers_catalog_is_not_found(app, factory, make_client):
    huacai = catalog_world(app, factory, make_client)
    _full_catalog(huacai)
    other = catalog_world(app, factory, make_client, slug="caideng", email="wang@caideng.example")
    theirs = _ids(app, huacai.supplier_id)
    assert all(theirs.values())
    # The same code is free in another supplier's catalog.
    assert other.post("/catalog/new", lamp_group_body()).status_code == 302
    lamp_group, component = theirs["lamp_group"], theirs["component"]
    certification, photo, service = theirs["certification"], theirs["photo"], theirs["service"]
    gets = [f"/catalog/{lamp_group}", f"/catalog/components/{component}",
            f"/catalog/certifications/{certification}", f"/catalog/photos/{photo}/thumb",
            f"/catalog/photos/{photo}/full", f"/services/{service}"]
    posts = {
        f"/catalog/{lamp_group}": lamp_group_body(code="STOLEN"),
        f"/catalog/{lamp_group}/components": component_body(),
        f"/catalog/{lamp_group}/certifications": certification_body(),
        f"/catalog/{lamp_group}/inspections": {"inspected_on": "2026-01-05", "condition": "good"},
        f"/catalog/{lamp_group}/repair-done": {},
        f"/catalog/components/{component}": component_body(),
        f"/catalog/components/{component}/remove": {},
        f"/catalog/certifications/{certification}": certification_body(),
        f"/catalog/certifications/{certification}/remove": {},
        f"/catalog/photos/{photo}/remove": {},
        f"/services/{service}": service_body(),
    }
    for path in gets:
        assert other.staff.get(other.portal + path).status_code == 404, path
    before = row_counts(app)
    for path, body in posts.items():
        response = other.post(path, body)
        assert response.status_code == 404, (path, response.status_code)
    response = other.post(f"/catalog/{lamp_group}/photos",
                          {"photo": (io.BytesIO(png(10, 10)), "p.png")},
                          content_type="multipart/form-data")
    assert response.status_code == 404
    assert row_counts(app) == before
    listing = text_of(other.staff.get(other.portal + "/services"))
    assert "自贡杂技团" not in listing


def test_tenants_see_photos_of_the_published_catalog_only(app, factory, make_client):
    huacai = catalog_world(app, factory, make_client)
    _full_catalog(huacai)
    photo = _ids(app, huacai.supplier_id)["photo"]
    tenant = factory.tenant("houston")
    factory.member(tenant, "ann@houston.example", "manager")
    factory.member(tenant, "gus@houston.example", "gate")
    manager, gate = make_client(), make_client()
    manager.login("ann@houston.example")
    gate.login("gus@houston.example")
    url = f"/houston/manage/catalog/photos/{photo}/thumb"

    shown = manager.get(url)
    assert shown.status_code == 200
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert manager.get(url.replace("/thumb", "/full")).status_code == 200
    assert manager.get(url.replace("/thumb", "/huge")).status_code == 404
    assert manager.get(f"/houston/manage/catalog/photos/{photo + 1000}/thumb").status_code == 404
    assert gate.get(url).status_code == 403  # gate staff do not book lamp groups

    def change(work) -> None:
        with app.app_context(), platform_scope("cli"):
            work()
            db.session.commit()
            db.session.remove()

    change(lambda: setattr(db.session.scalar(select(LampGroup)), "status", LampGroup.RETIRED))
    assert manager.get(url).status_code == 404
    change(lambda: setattr(db.session.scalar(select(LampGroup)), "status", LampGroup.UNDER_REPAIR))
    assert manager.get(url).status_code == 200
    change(lambda: setattr(db.session.get(Supplier, huacai.supplier_id), "status", "suspended"))
    assert manager.get(url).status_code == 404
