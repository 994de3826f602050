"""The venue partner's view of the suppliers' published catalog (/<tenant>/manage/catalog/):
browsing with filters for one of its exhibitions, and one lamp group's page with its timeline,
its certifications against the tenant's country and, for the chosen exhibition, the earliest
arrival and the freight estimate by each transport mode.

Lamp groups are supplier-owned rows: every read of them happens inside ``read_catalog()``, with
their photos, certifications and components loaded there (a lazy load outside it would raise).
The occupancy windows read beside them are platform rows: dates and cities, never whose booking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from festival.accounts.access import requires
from festival.booking import availability, pricing
from festival.booking.availability import Place
from festival.booking.forms import CatalogFilterForm
from festival.booking.services import destination_of
from festival.catalog.browse import read_catalog
from festival.catalog.forms import SERVICE_KIND_LABELS, THEME_LABELS, UNIT_LABELS, label
from festival.catalog.models import PRICE_CURRENCIES, LampGroup
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.i18n import current_locale
from festival.dashboard.rates import RateBook
from festival.exhibitions.models import Exhibition
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant
from festival.tenants.views import portal_bp
from festival.transit import services as transit
from festival.transit.compliance import compliance_issues, describe_issue
from festival.transit.labels import certification_label

PAGE_SIZE = 12
PHOTO_ENDPOINT = "tenant_portal.catalog_photo"
NOT_IN_CATALOG = _l("This lamp group is not in the catalog (it may have been retired).")


# --- shared by the catalog and booking pages -------------------------------------------------------

def has_endpoint(name: str) -> bool:
    """Whether another helper's page exists yet (links to it are shown only then)."""
    return name in current_app.view_functions


def photo_url(photo_id: int | None, size: str = "thumb") -> str | None:
    if photo_id is None or not has_endpoint(PHOTO_ENDPOINT):
        return None
    return url_for(PHOTO_ENDPOINT, photo_id=photo_id, size=size)


@portal_bp.context_processor
def catalog_template_helpers() -> dict:
    return {"has_endpoint": has_endpoint, "photo_url": photo_url,
            "theme_label": lambda value: label(THEME_LABELS, value),
            "service_kind_label": lambda value: label(SERVICE_KIND_LABELS, value),
            "unit_label": lambda value: label(UNIT_LABELS, value),
            "certification_label": certification_label}


def today() -> date:
    return utcnow().date()


def tenant_exhibitions() -> list[Exhibition]:
    """The open tenant's exhibitions, soonest season first."""
    return list(db.session.scalars(select(Exhibition).order_by(Exhibition.season_start, Exhibition.id)))


def pick_exhibition(exhibitions: list[Exhibition], wanted: str | None) -> Exhibition | None:
    """The exhibition asked for by id, else the first season still to open, else the last one."""
    if wanted:
        return next((item for item in exhibitions if str(item.id) == wanted), None)
    upcoming = [item for item in exhibitions if item.season_start > today()]
    return upcoming[0] if upcoming else (exhibitions[-1] if exhibitions else None)


def exhibition_choices(exhibitions: list[Exhibition], locale: str, tenant: Tenant) -> list[tuple[str, str]]:
    return [(str(item.id), item.title(locale, tenant.default_locale)) for item in exhibitions]


def destination_or_none(tenant: Tenant) -> tuple[Place | None, str]:
    """Where lamp groups go for this tenant, or the base's reason why that is not known yet."""
    try:
        return destination_of(tenant), ""
    except DomainError as error:
        return None, error.message


def mode_names(locale: str) -> dict[str, str]:
    return {mode.code: mode.name(locale) for mode in transit.list_modes(active_only=False)}


# --- reading the catalog -------------------------------------------------------------------------

