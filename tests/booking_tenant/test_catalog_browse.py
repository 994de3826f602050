"""The catalog as a venue partner browses it: each filter, "available for this exhibition",
one lamp group's page with its timeline, certifications and transit options; a retired lamp group
is not there."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date

from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.security.conftest import text_of

CODES = ("DR-01", "PD-02", "OC-03")


def set_rate(app, currency: str, rate: str) -> None:
    """The base's rate of ``currency`` into its reporting currency (CNY)."""
    from festival.dashboard.rates import set_rate as record

    with app.app_context(), platform_scope("cli"):
        record(currency, Decimal(rate), date(2000, 1, 1), None)
        db.session.commit()
        db.session.remove()


def listed(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, text_of(response)[:500]
    page = text_of(response)
    return {code for code in (*CODES, "RT-04") if code in page}


def test_each_filter_narrows_the_catalog(app, scene):
    owner, catalog = scene["owner"], f"{scene['portal']}/catalog/"
    set_rate(app, "EUR", "7.8")  # 1 EUR = 7.8 CNY
    assert listed(owner, catalog) == set(CODES)  # the retired one is never listed
    assert listed(owner, f"{catalog}?theme=pandas") == {"PD-02"}
    assert listed(owner, f"{catalog}?max_length=10") == {"PD-02"}
    assert listed(owner, f"{catalog}?max_height=6") == {"DR-01", "PD-02"}
    assert listed(owner, f"{catalog}?max_containers=2") == {"DR-01", "PD-02"}
    assert listed(owner, f"{catalog}?max_power=5") == {"PD-02"}
    assert listed(owner, f"{catalog}?max_price=5000&price_currency=CNY") == {"DR-01", "PD-02"}
    # In the tenant's own currency: 5000 CNY is about 641 EUR, 9000 CNY about 1154 EUR.
    assert listed(owner, f"{catalog}?max_price=700") == {"DR-01", "PD-02"}
    page = text_of(owner.get(catalog))
    assert "¥5,000.00 per week" in page and "about €641.03" in page
    assert "Lantern-making" not in page  # services are not lamp groups


def test_a_filter_that_is_not_a_number_is_refused(scene):
    response = scene["owner"].get(f"{scene['portal']}/catalog/?max_power=lots")
    assert response.status_code == 400
    assert "Enter a number, for example 12.5." in text_of(response)


def test_available_filter_hides_a_lamp_group_booked_elsewhere(app, factory, scene):
    houston = world.host_city(factory, "houston", name="Houston Lantern Festival", city="Houston",
                              country="US", timezone="America/Chicago", currency="USD",
                              default_locale="en", offered_locales=["en"])
    season = world.exhibition(app, houston.id, starts_in_days=190, slug="houston")
    world.request(app, houston.id, season, scene["supplier"].id, [scene["groups"]["dragon"]])
    catalog = f"{scene['portal']}/catalog/?exhibition={scene['exhibition']}"
    assert listed(scene["owner"], catalog) == set(CODES)
    assert "Not available for this exhibition" in text_of(scene["owner"].get(catalog))
    assert listed(scene["owner"], f"{catalog}&available=y") == {"PD-02", "OC-03"}


def test_lamp_group_page_shows_timeline_certifications_and_modes(app, factory, scene):
    houston = world.host_city(factory, "houston", name="Houston Lantern Festival", city="Houston",
                              country="US", timezone="America/Chicago", currency="USD",
                              default_locale="en", offered_locales=["en"])
    season = world.exhibition(app, houston.id, starts_in_days=60, weeks=4, slug="houston")
    world.request(app, houston.id, season, scene["supplier"].id, [scene["groups"]["dragon"]],
                  mode="air")
    response = scene["owner"].get(f"{scene['portal']}/catalog/{scene['groups']['dragon']}")
    assert response.status_code == 200, text_of(response)[:500]
    page = text_of(response)
    assert "Lamp group DR-01" in page and "IPR-DR-01" in page and "12 × 4 × 6 m" in page
    assert "Houston (United States)" in page  # where it is booked: the city, not who booked it
    assert "Houston Lantern Festival" not in page
    # From Houston to Paris after that season: sea and air, each with its earliest arrival.
    assert "Sea freight" in page and "Air freight" in page and "Rail-sea" not in page
    needed = date.today() + timedelta(days=200 - 7)
    assert f"must be on site by {format_date(needed, 'medium', locale='en')}" in page
    assert "$6,400.00" in page  # sea from the Gulf coast to Western Europe: 2 TEU × 3,200 USD
    assert "in time" in page


def test_certification_problems_for_the_tenants_country_are_flagged(app, scene):
    group = world.lamp_group(app, scene["supplier"].id, "UL-05", certifications=("UL",))
    page = text_of(scene["owner"].get(f"{scene['portal']}/catalog/{group}"))
    assert "CE" in page and "certificate missing" in page


def test_a_retired_lamp_group_is_not_found(scene):
    response = scene["owner"].get(f"{scene['portal']}/catalog/{scene['groups']['retired']}")
    assert response.status_code == 404
    assert "This lamp group is not in the catalog" in text_of(response)
    request_page = scene["owner"].get(f"{scene['portal']}/catalog/{scene['groups']['retired']}/request")
    assert request_page.status_code == 404


def test_empty_catalog(app, factory, make_client):
    world.seed_reference_data(app)
    tenant = world.host_city(factory, "lyon", default_locale="en", city="Lyon")
    factory.member(tenant, "owner@lyon.example", "owner")
    client = make_client()
    client.login("owner@lyon.example")
    page = text_of(client.get("/lyon/manage/catalog/"))
    assert "The catalog is empty for now." in page
    page = text_of(client.get("/lyon/manage/bookings/"))
    assert "No booking yet." in page
