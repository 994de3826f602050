"""Mail to pass holders, in their language: the pass link once paid, each reserved visit's ticket.

Queued in the request that made them, sent only once it commits (festival.core.mail).
"""

from __future__ import annotations

from festival.core.i18n import format_local_date
from festival.core.mail import compose_mail, queue_mail
from festival.core.urls import external_url
from festival.documents.pdf import visit_of
from festival.documents.tickets import render_ticket_pdf
from festival.passes.models import Pass, PassVisit
from festival.passes.services import pass_locale
from festival.tenants.models import Tenant
from festival.ticketing.models import Order
from festival.ticketing.notify import PDF


def pass_page_url(pass_: Pass, tenant: Tenant) -> str:
    """The holder's pass page as a full address, also from a job."""
    return external_url("storefront.pass_page", tenant_slug=tenant.slug, pass_token=pass_.secret)


def send_passes(order: Order, passes: list[Pass], tenant: Tenant) -> None:
    """One mail per paid order with the link of each pass it bought."""
    locale = pass_locale(passes[0], tenant)
    exhibition = order.exhibition.title(locale, tenant.default_locale)
    links = [(pass_, pass_page_url(pass_, tenant)) for pass_ in passes]
    queue_mail(compose_mail(
        order.email, "pass_issued", locale, order=order, tenant=tenant, exhibition=exhibition,
        links=links, valid_until=format_local_date(passes[0].valid_until, "long", locale)))


def send_visit(visit: PassVisit, pass_: Pass, tenant: Tenant) -> None:
    """The reserved visit with its ticket attached, and the pass link to change it."""
    locale = pass_locale(pass_, tenant)
    mail = compose_mail(
        pass_.email, "pass_visit", locale, pass_=pass_, tenant=tenant,
        visit=visit_of(visit.order, tenant, locale), pass_url=pass_page_url(pass_, tenant))
    mail.attachments.append((f"ticket-{visit.order.code}.pdf", PDF,
                             render_ticket_pdf(visit.ticket, tenant, locale)))
    queue_mail(mail)