@dataclass(frozen=True)
class Card:
    """One lamp group as the catalog lists it, copied out of the catalog's read scope."""

    group: LampGroup  # loaded with its photos: only its columns and photos are read afterwards
    supplier_name: str
    currency: str
    converted: Decimal | None  # the weekly price in the tenant's currency
    photo_id: int | None
    photo_alt: str


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _published(form: CatalogFilterForm):
    """Lamp groups of active suppliers that are not retired, narrowed by the filters SQL can
    apply; price and availability are filtered after conversion and planning."""
    query = (select(LampGroup, Supplier).join(Supplier, Supplier.id == LampGroup.supplier_id)
             .where(Supplier.status == Supplier.STATUS_ACTIVE, LampGroup.status != LampGroup.RETIRED)
             .options(selectinload(LampGroup.photos)).order_by(LampGroup.theme, LampGroup.code,
                                                               LampGroup.id))
    limits = ((form.max_length.data, LampGroup.length_m), (form.max_height.data, LampGroup.height_m),
              (form.max_containers.data, LampGroup.containers_teu), (form.max_power.data, LampGroup.power_kw))
    for limit, column in limits:
        if limit is not None:
            query = query.where(column <= limit)
    if form.theme.data:
        query = query.where(LampGroup.theme == form.theme.data)
    return query


def _cards(form: CatalogFilterForm, tenant: Tenant, locale: str) -> list[Card]:
    rates = RateBook.load()
    on = today()
    with read_catalog():
        rows = db.session.execute(_published(form)).all()
    cards = []
    ceiling, target = form.max_price.data, form.price_currency.data or tenant.currency
    for group, supplier in rows:
        if ceiling is not None:
            # Compared in the currency the person typed; without a rate a price cannot match.
            price = pricing.convert(group.weekly_price, supplier.currency, target, on, rates)
            if price is None or price > ceiling:
                continue
        photo = group.photos[0] if group.photos else None
        cards.append(Card(group, supplier.display_name(locale), supplier.currency,
                          pricing.convert(group.weekly_price, supplier.currency, tenant.currency, on, rates),
                          photo.id if photo else None,
                          (photo.caption if photo else "") or group.name(locale)))
    return cards


def available_for(group: LampGroup, exhibition: Exhibition, to: Place) -> bool:
    """Whether some transport mode gets the lamp group to the exhibition in time."""
    arrives_on, until = availability.on_site_dates(group, exhibition.season_start, exhibition.season_end)
    return availability.is_available(group, arrives_on, until, to, today())


def _filter_form(exhibitions: list[Exhibition], tenant: Tenant, locale: str) -> CatalogFilterForm:
    form = CatalogFilterForm(formdata=request.args)
    form.exhibition.choices = [("", _("No exhibition"))] + exhibition_choices(exhibitions, locale, tenant)
    form.theme.choices = [("", _("Any theme"))] + [(key, str(text)) for key, text in THEME_LABELS.items()]
    currencies = dict.fromkeys([tenant.currency, *PRICE_CURRENCIES])
    form.price_currency.choices = [("", _("%(currency)s (yours)", currency=tenant.currency))] + [
        (code, code) for code in currencies]
    return form


@portal_bp.route("/catalog/")
@requires("bookings.view")
def catalog():
    tenant, locale = g.org, current_locale()
    exhibitions = tenant_exhibitions()
    form = _filter_form(exhibitions, tenant, locale)
    if request.args and not form.validate():
        return _catalog_page(form, exhibitions, None, Page([], 1, 1, 0), {}, ""), 400
    exhibition = pick_exhibition(exhibitions, form.exhibition.data or None)
    to, no_region = destination_or_none(tenant)
    cards = _cards(form, tenant, locale)
    available: dict[int, bool] = {}
    if form.available.data and exhibition is not None and to is not None:
        available = {card.group.id: available_for(card.group, exhibition, to) for card in cards}
        cards = [card for card in cards if available[card.group.id]]
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    page = Page(cards[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], number,
                max(1, math.ceil(len(cards) / PAGE_SIZE)), len(cards))
    if exhibition is not None and to is not None and not available:
        available = {card.group.id: available_for(card.group, exhibition, to) for card in page.items}
    return _catalog_page(form, exhibitions, exhibition, page, available, no_region)


def _catalog_page(form, exhibitions, exhibition, page, available, no_region):
    return render_template("catalog_browse/list.html", form=form, exhibitions=exhibitions,
                           exhibition=exhibition, page=page, available=available, no_region=no_region,
                           filters=form.query_args(), locale=current_locale())


