"""Demo ticket sales: every demo tenant has an exhibition on sale in its own language and
currency, with nights partly sold and one sold out, so the storefront is alive at once."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.exhibitions.services import ExhibitionPlan, create_exhibition
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot
from festival.ticketing.setup import (
    TicketTypeSpec,
    VoucherSpec,
    create_ticket_type,
    create_voucher,
    open_sales,
)


@dataclass
class DemoSeason:
    slug: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    venue: str
    address: str
    showcase: dict[str, list[str]]
    adult: Decimal
    child: Decimal
    vat: Decimal
    ticket_names: dict[str, tuple[str, ...]]  # locale → adult, child, concession, family, VIP


EN_TYPES = ("Adult", "Child (4–12)", "Concession", "Family (2 adults + 2 children)", "VIP evening")
EN_SHOW = ["Dragon of Zigong", "Giant Panda Forest", "Zodiac Avenue", "Lotus Lake"]

SEASONS = {
    "houston": DemoSeason(
        "magical-winter-lights", {"en": "Magical Winter Lights", "es": "Luces Mágicas de Invierno",
                                  "zh_Hans": "冬季魔幻灯会"},
        {"en": "Forty lamp groups built in Zigong light up the park every night.",
         "es": "Cuarenta grupos de linternas hechos en Zigong iluminan el parque cada noche."},
        "Houston Botanic Garden", "1 Botanic Lane, Houston, TX", {"en": EN_SHOW},
        Decimal("29.00"), Decimal("19.00"), Decimal("0"),
        {"en": EN_TYPES, "es": ("Adulto", "Niño (4–12)", "Reducida", "Familia (2 adultos + 2 niños)",
                                "Noche VIP")}),
    "paris": DemoSeason(
        "lumieres-de-chine", {"fr": "Lumières de Chine", "en": "Lights of China", "zh_Hans": "中华灯光节"},
        {"fr": "Quarante groupes de lanternes venus de Zigong illuminent le jardin chaque soir.",
         "en": "Forty lamp groups from Zigong light up the garden every night."},
        "Jardin d'Acclimatation", "Bois de Boulogne, 75116 Paris",
        {"fr": ["Le dragon de Zigong", "La forêt des pandas", "L'allée du zodiaque", "Le lac aux lotus"],
         "en": EN_SHOW}, Decimal("18.50"), Decimal("9.00"), Decimal("10"),
        {"fr": ("Adulte", "Enfant (4–12 ans)", "Tarif réduit", "Famille (2 adultes + 2 enfants)",
                "Soirée VIP"), "en": EN_TYPES}),
    "berlin": DemoSeason(
        "chinesisches-laternenfest", {"de": "Chinesisches Laternenfest", "en": "Chinese Lantern Festival"},
        {"de": "Vierzig Lichtfiguren aus Zigong verzaubern den Tierpark jeden Abend.",
         "en": "Forty lamp groups from Zigong light up the zoo every night."},
        "Tierpark Berlin", "Am Tierpark 125, 10319 Berlin",
        {"de": ["Der Drache von Zigong", "Pandawald", "Allee der Tierkreiszeichen", "Lotussee"],
         "en": EN_SHOW}, Decimal("22.00"), Decimal("12.00"), Decimal("7"),
        {"de": ("Erwachsene", "Kind (4–12)", "Ermäßigt", "Familie (2 Erwachsene + 2 Kinder)", "VIP-Abend"),
         "en": EN_TYPES}),
    "tokyo": DemoSeason(
        "lantern-festival", {"ja": "チャイナ・ランタン・フェスティバル", "en": "China Lantern Festival",
                             "zh_Hans": "中国灯会"},
        {"ja": "自貢で作られた40組のランタンが毎晩庭園を照らします。",
         "en": "Forty lamp groups from Zigong light up the garden every night."},
        "昭和記念公園", "東京都立川市緑町3173",
        {"ja": ["自貢の龍", "パンダの森", "十二支の道", "蓮の池"], "en": EN_SHOW},
        Decimal("2400"), Decimal("1200"), Decimal("10"),
        {"ja": ("大人", "子ども（4〜12歳）", "割引", "ファミリー（大人2名＋子ども2名）", "VIPナイト"),
         "en": EN_TYPES}),
    "dubai": DemoSeason(
        "lantern-nights", {"ar": "ليالي الفوانيس", "en": "Lantern Nights"},
        {"ar": "أربعون مجموعة فوانيس من زيغونغ تضيء الحديقة كل ليلة.",
         "en": "Forty lamp groups from Zigong light up the park every night."},
        "حديقة الصفا", "شارع الوصل، دبي",
        {"ar": ["تنين زيغونغ", "غابة الباندا", "ممر الأبراج", "بحيرة اللوتس"], "en": EN_SHOW},
        Decimal("75.00"), Decimal("40.00"), Decimal("5"),
        {"ar": ("بالغ", "طفل (4–12)", "مخفّض", "عائلة (بالغان وطفلان)", "أمسية كبار الشخصيات"),
         "en": EN_TYPES}),
}
SLOT_CAPACITY = 60


def _ticket_types(tenant: Tenant, exhibition, season: DemoSeason) -> list:
    categories = ("adult", "child", "concession", "family", "vip")
    prices = (season.adult, season.child, (season.adult * Decimal("0.8")).quantize(season.adult),
              season.adult * 2 + season.child * 2 - season.child, season.adult * 3)
    persons = (1, 1, 1, 4, 1)
    made = []
    for position, (category, price, count) in enumerate(zip(categories, prices, persons, strict=True)):
        names = {code: labels[position] for code, labels in season.ticket_names.items()}
        made.append(create_ticket_type(tenant, exhibition, TicketTypeSpec(
            names=names, category=category, price=price, vat_rate=season.vat, persons=count,
            position=position, max_per_order=4 if category == "family" else 10), None))
    return made


def _sell(tenant: Tenant, slot_id: int, types: list, persons_wanted: int, rng: random.Random,
          now: datetime | None = None) -> None:
    """Paid orders (no mail) until about ``persons_wanted`` places of the slot are taken;
    ``now``: when they are sold (demo check-ins sell past nights before they opened)."""
    adult, child, _concession, family, _vip = types
    taken = 0
    while taken < persons_wanted:
        left = persons_wanted - taken
        if left >= 4 and rng.random() < 0.3:
            quantities = {family.id: 1}
        else:
            adults = min(left, rng.randint(1, 4))
            kids = min(left - adults, rng.randint(0, 3))
            quantities = {adult.id: adults, child.id: kids} if kids else {adult.id: adults}
        request = orders.OrderRequest(
            slot_id=slot_id, quantities=quantities, email=f"visitor{rng.randint(1000, 9999)}@example.com",
            name=rng.choice(["Alex Martin", "Sam Lee", "Maria Garcia", "Yuki Tanaka", "Omar Haddad",
                             "Lena Schmidt", "Chen Wei"]), locale=tenant.default_locale)
        order = orders.create_order(tenant, request, now=now)
        orders.confirm_payment(order, tenant, "test", f"demo-{order.code}", order.total, now=now,
                               notify=False)
        taken += order.persons


def seed_sales(tenant: Tenant, today: date | None = None) -> None:
    """One exhibition on sale for ``tenant``: the season runs from yesterday for six weeks."""
    season = SEASONS[tenant.slug]
    rng = random.Random(tenant.slug)  # nosec B311  # repeatable demo data, not a secret
    today = today or utcnow().date()
    with tenant_scope(tenant.id):
        tenant.ticket_terms = {tenant.default_locale: "", "en": "Tickets are valid for the night and "
                               "entry slot printed on them. No re-entry."}
        tenant.prices_include_vat = tenant.currency != "USD"
        tenant.visitor_cancel_hours = 48
        exhibition = create_exhibition(tenant, ExhibitionPlan(
            slug=season.slug, titles=season.titles, descriptions=season.descriptions,
            venue_name=season.venue, venue_address=season.address,
            season_start=today - timedelta(days=1), season_end=today + timedelta(days=41),
            opens_at=time(18, 0), closes_at=time(22, 0), closed_weekdays={1},
            slot_minutes=60, slot_capacity=SLOT_CAPACITY), None)
        exhibition.showcase = season.showcase
        types = _ticket_types(tenant, exhibition, season)
        create_voucher(tenant, exhibition, VoucherSpec(code="LANTERN10", kind="percent",
                                                       value=Decimal("10")), None)
        open_sales(tenant, exhibition, None)
        now = utcnow()
        nights = sorted({slot.night for slot in db.session.scalars(
            select(EntrySlot).where(EntrySlot.exhibition_id == exhibition.id, EntrySlot.ends_at > now))})
        sold_out = nights[min(3, len(nights) - 1)] if nights else None  # a Saturday-like rush
        for night in nights[:6]:
            for slot in db.session.scalars(select(EntrySlot).where(
                    EntrySlot.exhibition_id == exhibition.id, EntrySlot.night == night,
                    EntrySlot.ends_at > now).order_by(EntrySlot.starts_at)):
                wanted = slot.capacity if night == sold_out else rng.randint(5, slot.capacity * 2 // 3)
                _sell(tenant, slot.id, types, wanted, rng)
        db.session.flush()
