"""Demo data of the supplier side: fifteen lamp groups across five themes from the three Zigong
suppliers (with components, certifications and photos drawn here), their services, and bookings
of the demo cities in every state — the lamp groups standing at tonight's festivals, one dragon
moving on from Houston to Paris, requests, counters, refusals, a shipment at sea, last season's
returns and a lamp group under repair.

Runs inside the demo's platform scope, through the same services as the portals, with the
services' own idea of "today" moved back where a step happened in the past.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select

from festival.accounts.models import User
from festival.booking import services as bookings
from festival.booking.models import Booking
from festival.catalog import services as catalog
from festival.catalog.models import LampGroup, ServiceOffering
from festival.contracts import services as contracts
from festival.core.db import db, utcnow
from festival.core.mail import discard_queued_mail
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.shipping import carnet as carnets
from festival.shipping import services as shipping
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant
from festival.transit.compliance import seed_certification_requirements
from festival.transit.seed import seed_transit_tables

THEME_COLOURS = {"dinosaurs": ("#2e7d32", "#a5d6a7"), "dragons": ("#c62828", "#ffd54f"),
                 "pandas": ("#212121", "#fafafa"), "zodiac": ("#6a1b9a", "#ffb74d"),
                 "ocean": ("#0277bd", "#80deea")}


@dataclass(frozen=True)
class DemoLampGroup:
    supplier: str
    code: str
    theme: str
    zh: str
    en: str
    weekly_price: int  # in the supplier's currency
    containers: int


LAMP_GROUPS = [
    DemoLampGroup("huacai", "HC-DR-01", "dragons", "金龙腾飞", "Golden Dragon Rising", 42000, 3),
    DemoLampGroup("huacai", "HC-DR-02", "dragons", "九龙壁", "Nine-Dragon Wall", 36000, 2),
    DemoLampGroup("huacai", "HC-DN-01", "dinosaurs", "侏罗纪森林", "Jurassic Forest", 48000, 4),
    DemoLampGroup("huacai", "HC-OC-01", "ocean", "深海奇遇", "Deep-Sea Wonders", 30000, 2),
    DemoLampGroup("huacai", "HC-ZD-01", "zodiac", "十二生肖", "Twelve Zodiac Animals", 33000, 2),
    DemoLampGroup("longteng", "LT-PD-01", "pandas", "熊猫乐园", "Panda Paradise", 5200, 2),
    DemoLampGroup("longteng", "LT-PD-02", "pandas", "竹林熊猫", "Pandas in the Bamboo Grove", 4400, 1),
    DemoLampGroup("longteng", "LT-DN-01", "dinosaurs", "霸王龙", "Tyrannosaurus Rex", 6100, 2),
    DemoLampGroup("longteng", "LT-DR-01", "dragons", "祥龙献瑞", "Auspicious Dragon", 5600, 2),
    DemoLampGroup("longteng", "LT-OC-01", "ocean", "鲸鱼之歌", "Song of the Whales", 4800, 2),
    DemoLampGroup("jincheng", "JC-ZD-01", "zodiac", "生肖马年", "Year of the Horse", 28000, 1),
    DemoLampGroup("jincheng", "JC-ZD-02", "zodiac", "星宿灯阵", "Constellation Lanterns", 31000, 2),
    DemoLampGroup("jincheng", "JC-OC-01", "ocean", "珊瑚宫殿", "Coral Palace", 29000, 2),
    DemoLampGroup("jincheng", "JC-PD-01", "pandas", "熊猫宝宝", "Baby Pandas", 22000, 1),
    DemoLampGroup("jincheng", "JC-DN-01", "dinosaurs", "恐龙蛋", "Dinosaur Eggs", 25000, 1),
]
SUPPLIER_SETTINGS = {
    "huacai": ("CNY", "中国银行自贡分行 / Bank of China, Zigong Branch\n"
                      "SWIFT BKCHCNBJ57A\n账号 1234 5678 9012"),
    "longteng": ("USD", "中国工商银行自贡分行 / ICBC Zigong Branch\n"
                        "SWIFT ICBKCNBJSCN\nAccount 6222 0201 0000"),
    "jincheng": ("CNY", "中国建设银行自贡分行 / China Construction Bank, Zigong\n"
                        "SWIFT PCBCCNBJSCX\n账号 5105 0166 0000"),
}
SERVICES = [
    ("catering", "day", "灯会小吃摊", "Festival street-food stalls", 2600),
    ("acrobatics", "event", "自贡杂技团演出", "Zigong acrobatics troupe show", 18000),
    ("workshop", "day", "花灯制作工作坊", "Lantern-making workshop", 1500),
    ("tourism", "event", "自贡灯城游学团", "Study tour to the Lantern City", 9000),
]
COMPONENTS = [("头部 Head section, steel frame and silk", "9405.42", 1, "350.0", "38000"),
              ("躯干 Body sections", "9405.42", 3, "420.0", "26000"),
              ("底座 Bases and anchors", "7308.90", 4, "180.0", "4200"),
              ("灯具与线缆 LED fixtures and cables", "8539.52", 12, "25.0", "900"),
              ("控制柜 Control cabinet", "8537.10", 1, "95.0", "7600")]


def lantern_photo(code: str, theme: str, seed: int) -> bytes:
    """A night scene with glowing lanterns in the theme's colours, drawn for the demo."""
    rng = random.Random(seed)  # nosec B311  # repeatable demo pictures
    dark, light = THEME_COLOURS[theme]
    picture = Image.new("RGB", (800, 600), "#0b1026")
    draw = ImageDraw.Draw(picture)
    for _ in range(60):  # stars
        x, y = rng.randrange(800), rng.randrange(300)
        draw.point((x, y), fill="#fff8e1")
    draw.rectangle((0, 470, 800, 600), fill="#102a1a")
    for _ in range(7):
        x, y, r = rng.randrange(80, 720), rng.randrange(200, 440), rng.randrange(30, 90)
        draw.ellipse((x - r - 12, y - r - 12, x + r + 12, y + r + 12), fill=dark)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=light)
    draw.rectangle((20, 20, 300, 64), fill="#00000099")
    draw.text((32, 34), code, fill="#ffffff")
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _suppliers() -> dict[str, Supplier]:
    found = {supplier.slug: supplier for supplier in db.session.scalars(select(Supplier))}
    for slug, (currency, bank) in SUPPLIER_SETTINGS.items():
        found[slug].currency, found[slug].bank_details = currency, bank
    return found