# --- one lamp group --------------------------------------------------------------------------------

def published_lamp_group(catalog_group_id: int) -> tuple[LampGroup, Supplier]:
    """A lamp group of the published catalog with its photos, certifications and components;
    a retired one, or one of an inactive supplier, is not found."""
    with read_catalog():
        group = db.session.scalar(select(LampGroup).where(LampGroup.id == catalog_group_id).options(
            selectinload(LampGroup.photos), selectinload(LampGroup.certifications),
            selectinload(LampGroup.components)))
    supplier = db.session.get(Supplier, group.supplier_id) if group is not None else None
    if group is None or not group.bookable or supplier is None or not supplier.is_active:
        raise NotFound(str(NOT_IN_CATALOG))
    return group, supplier


@dataclass(frozen=True)
class TransitOption:
    mode: str
    name: str
    transit_days: int
    earliest: date | None
    in_time: bool
    freight_usd: Decimal
    freight_converted: Decimal | None


def transit_options(group: LampGroup, exhibition: Exhibition, to: Place, tenant: Tenant,
                    locale: str) -> tuple[date, list[TransitOption]]:
    """The date the lamp group must be on site, and for each mode that can move it from where
    it will be before (its previous booking's city, else home) the earliest arrival and freight."""
    arrives_on, _until = availability.on_site_dates(group, exhibition.season_start, exhibition.season_end)
    before = [window for window in availability.active_windows(group.id) if window.arrives_on < arrives_on]
    origin = availability.place_of(before[-1]) if before else availability.home_of(group)
    names, rates, on = mode_names(locale), RateBook.load(), today()
    options = []
    for leg in transit.legs_by_mode(origin.region, to.region):
        earliest = availability.earliest_arrival(group, to, leg.mode, arrives_on, on)
        freight = leg.freight_usd(group.containers_teu)
        options.append(TransitOption(
            leg.mode, names.get(leg.mode, leg.mode), leg.transit_days, earliest,
            earliest is not None and earliest <= arrives_on, freight,
            pricing.convert(freight, "USD", tenant.currency, on, rates)))
    return arrives_on, options


def certification_rows(group: LampGroup, country: str, season_end: date, locale: str
                       ) -> tuple[list[dict], list[str]]:
    """The lamp group's certificates, each flagged when the tenant's country finds a problem
    with its kind, and the problems described (missing kinds included)."""
    issues = compliance_issues([(item.kind, item.expires_on) for item in group.certifications],
                               country, season_end)
    flagged = {issue["kind"] for issue in issues}
    rows = [{"kind": item.kind, "number": item.number, "expires_on": item.expires_on,
             "flagged": item.kind in flagged} for item in group.certifications]
    return rows, [describe_issue(issue, locale) for issue in issues]


@portal_bp.route("/catalog/<id:catalog_group_id>")
@requires("bookings.view")
def catalog_lamp_group(catalog_group_id: int):
    tenant, locale = g.org, current_locale()
    group, supplier = published_lamp_group(catalog_group_id)
    exhibitions = tenant_exhibitions()
    exhibition = pick_exhibition(exhibitions, request.args.get("exhibition"))
    if request.args.get("exhibition") and exhibition is None:
        raise NotFound(str(_l("There is no such exhibition.")))
    to, no_region = destination_or_none(tenant)
    needed_on, options, available = None, [], None
    if exhibition is not None and to is not None:
        needed_on, options = transit_options(group, exhibition, to, tenant, locale)
        available = available_for(group, exhibition, to)
    certifications, issues = certification_rows(
        group, tenant.country, exhibition.season_end if exhibition else today(), locale)
    timeline = availability.windows_of([group.id], since=today())[group.id]
    return render_template(
        "catalog_browse/lamp_group.html", group=group, supplier_name=supplier.display_name(locale),
        currency=supplier.currency, converted=pricing.convert(group.weekly_price, supplier.currency,
                                                              tenant.currency, today()),
        exhibitions=exhibitions, exhibition=exhibition, needed_on=needed_on, options=options,
        available=available, no_region=no_region, certifications=certifications, issues=issues,
        timeline=timeline, locale=locale)
