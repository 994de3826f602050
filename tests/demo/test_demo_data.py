"""What the demo seeds, read by each test from one seeding (seeding takes 15–40 s; these tests
only read it): five cities in five currencies, each selling an exhibition with a sold-out night;
the base dashboard's figures; bookings in every state; past nights admitted and reported.
`tests/test_cli.py` seeds on its own to check that seeding twice creates nothing twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from festival.booking.models import Booking, OccupancyWindow
from festival.catalog.models import LampGroup
from festival.checkin import counts
from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from festival.demo import DEMO_PASSWORD, seed
from festival.exhibitions.models import Exhibition
from festival.reporting import reports
from festival.reporting.models import VisitorReport
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot, Order
from tests.conftest import empty_everything
from tests.security.conftest import text_of


@pytest.fixture(scope="module", autouse=True)
def seeded_demo(app):
    """The demo, seeded once for the module; the tables are emptied after its last test
    (conftest's per-test clean-up leaves them to this fixture)."""
    with app.app_context():
        with platform_scope("cli"):
            assert seed()
            db.session.commit()
        db.session.remove()
    yield
    empty_everything(app)


def test_demo_has_five_cities_in_five_currencies(app):
    with app.app_context(), platform_scope("cli"):
        tenants = db.session.scalars(select(Tenant)).all()
        assert {t.currency for t in tenants} == {"USD", "EUR", "JPY", "AED"}
        assert {t.default_locale for t in tenants} == {"en", "fr", "de", "ja", "ar"}
        assert len({t.timezone for t in tenants}) == 5
        db.session.remove()


def test_demo_tenants_each_sell_an_exhibition_with_a_sold_out_night(app):
    with app.app_context():
        with platform_scope("cli"):
            # One on sale per tenant; the others are the booking demo's next and past seasons.
            exhibitions = db.session.scalars(select(Exhibition).where(Exhibition.status == "on_sale")).all()
            assert len(exhibitions) == 5 and len({e.tenant_id for e in exhibitions}) == 5
            for exhibition in exhibitions:
                nights = db.session.execute(
                    select(EntrySlot.night, func.sum(EntrySlot.taken), func.sum(EntrySlot.capacity))
                    .where(EntrySlot.exhibition_id == exhibition.id).group_by(EntrySlot.night)).all()
                sold_out = [night for night, taken, capacity in nights if taken == capacity]
                partly = [night for night, taken, capacity in nights if 0 < taken < capacity]
                assert len(sold_out) == 1 and len(partly) >= 3, exhibition.slug
            paid = db.session.scalar(select(func.count()).select_from(Order).where(Order.status == "paid"))
            assert paid > 100
        db.session.remove()


def test_demo_dashboard_shows_figures(client):
    """The demo's base dashboard shows real figures at once: visitors of the demo's past nights,
    revenue converted into CNY with the demo's rates, and the Belt and Road group as a filter."""
    client.login("base@example.com", DEMO_PASSWORD)
    start, end = date.today() - timedelta(days=40), date.today() + timedelta(days=40)
    page = client.get(f"/base/dashboard?from={start}&to={end}&group=week")
    assert page.status_code == 200, text_of(page)[:500]
    text = text_of(page)
    assert "CNY" in text and "No rate for" not in text
    for city in ("Houston", "Paris", "Berlin", "Tokyo", "Dubai"):
        assert city in text
    assert "Belt and Road partners" in text
    # The demo's lamp groups stand at tonight's five festivals (one more is at sea to Tokyo), and
    # its contracts give last year's and this year's export value.
    markup = page.get_data(as_text=True)
    deployed = markup.split('<section id="deployed">')[1].split("</section>")[0]
    for city in ("Houston", "Paris", "Berlin", "Tokyo", "Dubai"):
        assert f'<th scope="row">{city}</th>' in deployed
    exports = markup.split('<section id="export-value">')[1].split("</section>")[0]
    assert f'<th scope="row">{date.today().year}</th>' in exports
    assert '<th scope="row">' in markup.split('<section id="supplier-share">')[1].split("</section>")[0]


def test_demo_bookings_cover_every_state_and_chain_a_dragon(app):
    with app.app_context():
        with platform_scope("cli"):
            statuses = set(db.session.scalars(select(Booking.status)))
            assert set(Booking.STATUSES) - {Booking.DRAFT} <= statuses
            groups = list(db.session.scalars(select(LampGroup)))
            assert len(groups) >= 12 and {g.theme for g in groups} >= {
                "dinosaurs", "dragons", "pandas", "zodiac", "ocean"}
            assert all(group.photos and group.components for group in groups)
            moves = {(w.from_city, w.city) for w in db.session.scalars(select(OccupancyWindow).where(
                OccupancyWindow.active.is_(True)))}
            assert ("Houston", "Paris") in moves
        db.session.remove()


def test_demo_tenants_have_admitted_nights_and_submitted_reports(app):
    """Every demo tenant has three past nights, the two older ones submitted with totals equal to
    its scans plus its manual counts, and last night's report left as a draft for the reminder."""
    with app.app_context():
        with platform_scope("cli"):
            tenants = [(t.id, t.slug) for t in db.session.scalars(select(Tenant))]
        assert len(tenants) == 5
        for tenant_id, slug in tenants:
            with tenant_scope(tenant_id):
                rows = list(db.session.scalars(select(VisitorReport).order_by(VisitorReport.night)))
                assert [r.status for r in rows] == ["submitted", "submitted", "draft"], slug
                for report in rows:
                    scanned = reports.scanned_persons(report.exhibition_id, report.night)
                    assert counts.maintained(report.exhibition_id, report.night) == \
                        counts.from_scans(report.exhibition_id, report.night)
                    assert 40 <= scanned <= 200, (slug, scanned)
                    manual = sum(line.persons for line in report.counts)
                    if report.status == "submitted":
                        assert (report.scanned_persons, report.manual_persons, report.total_persons) \
                            == (scanned, manual, scanned + manual)
                totals = reports.submitted_totals()
                assert [t.total_persons for t in totals] == [r.total_persons for r in rows[:2]]
        db.session.remove()