def _catalog(suppliers: dict[str, Supplier], operator: User, today: date) -> dict[str, LampGroup]:
    groups = {}
    for number, item in enumerate(LAMP_GROUPS):
        supplier = suppliers[item.supplier]
        rate = Decimal("1") if supplier.currency == "CNY" else Decimal("0.14")
        group = catalog.create_lamp_group(supplier, catalog.LampGroupSpec(
            code=item.code, names={"zh_Hans": item.zh, "en": item.en}, theme=item.theme,
            descriptions={"zh_Hans": f"{item.zh}：自贡传统彩灯工艺，钢架、丝绸与LED。",
                          "en": f"{item.en}: Zigong lantern craft in steel, silk and LED light."},
            length_m=Decimal(8 + number % 5 * 3), width_m=Decimal(3 + number % 3),
            height_m=Decimal(4 + number % 4), weight_kg=Decimal(1800 + 400 * item.containers),
            containers_teu=item.containers, power_kw=Decimal("6.5") + number % 4,
            weekly_price=Decimal(item.weekly_price), ip_record_number=f"T2023-{51000 + number}"),
            operator)
        for position, (text, hs_code, quantity, weight, value) in enumerate(COMPONENTS, start=1):
            catalog.add_component(group, catalog.ComponentSpec(
                f"{item.code}-{position:02d}", text, quantity, Decimal(weight),
                (Decimal(value) * rate).quantize(Decimal("0.01")), hs_code), operator)
        kinds = ["CE", "UKCA", "UL", "SAA", "FLAME_RETARDANT"]
        for kind in kinds:
            # One fabric certificate runs out before next winter: a compliance flag to show.
            expires = today + timedelta(days=100 if item.code == "LT-PD-02" and kind ==
                                        "FLAME_RETARDANT" else 730)
            catalog.add_certification(group, catalog.CertificationSpec(
                kind, expires, f"{kind}-{item.code}", "SGS" if kind != "UL" else "UL LLC",
                today - timedelta(days=300)), operator)
        catalog.add_photo(group, lantern_photo(item.code, item.theme, number), item.en, operator)
        groups[item.code] = group
    for supplier in suppliers.values():
        rate = Decimal("1") if supplier.currency == "CNY" else Decimal("0.14")
        for kind, unit, zh, en, price in SERVICES:
            catalog.create_service(supplier, catalog.ServiceSpec(
                kind, {"zh_Hans": zh, "en": en}, (Decimal(price) * rate).quantize(Decimal("1")), unit),
                operator)
    db.session.flush()
    return groups


