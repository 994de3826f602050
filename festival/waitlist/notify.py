"""Mail to a waiting group, in the language it joined in, with its request page's link; times
in the tenant's timezone. Mails leave once the transaction that wrote the offer commits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_time

from festival.core.i18n import format_local_date
from festival.core.mail import compose_mail, queue_mail
from festival.core.urls import external_url
from festival.tenants.models import Tenant
from festival.waitlist.models import WaitingRequest


def request_page_url(request: WaitingRequest, tenant: Tenant) -> str:
    """The request page's full address, also from a command."""
    return external_url("storefront.waiting_request_page", tenant_slug=tenant.slug,
                        wait_secret=request.secret)


def local_moment(request: WaitingRequest, tenant: Tenant, value) -> str:
    """A stored UTC time as the group reads it: the date and the time on the tenant's clock."""
    zone = ZoneInfo(tenant.timezone)
    local = value.astimezone(zone)
    return (f"{format_local_date(local.date(), 'full', request.locale)} "
            f"{format_time(local, 'short', tzinfo=zone, locale=request.locale)}")


def _context(request: WaitingRequest, tenant: Tenant) -> dict:
    return {"request": request, "tenant": tenant, "url": request_page_url(request, tenant),
            "exhibition": request.exhibition.title(request.locale, tenant.default_locale),
            "night": format_local_date(request.night, "full", request.locale)}


def send_joined(request: WaitingRequest, tenant: Tenant) -> None:
    """Confirm a group's place on the list."""
    from festival.waitlist.services import position_of

    queue_mail(compose_mail(request.email, "waitlist_joined", request.locale,
                            position=position_of(request), **_context(request, tenant)))


def send_offer(request: WaitingRequest, tenant: Tenant) -> None:
    """Tell the group its places are held, in which entry time and until when."""
    zone = ZoneInfo(tenant.timezone)
    slot = request.slot
    queue_mail(compose_mail(
        request.email, "waitlist_offer", request.locale,
        starts=format_time(slot.starts_at, "short", tzinfo=zone, locale=request.locale),
        ends=format_time(slot.ends_at, "short", tzinfo=zone, locale=request.locale),
        until=local_moment(request, tenant, request.hold_expires_at), **_context(request, tenant)))
