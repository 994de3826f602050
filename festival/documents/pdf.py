"""What every visitor document shares: its language, the visit it is for, and HTML to PDF.

Tickets, the receipt and the confirmation mail all speak the order's language and show the
same night and entry times, so those are worked out here once. Templates live beside this
package (festival/documents/templates/documents/) and are rendered by the app's own Jinja
environment, overlaid with that folder, so ``_()`` and the app's filters work in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import current_app
from flask_babel import force_locale
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from festival.core.i18n import LOCALES, format_local_date, text_direction
from festival.tenants.models import Tenant
from festival.ticketing.models import Order

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "documents.css"
_ENV_KEY = "festival.documents.jinja"
_CSS_KEY = "festival.documents.css"


def document_locale(order: Order, tenant: Tenant, locale: str | None = None) -> str:
    """The language a document speaks: the one asked for, else the order's, else the tenant's."""
    for candidate in (locale, order.locale, tenant.default_locale):
        if candidate in LOCALES:
            return candidate
    return "en"


@dataclass(frozen=True)
class Visit:
    """The night and entry slot of an order, as the visitor reads them (tenant's local time)."""

    exhibition: str
    night: str  # e.g. "mercredi 25 novembre 2026"
    starts: str  # e.g. "18:00"
    ends: str
    venue_name: str
    venue_address: str


def visit_of(order: Order, tenant: Tenant, locale: str) -> Visit:
    """The visit an order is for, in ``locale``; the night is the date on which it opens."""
    zone = ZoneInfo(tenant.timezone)
    slot, exhibition = order.slot, order.exhibition
    return Visit(
        exhibition=exhibition.title(locale, tenant.default_locale),
        night=format_local_date(slot.night, "full", locale),
        starts=format_time(slot.starts_at, "short", tzinfo=zone, locale=locale),
        ends=format_time(slot.ends_at, "short", tzinfo=zone, locale=locale),
        venue_name=exhibition.venue_name,
        venue_address=exhibition.venue_address,
    )


def local_date(value: datetime | None, tenant: Tenant, locale: str, fmt: str = "long") -> str:
    """The date of a stored UTC time in the tenant's timezone (a receipt's date of payment)."""
    if value is None:
        return ""
    return format_local_date(value.astimezone(ZoneInfo(tenant.timezone)).date(), fmt, locale)


def _environment() -> Environment:
    """The app's Jinja environment that also finds the documents' templates (built once)."""
    env = current_app.extensions.get(_ENV_KEY)
    if env is None:
        base = current_app.jinja_env
        env = base.overlay(loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)), base.loader]))
        current_app.extensions[_ENV_KEY] = env
    return env


def _stylesheet():
    """The documents' CSS, parsed once per app: parsing it per render costs more than a page."""
    from weasyprint import CSS

    css = current_app.extensions.get(_CSS_KEY)
    if css is None:
        css = CSS(filename=str(STYLESHEET))
        current_app.extensions[_CSS_KEY] = css
    return css


def render_html(template: str, locale: str, **context) -> str:
    """A document's HTML in ``locale``: the page's language and direction come with it."""
    with force_locale(locale):
        return _environment().get_template(template).render(
            locale=locale, lang=locale.replace("_", "-"), dir=text_direction(locale), **context)


def render_sections(template: str, locales: list[str], per_locale=None, **context) -> list:
    """One section of a multilingual document per locale, each rendered in its own language
    (``per_locale(locale)`` adds what differs), ready to be placed in the document's page."""
    from markupsafe import Markup

    sections = []
    for locale in locales:
        html = render_html(template, locale, **(per_locale(locale) if per_locale else {}), **context)
        sections.append(Markup(html))  # noqa: S704  # nosec B704  # our own template's output, escaped by Jinja
    return sections


def html_to_pdf(html: str) -> bytes:
    """One PDF from one HTML document, with the fonts the system has for every script."""
    # Imported here: WeasyPrint loads Pango at import, which a web worker that never prints
    # (or a CLI command) need not pay for.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(HERE)).write_pdf(stylesheets=[_stylesheet()])


def render_pdf(template: str, locale: str, **context) -> bytes:
    """Render a documents template in ``locale`` straight to PDF bytes."""
    return html_to_pdf(render_html(template, locale, **context))
