"""The base dashboard's trade figures: lamp groups abroad today and where, suppliers' share of
the contracted bookings, export value per year with its growth; and the annual PDF shows them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from festival.booking.models import Booking
from festival.contracts.models import Contract
from festival.core.db import db
from festival.core.scope import platform_scope
from tests.booking import world
from tests.documents.conftest import normalize_spaces, pdf_text
from tests.security.conftest import text_of

OPERATOR = "base@example.com"


def _contract(app, booking_id: int, total: str, on: datetime) -> None:
    """A contract row as the contracts service leaves it (its PDF is tested in tests/contracts)."""
    with app.app_context(), platform_scope("cli"):
        booking = db.session.get(Booking, booking_id)
        booking.status = Booking.CONTRACTED
        db.session.add(Contract(tenant_id=booking.tenant_id, supplier_id=booking.supplier_id,
                                booking_id=booking.id, number=f"LC-{booking.reference}", currency="CNY",
                                total=Decimal(total), languages_csv="zh_Hans,en", document_key="x.pdf",
                                generated_at=on))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def trade_world(app, factory):
    world.seed_reference_data(app)
    factory.operator(OPERATOR)
    paris = world.host_city(factory)
    huacai = factory.supplier("huacai", name_en="Huacai Lanterns")
    longteng = factory.supplier("longteng", name_en="Longteng Lanterns")
    # On its way to Paris today: requested 100 days ago for a season opening in 20 days.
    soon = world.exhibition(app, paris.id, starts_in_days=20, slug="soon")
    dragon = world.lamp_group(app, huacai.id, "DR-1")
    with app.test_request_context():
        from festival.booking.services import BookingRequest, request_booking
        from festival.core.scope import tenant_scope
        from festival.exhibitions.models import Exhibition
        from festival.tenants.models import Tenant

        with tenant_scope(paris.id):
            first = request_booking(db.session.get(Tenant, paris.id), db.session.get(Exhibition, soon),
                                    huacai.id, BookingRequest([dragon]), None,
                                    today=date.today() - timedelta(days=100))
            db.session.commit()
            first_id = first.id
            db.session.remove()
    later = world.exhibition(app, paris.id, starts_in_days=300, slug="later")
    panda = world.lamp_group(app, longteng.id, "PD-1")
    second_id = world.request(app, paris.id, later, longteng.id, [panda])
    this_year = datetime.now(UTC)
    _contract(app, first_id, "300000", this_year)
    _contract(app, second_id, "100000", this_year)
    third_id = world.request(app, paris.id, world.exhibition(app, paris.id, 330, slug="x"), huacai.id,
                             [world.lamp_group(app, huacai.id, "DR-2")])
    _contract(app, third_id, "200000", this_year.replace(year=this_year.year - 1))
    return paris


def test_the_base_sees_lamp_groups_abroad_suppliers_share_and_export_growth(app, client, trade_world):
    client.login(OPERATOR)
    year = date.today().year
    page = text_of(client.get(f"/base/dashboard?from={year}-01-01&to={year}-12-31&group=week"))
    assert "Lamp groups deployed now" in page
    assert "1 lamp group is abroad today, on site or on its way." in page
    assert "Paris France 0 1" in page  # in transit, not yet on site
    # Shares of this year's contracts: 300,000 and 100,000 CNY.
    assert "Huacai Lanterns 1 1 CN¥300,000.00 75%" in page
    assert "Longteng Lanterns 1 1 CN¥100,000.00 25%" in page
    # Export value: last year 200,000; this year 400,000, +100 % on the year before.
    assert f"{year - 1} 1 CN¥200,000.00 —" in page
    assert f"{year} 2 CN¥400,000.00 +100%" in page


def test_country_filter_and_annual_report_show_the_trade_figures(app, client, trade_world):
    client.login(OPERATOR)
    year = date.today().year
    page = text_of(client.get(f"/base/dashboard?from={year}-01-01&to={year}-12-31&country=JP"))
    assert "No lamp group is abroad today." in page
    assert "No contracted booking in this period." in page
    pdf = client.get(f"/base/dashboard/annual-{year}.pdf?lang=en")
    assert pdf.status_code == 200
    text = normalize_spaces(pdf_text(pdf.data))
    assert "Lamp groups deployed now" in text and "Huacai Lanterns" in text
    assert "Export value by year" in text


def test_the_csv_carries_the_trade_figures(app, client, trade_world):
    from tests.exports.helpers import export_rows

    client.login(OPERATOR)
    year = date.today().year
    rows = export_rows(client, "/base", "dashboard", f"from={year}-01-01&to={year}-12-31")
    [paris] = [row for row in rows if row["breakdown"] == "deployed"]
    assert (paris["key"], paris["name"], paris["lamp_groups"]) == ("FR", "Paris", "1")
    shares = {row["key"]: row for row in rows if row["breakdown"] == "supplier_share"}
    assert shares["huacai"]["revenue_converted"] == "300000.00"
    assert shares["huacai"]["share_percent"] == "75.0"
    years = {row["key"]: row for row in rows if row["breakdown"] == "export_year"}
    assert years[str(year)]["revenue_converted"] == "400000.00"
    assert years[str(year)]["growth_percent"] == "100.0" and years[str(year - 1)]["growth_percent"] == ""
