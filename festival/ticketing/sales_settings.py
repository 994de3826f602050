"""A tenant's sales rules: VAT on ticket prices, visitor self-cancellation and night changes,
ticket terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.errors import DomainError
from festival.tenants.models import Tenant
from festival.ticketing.moves import PRICE_RULES

MAX_CANCEL_HOURS = 24 * 30  # a month: a longer notice is no self-service any more
MAX_TERMS_LENGTH = 2000

MESSAGES = {
    "vat": _l("A VAT rate is a percentage from 0 to 50."),
    "cancel_hours": _l("Visitors may cancel until 0 to %(max)s hours before their entry slot.",
                       max=MAX_CANCEL_HOURS),
    "terms": _l("Ticket terms have at most %(max)s characters per language.", max=MAX_TERMS_LENGTH),
    "terms_locale": _l("Ticket terms can only be given in the languages you offer."),
    "change_hours": _l("Visitors may change their night until 0 to %(max)s hours before their entry slot.",
                       max=MAX_CANCEL_HOURS),
    "price_rule": _l("Choose what happens when a moved order's tickets cost less now."),
}


@dataclass
class SalesSettings:
    """What the sales settings page edits; ``visitor_cancel_hours`` None: visitors cannot cancel."""

    prices_include_vat: bool
    default_vat_rate: Decimal
    visitor_cancel_hours: int | None = None
    ticket_terms: dict[str, str] = field(default_factory=dict)
    # None: visitors cannot move their order to another night themselves.
    visitor_change_hours: int | None = None
    price_difference_rule: str = "keep"  # festival.ticketing.moves.PRICE_RULES


def sales_settings_of(tenant: Tenant) -> SalesSettings:
    return SalesSettings(tenant.prices_include_vat, tenant.default_vat_rate,
                         tenant.visitor_cancel_hours, dict(tenant.ticket_terms or {}),
                         tenant.visitor_change_hours, tenant.price_difference_rule)


def check_sales_settings(tenant: Tenant, settings: SalesSettings) -> dict[str, str]:
    """The rules of the sales settings; returns the terms as they will be stored."""
    try:
        rate = Decimal(str(settings.default_vat_rate))
    except (InvalidOperation, ValueError):
        raise DomainError(str(MESSAGES["vat"])) from None
    if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("50") or rate != rate.quantize(
            Decimal("0.01")):
        raise DomainError(str(MESSAGES["vat"]))
    hours = settings.visitor_cancel_hours
    if hours is not None and not 0 <= hours <= MAX_CANCEL_HOURS:
        raise DomainError(str(MESSAGES["cancel_hours"]))
    change = settings.visitor_change_hours
    if change is not None and not 0 <= change <= MAX_CANCEL_HOURS:
        raise DomainError(str(MESSAGES["change_hours"]))
    if settings.price_difference_rule not in PRICE_RULES:
        raise DomainError(str(MESSAGES["price_rule"]))
    terms = {code: text.strip() for code, text in settings.ticket_terms.items() if text and text.strip()}
    if any(len(text) > MAX_TERMS_LENGTH for text in terms.values()):
        raise DomainError(str(MESSAGES["terms"]))
    if not set(terms) <= set(tenant.offered_locales):
        raise DomainError(str(MESSAGES["terms_locale"]))
    return terms


def update_sales_settings(tenant: Tenant, settings: SalesSettings, actor: User | None) -> None:
    """Change the tenant's sales rules; orders already placed keep the VAT rule they were sold with."""
    terms = check_sales_settings(tenant, settings)
    tenant.prices_include_vat = settings.prices_include_vat
    tenant.default_vat_rate = Decimal(str(settings.default_vat_rate))
    tenant.visitor_cancel_hours = settings.visitor_cancel_hours
    tenant.visitor_change_hours = settings.visitor_change_hours
    tenant.price_difference_rule = settings.price_difference_rule
    tenant.ticket_terms = terms
    record_event("festival.ticketing.sales_settings.changed", actor=actor,
                 prices_include_vat=settings.prices_include_vat,
                 default_vat_rate=str(settings.default_vat_rate),
                 visitor_cancel_hours=settings.visitor_cancel_hours,
                 visitor_change_hours=settings.visitor_change_hours,
                 price_difference_rule=settings.price_difference_rule,
                 terms_languages=sorted(terms))
