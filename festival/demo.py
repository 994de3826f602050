"""Demo data that shows the product's reach: the base, three Zigong suppliers, five host cities."""

from __future__ import annotations

from sqlalchemy import func, select

from festival.accounts.models import SupplierMember, TenantMember, User
from festival.accounts.services import create_user
from festival.core.db import db
from festival.core.scope import platform_scope
from festival.demo_booking import seed_bookings
from festival.demo_checkins import seed_checkins
from festival.demo_dashboard import seed_dashboard
from festival.demo_operations import seed_operations
from festival.demo_sales import seed_sales
from festival.suppliers.services import SupplierProfile, create_supplier
from festival.tenants.services import TenantSettings, create_tenant

DEMO_PASSWORD = "lantern-demo-2026"  # noqa: S105  # nosec B105  # the public demo password, printed on start

DEMO_TENANTS = [
    ("houston", TenantSettings("Houston Lantern Festival", "Houston", "US", "America/Chicago",
                               "USD", "en", ["en", "es", "zh_Hans"])),
    ("paris", TenantSettings("Festival des Lanternes de Paris", "Paris", "FR", "Europe/Paris",
                             "EUR", "fr", ["fr", "en", "zh_Hans"])),
    ("berlin", TenantSettings("Berliner Laternenfest", "Berlin", "DE", "Europe/Berlin", "EUR",
                              "de", ["de", "en"])),
    ("tokyo", TenantSettings("東京ランタンフェスティバル", "Tokyo", "JP", "Asia/Tokyo", "JPY", "ja",
                             ["ja", "en", "zh_Hans"], "#1f4e79")),
    ("dubai", TenantSettings("مهرجان فوانيس دبي", "Dubai", "AE", "Asia/Dubai", "AED", "ar",
                             ["ar", "en"], "#00695c")),
]

DEMO_SUPPLIERS = [
    ("huacai", SupplierProfile("自贡华彩灯艺有限公司", "Zigong Huacai Lantern Arts Co., Ltd.",
                               "王芳", "export@huacai.example.com", "+86 813 555 0101",
                               "四川省自贡市自流井区灯城路 1 号", "5103960001", "ZG-EX-2019-0101")),
    ("longteng", SupplierProfile("自贡龙腾灯业有限公司", "Zigong Longteng Lantern Co., Ltd.",
                                 "李强", "sales@longteng.example.com", "+86 813 555 0202",
                                 "四川省自贡市贡井区彩灯大道 88 号", "5103960002", "ZG-EX-2020-0202")),
    ("jincheng", SupplierProfile("四川锦城彩灯文化有限公司", "Sichuan Jincheng Lantern Culture Co., Ltd.",
                                 "张敏", "info@jincheng.example.com", "+86 813 555 0303",
                                 "四川省自贡市大安区龙灯路 9 号", "5103960003", "ZG-EX-2021-0303")),
]

DEMO_LOGINS = [("Base operator", "base@example.com")]
for _slug, _settings in DEMO_TENANTS:
    DEMO_LOGINS += [(f"{_settings.city} owner", f"owner@{_slug}.example.com"),
                    (f"{_settings.city} gate", f"gate@{_slug}.example.com")]
for _slug, _profile in DEMO_SUPPLIERS:
    DEMO_LOGINS.append((f"Supplier {_slug} owner", f"owner@{_slug}.example.com"))


def _user(email: str, name: str, locale: str | None, operator: bool = False) -> User:
    return create_user(email, name=name, password=DEMO_PASSWORD, locale=locale,
                       is_base_operator=operator)


def seed() -> bool:
    """Seed an empty database (idempotent: a database with users is left alone)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    with platform_scope("demo"):
        operator = _user("base@example.com", "Zigong Base", "zh_Hans", operator=True)
        for slug, settings in DEMO_TENANTS:
            tenant = create_tenant(slug, settings, operator)
            for role in ("owner", "gate"):
                user = _user(f"{role}@{slug}.example.com", f"{settings.city} {role}",
                             settings.default_locale)
                db.session.add(TenantMember(tenant_id=tenant.id, user=user, role=role))
            seed_sales(tenant)
            seed_checkins(tenant)
            seed_operations(tenant)
        for slug, profile in DEMO_SUPPLIERS:
            supplier = create_supplier(slug, profile, operator)
            user = _user(f"owner@{slug}.example.com", profile.contact_name, "zh_Hans")
            db.session.add(SupplierMember(supplier_id=supplier.id, user=user, role="owner"))
        seed_dashboard(operator)
        seed_bookings(operator)
        db.session.commit()
    return True
