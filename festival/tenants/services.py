"""Tenants: creating host cities on the platform and keeping their settings."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.api import tokens
from festival.audit.services import record_event, record_founding
from festival.core.db import db
from festival.core.errors import Conflict, DomainError
from festival.core.reference import (
    COLOUR_PATTERN,
    SLUG_PATTERN,
    country_codes,
    currency_codes,
    is_locale,
    timezone_names,
)
from festival.core.resolver import RESERVED_SLUGS
from festival.core.scope import tenant_scope
from festival.core.storage import save_file, sniff_image
from festival.tenants.models import Tenant

MESSAGES = {
    "slug": _l("Use 2 to 40 lowercase letters, digits or hyphens."),
    "slug_reserved": _l("This address is reserved. Choose another."),
    "slug_taken": _l("This address is taken. Choose another."),
    "country": _l("Choose a country from the list."),
    "timezone": _l("Choose a timezone from the list."),
    "currency": _l("Choose a currency from the list."),
    "locales": _l("Offer at least one of the shipped languages."),
    "default_locale": _l("The default language must be one of the offered languages."),
    "colour": _l("Give the colour as #rrggbb."),
    "name": _l("Give a name of at most 120 characters."),
}


@dataclass
class TenantSettings:
    name: str
    city: str
    country: str
    timezone: str
    currency: str
    default_locale: str
    offered_locales: list[str]
    brand_colour: str = "#b3261e"


def check_slug(slug: str, model: type) -> str:
    """A free, well-formed slug that no URL prefix uses."""
    if not SLUG_PATTERN.match(slug or ""):
        raise DomainError(str(MESSAGES["slug"]))
    if slug in RESERVED_SLUGS:
        raise DomainError(str(MESSAGES["slug_reserved"]))
    if db.session.scalar(select(func.count()).select_from(model).where(model.slug == slug)):
        raise Conflict(str(MESSAGES["slug_taken"]))
    return slug


def check_settings(settings: TenantSettings) -> None:
    """The same rules for the base's form, the owner's form and any later API."""
    for text in (settings.name, settings.city):
        if not text.strip() or len(text) > 120:
            raise DomainError(str(MESSAGES["name"]))
    if settings.country not in country_codes():
        raise DomainError(str(MESSAGES["country"]))
    if settings.timezone not in timezone_names():
        raise DomainError(str(MESSAGES["timezone"]))
    if settings.currency not in currency_codes():
        raise DomainError(str(MESSAGES["currency"]))
    if not settings.offered_locales or not all(map(is_locale, settings.offered_locales)):
        raise DomainError(str(MESSAGES["locales"]))
    if settings.default_locale not in settings.offered_locales:
        raise DomainError(str(MESSAGES["default_locale"]))
    if not COLOUR_PATTERN.match(settings.brand_colour):
        raise DomainError(str(MESSAGES["colour"]))


def _apply(tenant: Tenant, settings: TenantSettings) -> None:
    tenant.name = settings.name.strip()
    tenant.city = settings.city.strip()
    tenant.country = settings.country
    tenant.timezone = settings.timezone
    tenant.currency = settings.currency
    tenant.default_locale = settings.default_locale
    tenant.offered_locales = settings.offered_locales
    tenant.brand_colour = settings.brand_colour.lower()


def create_tenant(slug: str, settings: TenantSettings, actor: User | None) -> Tenant:
    """Put a host city on the platform; its audit log starts with its creation."""
    check_slug(slug, Tenant)
    check_settings(settings)
    tenant = Tenant(slug=slug)
    _apply(tenant, settings)
    record_founding(tenant, tenant_scope, "festival.tenants.tenant.created", actor)
    return tenant


def update_settings(tenant: Tenant, settings: TenantSettings, actor: User) -> None:
    """Change a tenant's settings (inside its scope); the change is audited."""
    check_settings(settings)
    _apply(tenant, settings)
    record_event("festival.tenants.settings.changed", actor=actor,
                 fields=sorted(k for k in vars(settings)))


def set_logo(tenant: Tenant, data: bytes, actor: User) -> None:
    extension, _content_type = sniff_image(data)
    tenant.logo_path = save_file(f"tenants/{tenant.id}", data, extension)
    record_event("festival.tenants.logo.changed", actor=actor)


def set_status(tenant: Tenant, status: str, actor: User) -> None:
    """Suspend or reactivate a tenant (base console)."""
    if status not in Tenant.STATUSES:
        raise DomainError(str(_l("Unknown status.")))
    tenant.status = status
    # This worker refuses the tenant's API tokens at once; the others within
    # API_TOKEN_CACHE_SECONDS.
    tokens.forget_all()
    with tenant_scope(tenant.id):
        record_event(f"festival.tenants.tenant.{status}", actor=actor)


def list_tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).order_by(Tenant.name)))


def active_tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).where(Tenant.status == Tenant.STATUS_ACTIVE)
                                   .order_by(Tenant.city)))
