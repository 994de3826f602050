"""Suppliers: putting Zigong enterprises on the platform and keeping their profiles."""

from __future__ import annotations

from dataclasses import dataclass, fields

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.audit.services import record_event, record_founding
from festival.catalog.models import LampGroup
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.reference import is_locale
from festival.core.scope import supplier_scope
from festival.suppliers.models import Supplier
from festival.tenants.services import check_slug


@dataclass
class SupplierProfile:
    name_zh: str
    name_en: str
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    address: str = ""
    customs_code: str = ""
    export_licence: str = ""
    default_locale: str = "zh_Hans"
    currency: str = "CNY"  # lamp groups and services are priced in it
    bank_details: str = ""  # printed on contracts: where deposits and balances are paid


_LIMITS = {"name_zh": 120, "name_en": 120, "contact_name": 120, "contact_email": 255,
           "contact_phone": 40, "address": 2000, "customs_code": 40, "export_licence": 60,
           "bank_details": 2000}
PRICE_CURRENCIES = ("CNY", "USD")


def check_profile(profile: SupplierProfile) -> None:
    if not profile.name_zh.strip() or not profile.name_en.strip():
        raise DomainError(str(_l("Give the enterprise's name in Chinese and in English.")))
    for name, limit in _LIMITS.items():
        if len(getattr(profile, name)) > limit:
            raise DomainError(str(_l("A field is longer than allowed.")))
    if not is_locale(profile.default_locale):
        raise DomainError(str(_l("Choose one of the shipped languages.")))
    if profile.currency not in PRICE_CURRENCIES:
        raise DomainError(str(_l("Suppliers price in Chinese yuan (CNY) or US dollars (USD).")))


def _apply(supplier: Supplier, profile: SupplierProfile) -> None:
    for field in fields(profile):
        setattr(supplier, field.name, getattr(profile, field.name).strip())


def create_supplier(slug: str, profile: SupplierProfile, actor: User | None) -> Supplier:
    """Put a Zigong enterprise on the platform."""
    check_slug(slug, Supplier)
    check_profile(profile)
    supplier = Supplier(slug=slug)
    _apply(supplier, profile)
    record_founding(supplier, supplier_scope, "festival.suppliers.supplier.created", actor)
    return supplier


def update_profile(supplier: Supplier, profile: SupplierProfile, actor: User) -> None:
    check_profile(profile)
    if profile.currency != supplier.currency and db.session.scalar(
            select(LampGroup.id).limit(1)) is not None:
        # Every price in the catalog and in bookings is in this currency: it cannot change under them.
        raise DomainError(str(_l(
            "Your lamp groups are priced in %(currency)s: the currency cannot change once the "
            "catalog has lamp groups.", currency=supplier.currency)), 409)
    _apply(supplier, profile)
    record_event("festival.suppliers.profile.changed", actor=actor)


def list_suppliers() -> list[Supplier]:
    return list(db.session.scalars(select(Supplier).order_by(Supplier.name_en)))