def _exhibition(tenant: Tenant, slug: str, title: str, start: date, weeks: int, status: str) -> Exhibition:
    exhibition = create_exhibition(tenant, ExhibitionPlan(
        slug=slug, titles={tenant.default_locale: title}, venue_name="Botanical Garden",
        season_start=start, season_end=start + timedelta(days=7 * weeks - 1),
        opens_at=time(18, 0), closes_at=time(22, 0)), None)
    exhibition.status = status
    return exhibition


def _request(tenant: Tenant, exhibition: Exhibition, group: LampGroup, on: date, mode: str = "sea",
             with_services: int = 0) -> Booking:
    offered = db.session.scalars(select(ServiceOffering.id).where(
        ServiceOffering.supplier_id == group.supplier_id).order_by(ServiceOffering.id)).all()
    services = [(service_id, 1) for service_id in offered[:with_services]]
    return bookings.request_booking(
        tenant, exhibition, group.supplier_id,
        bookings.BookingRequest([group.id], services, mode, "Please confirm the dates."), None,
        today=on)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), UTC)


def _contract_and_ship(booking: Booking, on: date, departed: bool, arrived: bool) -> None:
    """Accept, contract, pay the deposit and ship as it happened around ``on``."""
    bookings.accept(booking, None)
    contract = contracts.generate_contract(booking, None, today=on)
    contract.generated_at = _at(on)
    contracts.confirm_contract(contract, "supplier", None)
    contracts.confirm_contract(contract, "tenant", None)
    deposit = contract.instalments[0]
    contracts.record_transfer(deposit, deposit.amount, contract.currency, on + timedelta(days=5),
                              f"DEMO-{booking.reference}", None, today=on + timedelta(days=5))
    line = booking.lines[0]
    window_start = line.arrives_on - timedelta(days=40)
    shipping.plan_leg(booking, shipping.LegPlan(booking.transport_mode, "Qinzhou", "Destination port",
                                                line.containers_teu, window_start + timedelta(days=3),
                                                line.arrives_on - timedelta(days=3)), None)
    shipping.request_certificate(booking, "tenant", None)
    shipping.issue_certificate(booking, f"CCPIT-{booking.reference}", window_start, None, None,
                               today=window_start)
    carnets.record_carnet(booking, f"CN/{booking.reference}", window_start, None, None)
    if departed:
        for offset, kind in enumerate(("packed", "container_sealed", "departed")):
            shipping.record_milestone(booking, kind, _at(window_start + timedelta(days=offset)), "",
                                      "supplier", None)
    if arrived:
        shipping.record_milestone(booking, "arrived_at_port", _at(line.arrives_on - timedelta(days=3)), "",
                                  "supplier", None)
        shipping.record_milestone(booking, "customs_cleared", _at(line.arrives_on - timedelta(days=1)), "",
                                  "supplier", None)
        shipping.record_milestone(booking, "on_site", _at(line.arrives_on), "", "tenant", None)
        shipping.record_milestone(booking, "assembled", _at(line.arrives_on + timedelta(days=5)), "",
                                  "tenant", None)


