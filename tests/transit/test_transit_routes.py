"""The base operator keeps the transit tables: routes edited, added and removed through the base
console; bad input refused with a clear message and nothing written; regions and modes edited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.transit.models import Region, TransitRoute, TransportMode
from festival.transit.services import list_modes
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.transit.conftest import audited, read, region_id, route_id

NEW_ROUTE = {"origin": "na_west", "destination": "latin_america", "mode": "sea",
             "transit_days": "30", "freight_usd": "3600"}


def test_operator_sees_the_seeded_tables(app, operator):
    page = text_of(operator.get("/base/transit/"))
    assert "Western Europe" in page and "Rail-sea intermodal (Beibu Gulf)" in page
    assert "Rail-sea intermodal (Beibu Gulf): 45 days · $4,300.00" in page  # Zigong → Western Europe
    assert "Sea freight: 75 days · $3,800.00" in page
    assert "自贡（起运地）" in page and "France" in page
    home = text_of(operator.get("/base/"))
    assert "Transit tables" in home and "Certifications required by country" in home


def test_operator_edits_a_route(app, operator):
    rid = route_id(app, "zigong", "eu_west", "rail_sea")
    form = text_of(operator.get(f"/base/transit/routes/{rid}"))
    assert "Route from Zigong (origin) to Western Europe" in form
    response = operator.post_form(f"/base/transit/routes/{rid}",
                                  {"transit_days": "43", "freight_usd": "4150.50"})
    assert response.status_code == 302, text_of(response)
    page = text_of(operator.get("/base/transit/"))
    assert "The route between Zigong (origin) and Western Europe by Rail-sea intermodal (Beibu Gulf) " \
           "is saved." in page
    assert "Rail-sea intermodal (Beibu Gulf): 43 days · $4,150.50" in page
    assert audited(app, "festival.transit.route.changed") == 1


def test_operator_adds_and_removes_a_route(app, operator):
    assert route_id(app, "na_west", "latin_america", "sea") is None
    response = operator.post_form("/base/transit/routes", NEW_ROUTE, token_from="/base/transit/")
    assert response.status_code == 302, text_of(response)
    rid = route_id(app, "na_west", "latin_america", "sea")
    assert rid is not None
    page = text_of(operator.get("/base/transit/"))
    assert "Sea freight: 30 days · $3,600.00" in page
    response = operator.post_form(f"/base/transit/routes/{rid}/delete", {},
                                  token_from=f"/base/transit/routes/{rid}")
    assert response.status_code == 302
    assert route_id(app, "na_west", "latin_america", "sea") is None
    assert "is removed." in text_of(operator.get("/base/transit/"))
    assert audited(app, "festival.transit.route.created") == 1
    assert audited(app, "festival.transit.route.removed") == 1


DAYS = "Enter the transit days as a whole number from 1 to 365."
FREIGHT = "Enter the freight rate per container in US dollars: 0 or more, such as 4200 or 4200.50."


@pytest.mark.parametrize(("changes", "status", "message"), [
    ({"transit_days": "0"}, 400, DAYS),
    ({"transit_days": "-3"}, 400, DAYS),
    ({"transit_days": "twelve"}, 400, DAYS),
    ({"transit_days": "400"}, 400, DAYS),
    ({"freight_usd": "-1"}, 400, FREIGHT),
    ({"freight_usd": "12.345"}, 400, FREIGHT),
    ({"freight_usd": "NaN"}, 400, FREIGHT),
    ({"destination": "na_west"}, 400, "A route links two different regions: choose another destination."),
    ({"mode": "teleport"}, 400, "Choose one of the transport modes offered."),
    ({"origin": "atlantis"}, 400, "Choose one of the regions offered."),
    ({"origin": "zigong", "destination": "eu_west"}, 409,
     "There is already a route between Zigong (origin) and Western Europe by Sea freight"),
    ({"origin": "eu_west", "destination": "zigong"}, 409,  # the same route, entered the other way
     "There is already a route between Western Europe and Zigong (origin) by Sea freight"),
])
def test_bad_routes_are_refused_and_nothing_is_written(app, operator, changes, status, message):
    before = row_counts(app)
    response = operator.post_form("/base/transit/routes", {**NEW_ROUTE, **changes},
                                  token_from="/base/transit/")
    assert response.status_code == status, text_of(response)[:500]
    assert message in text_of(response)
    assert row_counts(app) == before


def test_bad_route_edit_is_refused_and_changes_nothing(app, operator):
    rid = route_id(app, "zigong", "uk_ie", "sea")
    for body, message in (({"transit_days": "0", "freight_usd": "3900"}, DAYS),
                          ({"transit_days": "78", "freight_usd": "-5"}, FREIGHT)):
        response = operator.post_form(f"/base/transit/routes/{rid}", body)
        assert response.status_code == 400
        assert message in text_of(response)
    route = read(app, select(TransitRoute).where(TransitRoute.id == rid))
    assert (route.transit_days, str(route.freight_usd_per_container)) == (78, "3900.00")
    assert audited(app, "festival.transit.route.changed") == 0


def test_unknown_route_is_not_found(app, operator):
    assert operator.get("/base/transit/routes/999999").status_code == 404
    response = operator.post_form("/base/transit/routes/999999/delete", {}, token_from="/base/transit/")
    assert response.status_code == 404


def test_a_tenant_member_finds_no_transit_pages(app, factory, seeded, make_client):
    houston = factory.tenant("houston")
    factory.member(houston, "owner@houston.example", "owner")
    owner = make_client()
    owner.login("owner@houston.example")
    rid = route_id(app, "zigong", "eu_west", "sea")
    before = row_counts(app)
    for path in ("/base/transit/", f"/base/transit/routes/{rid}", "/base/transit/cities",
                 "/base/certifications", f"/base/transit/regions/{region_id(app, 'eu_west')}"):
        assert owner.get(path).status_code == 404, path
    token = owner.csrf("/account/")
    for path, body in ((f"/base/transit/routes/{rid}/delete", {}),
                       ("/base/transit/routes", NEW_ROUTE),
                       (f"/base/transit/routes/{rid}", {"transit_days": "1", "freight_usd": "1"})):
        assert owner.http.post(path, data={**body, "csrf_token": token}).status_code == 404, path
    assert row_counts(app) == before
    visitor = make_client()
    response = visitor.get("/base/transit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_operator_edits_a_region(app, operator):
    rid = region_id(app, "na_west")
    form = text_of(operator.get(f"/base/transit/regions/{rid}"))
    assert "North America west coast" in form
    response = operator.post_form(f"/base/transit/regions/{rid}", {
        "name_en": "North America Pacific coast", "name_zh": "北美太平洋沿岸", "countries": "ca, mx"})
    assert response.status_code == 409  # Canada defaults to the east coast, Mexico to the Gulf
    assert "Canada already defaults to North America east coast: remove it there first." in \
        text_of(response)
    response = operator.post_form(f"/base/transit/regions/{rid}", {
        "name_en": "North America Pacific coast", "name_zh": "北美太平洋沿岸", "countries": "QQ"})
    assert response.status_code == 400 and "Unknown country code: QQ." in text_of(response)
    response = operator.post_form(f"/base/transit/regions/{rid}", {
        "name_en": "", "name_zh": "北美太平洋沿岸", "countries": ""})
    assert response.status_code == 400
    assert "Enter the name in English and in Chinese" in text_of(response)
    assert audited(app, "festival.transit.region.changed") == 0
    east = region_id(app, "na_east")
    response = operator.post_form(f"/base/transit/regions/{east}", {
        "name_en": "North America east coast", "name_zh": "北美东海岸", "countries": ""})
    assert response.status_code == 302
    response = operator.post_form(f"/base/transit/regions/{rid}", {
        "name_en": "North America Pacific coast", "name_zh": "北美太平洋沿岸", "countries": "CA"})
    assert response.status_code == 302, text_of(response)
    page = text_of(operator.get("/base/transit/"))
    assert "North America Pacific coast 北美太平洋沿岸 Canada" in page
    assert audited(app, "festival.transit.region.changed") == 2


def test_operator_stops_offering_a_mode(app, operator):
    air = read(app, select(TransportMode.id).where(TransportMode.code == "air"))
    response = operator.post_form(f"/base/transit/modes/{air}",
                                  {"name_en": "Air freight", "name_zh": "空运"})  # unchecked
    assert response.status_code == 302, text_of(response)
    assert "Air freight 空运 Not offered for new bookings" in text_of(operator.get("/base/transit/"))
    with app.app_context(), platform_scope("cli"):
        assert "air" not in [mode.code for mode in list_modes()]
        db.session.remove()
    response = operator.post_form(f"/base/transit/modes/{air}",
                                  {"name_en": "Air cargo", "name_zh": "空运", "active": "y"})
    assert response.status_code == 302
    with app.app_context(), platform_scope("cli"):
        assert [mode.name("en") for mode in list_modes()][-1] == "Air cargo"
        assert db.session.scalar(select(Region).where(Region.code == "zigong")) is not None
        db.session.remove()
    assert audited(app, "festival.transit.mode.changed") == 2
