"""A world for lamp-group exposure: two Zigong suppliers, two host cities in two countries
(Dubai's season ended four months ago, Paris's opened three nights ago), lamp groups booked at
both through the booking engine, and visitors counted at the gates and in submitted reports on
nights inside and outside each lamp group's stand.

Huacai's dragon DR-1 stood in Dubai, then sailed to Paris; its phoenix PH-2 was countered to
arrive in Paris a day late (so Paris's first night is not its own); its lotus LO-3 was only
requested. Longteng's panda PD-1 stood in Dubai."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from festival.booking.models import Booking, BookingLine
from festival.checkin import services as checkin
from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from festival.reporting import reports
from tests.booking import world as booking
from tests.reporting.world import ReportWorld, report_world, scan, sell, slot_ids, slot_start
from tests.ticketing.world import build_sales_world

OPERATOR = "base@example.com"
HUACAI = "owner@huacai.example"
LONGTENG = "owner@longteng.example"
MANUAL = 5  # persons counted by hand on Paris's first night
DUBAI_DAYS_AGO = 120


@dataclass
class ExposureWorld:
    paris: ReportWorld
    dubai: ReportWorld
    huacai: object
    longteng: object
    dragon: int
    phoenix: int
    lotus: int
    panda: int
    # The figures each night shows: {(city, night): visitors}.
    figures: dict[tuple[str, date], int]


def _dubai(app, factory) -> ReportWorld:
    """Dubai's season, long over: gates North and South."""
    sales = build_sales_world(app, factory, "dubai", capacity=50,
                              start=date.today() - timedelta(days=DUBAI_DAYS_AGO))
    world = ReportWorld(sales, {}, {})

    def gates(tenant, exhibition):
        return {name: checkin.create_gate(tenant, exhibition, name, None).id
                for name in ("North gate", "South gate")}

    world.gates = world.run(app, gates)
    return world


def _book(app, world: ReportWorld, supplier_id: int, lamp_group_ids: list[int], today: date) -> int:
    """A booking request made long before the season, through the engine."""
    from festival.booking.services import BookingRequest, request_booking
    from festival.exhibitions.models import Exhibition
    from festival.tenants.models import Tenant

    with app.test_request_context(), tenant_scope(world.tenant_id):
        made = request_booking(db.session.get(Tenant, world.tenant_id),
                               db.session.get(Exhibition, world.exhibition_id), supplier_id,
                               BookingRequest(lamp_group_ids), None, today=today)
        db.session.commit()
        booking_id = made.id
        db.session.remove()
    return booking_id


def _advance(app, booking_id: int, status: str, late_lamp_group: int | None = None) -> None:
    """A booking moved on as its parties' steps leave it (those steps are tested in tests/booking);
    ``late_lamp_group``'s line arrives a day later, as a counter with dates would leave it."""
    with app.app_context(), platform_scope("cli"):
        db.session.get(Booking, booking_id).status = status
        if late_lamp_group is not None:
            line = db.session.scalar(select(BookingLine).where(
                BookingLine.booking_id == booking_id, BookingLine.lamp_group_id == late_lamp_group))
            line.arrives_on += timedelta(days=1)
        db.session.commit()
        db.session.remove()


def _visitors(app, world: ReportWorld, index: int, adults: int) -> None:
    """``adults`` sold for the night's first slot and admitted at the North gate."""
    slot_id = slot_ids(app, world, index)[0]
    at = slot_start(app, world, slot_id) + timedelta(minutes=10)
    for code, _persons in sell(app, world, slot_id, {world.sales.adult_id: adults}):
        assert scan(app, world, "North gate", code, at) == "admitted"


def _report(app, world: ReportWorld, index: int) -> None:
    night = world.night(index)

    def work(tenant, exhibition):
        reports.add_manual_count(tenant, exhibition, night, reports.ManualLine("group", MANUAL), None)
        reports.submit_report(tenant, exhibition, night, None)

    world.run(app, work)


def build_exposure_world(app, factory) -> ExposureWorld:
    booking.seed_reference_data(app)
    factory.operator(OPERATOR)
    huacai = factory.supplier("huacai", name_en="Huacai Lanterns")
    longteng = factory.supplier("longteng", name_zh="自贡龙腾灯业", name_en="Longteng Lanterns")
    factory.member(huacai, HUACAI, "owner")
    factory.member(longteng, LONGTENG, "owner")
    dubai = _dubai(app, factory)
    paris = report_world(app, factory, "paris")
    dragon = booking.lamp_group(app, huacai.id, "DR-1")
    phoenix = booking.lamp_group(app, huacai.id, "PH-2")
    lotus = booking.lamp_group(app, huacai.id, "LO-3")
    panda = booking.lamp_group(app, longteng.id, "PD-1")
    long_ago = dubai.night(0) - timedelta(days=200)
    _advance(app, _book(app, dubai, huacai.id, [dragon], long_ago), Booking.CLOSED)
    _advance(app, _book(app, dubai, longteng.id, [panda], long_ago), Booking.CLOSED)
    paris_booking = _book(app, paris, huacai.id, [dragon, phoenix], long_ago)
    _advance(app, paris_booking, Booking.ON_SITE, late_lamp_group=phoenix)
    _book(app, paris, huacai.id, [lotus], long_ago)  # still a request: it never stood there

    _visitors(app, dubai, 0, 3)
    _visitors(app, dubai, 13, 1)  # closing night
    _visitors(app, paris, 0, 2)
    _report(app, paris, 0)  # 2 scanned + 5 by hand: the report's 7 count, not the scans
    _visitors(app, paris, 1, 1)
    figures = {("Dubai", dubai.night(0)): 3, ("Dubai", dubai.night(13)): 1,
               ("Paris", paris.night(0)): 2 + MANUAL, ("Paris", paris.night(1)): 1}
    return ExposureWorld(paris, dubai, huacai, longteng, dragon, phoenix, lotus, panda, figures)