def seed_bookings(operator: User, today: date | None = None) -> None:
    """The catalog and the bookings; call after the tenants' sales and the suppliers exist."""
    today = today or utcnow().date()
    seed_transit_tables(db.session.connection())
    seed_certification_requirements(db.session.connection())
    suppliers = _suppliers()
    groups = _catalog(suppliers, operator, today)
    tenants = {tenant.slug: tenant for tenant in db.session.scalars(select(Tenant))}
    running = {exhibition.tenant_id: exhibition for exhibition in db.session.scalars(
        select(Exhibition).where(Exhibition.status == Exhibition.ON_SALE))}
    # Tonight's festivals: their lamp groups came months ago and stand there now.
    for slug, code in (("houston", "HC-DR-01"), ("paris", "LT-PD-01"), ("berlin", "LT-DN-01"),
                       ("tokyo", "JC-ZD-01"), ("dubai", "HC-OC-01")):
        tenant = tenants[slug]
        booking = _request(tenant, running[tenant.id], groups[code], today - timedelta(days=170),
                           with_services=1)
        _contract_and_ship(booking, today - timedelta(days=160), departed=True, arrived=True)
    # Next season: the Golden Dragon moves on from Houston to Paris (contracted).
    paris, berlin, tokyo, dubai = (tenants[s] for s in ("paris", "berlin", "tokyo", "dubai"))
    paris_next = _exhibition(paris, "hiver-prochain", "Lanternes d'hiver", today + timedelta(days=130), 6,
                             Exhibition.PLANNING)
    chained = _request(paris, paris_next, groups["HC-DR-01"], today)
    bookings.accept(chained, None)
    deposit = contracts.generate_contract(chained, None, today=today).instalments[0]
    contracts.record_transfer(deposit, deposit.amount, deposit.currency, today, "DEMO-SWIFT-0042", None,
                              today=today)  # deposit paid
    _request(paris, paris_next, groups["JC-OC-01"], today, with_services=2)  # requested
    berlin_next = _exhibition(berlin, "winter", "Laternenwinter", today + timedelta(days=150), 6,
                              Exhibition.PLANNING)
    _request(berlin, berlin_next, groups["LT-PD-02"], today)  # requested, flagged: fabric certificate
    declined = _request(berlin, berlin_next, groups["JC-PD-01"], today)
    bookings.decline(declined, "Already promised to another city for that winter.", None)
    tokyo_next = _exhibition(tokyo, "fuyu", "冬のランタン", today + timedelta(days=170), 5,
                             Exhibition.PLANNING)
    countered = _request(tokyo, tokyo_next, groups["JC-ZD-02"], today)
    line = countered.lines[0]
    bookings.counter(countered, bookings.CounterOffer(
        weekly_prices={line.id: line.weekly_price + 3000},
        message="Our price for a five-week season includes on-site maintenance."), None, today=today)
    cancelled = _request(tokyo, tokyo_next, groups["HC-ZD-01"], today)
    bookings.cancel(cancelled, "tenant", "The venue reduced the display area.", None)
    dubai_next = _exhibition(dubai, "winter-nights", "ليالي الفوانيس", today + timedelta(days=120), 6,
                             Exhibition.PLANNING)
    accepted = _request(dubai, dubai_next, groups["LT-OC-01"], today)
    bookings.accept(accepted, None)
    contracted = _request(dubai, dubai_next, groups["HC-ZD-01"], today, with_services=1)
    bookings.accept(contracted, None)
    contracts.generate_contract(contracted, None, today=today)
    expired = _request(dubai, dubai_next, groups["LT-DR-01"], today - timedelta(days=20))
    expired.requested_at = _at(today - timedelta(days=20))
    bookings.expire_requests(_at(today))
    # A spring show in Tokyo whose lamp group is at sea now.
    tokyo_spring = _exhibition(tokyo, "haru", "春のランタン", today + timedelta(days=20), 4,
                               Exhibition.PLANNING)
    at_sea = _request(tokyo, tokyo_spring, groups["JC-DN-01"], today - timedelta(days=60))
    _contract_and_ship(at_sea, today - timedelta(days=55), departed=True, arrived=False)
    # Last winter in Houston: the dinosaurs came home (closed) and were inspected.
    houston = tenants["houston"]
    last_winter = _exhibition(houston, "last-winter", "Winter Lights", today - timedelta(days=330), 6,
                              Exhibition.CLOSED)
    returned = _request(houston, last_winter, groups["HC-DN-01"], today - timedelta(days=500))
    _contract_and_ship(returned, today - timedelta(days=480), departed=True, arrived=True)
    bookings.advance(returned, Booking.RETURNED, "supplier", None)
    bookings.advance(returned, Booking.CLOSED, "supplier", None)
    catalog.record_inspection(groups["HC-DN-01"], catalog.InspectionSpec(
        today - timedelta(days=200), "good", "All crates complete.", returned.reference), None,
        today=today)
    # The Nine-Dragon Wall came back from the same winter with torn silk: under repair for a month.
    torn = _request(houston, last_winter, groups["HC-DR-02"], today - timedelta(days=500))
    _contract_and_ship(torn, today - timedelta(days=480), departed=True, arrived=True)
    bookings.advance(torn, Booking.RETURNED, "supplier", None)
    catalog.record_inspection(groups["HC-DR-02"], catalog.InspectionSpec(
        today - timedelta(days=2), "damaged", "Silk torn on two sections.", torn.reference,
        today + timedelta(days=30)), None, today=today)
    if expired.status != Booking.EXPIRED:
        raise RuntimeError("the demo's unanswered request should have expired")
    # The demo's steps wrote emails to its people; nobody needs them at start.
    discard_queued_mail()
