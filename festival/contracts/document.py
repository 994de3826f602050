"""The contract PDF: the same contract once per contract language, one section after another.

Each section is rendered under its own locale (labels, dates and money as that language writes
them) and carries its ``lang`` so the stylesheet picks a font that has the script: WenQuanYi
Micro Hei for Chinese, DejaVu Sans for the rest (festival/documents/static/contract.css).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.booking.models import Booking, BookingLine, OccupancyWindow
from festival.contracts.models import Contract
from festival.contracts.services import first_departure, payment_terms
from festival.core.db import db
from festival.core.i18n import NATIVE_NAMES
from festival.documents.pdf import html_to_pdf, render_html, render_sections
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant
from festival.transit.models import TransportMode

SERVICE_UNITS = {"day": _l("per day"), "week": _l("per week"), "event": _l("per event")}


@dataclass(frozen=True)
class ContractLine:
    """One lamp group of the contract with its occupancy window: when it leaves, from where,
    when it arrives at the venue and the last day it stays there (teardown included)."""

    line: BookingLine
    departs_on: date | None
    departs_from: str
    last_day_on_site: date


def contract_lines(booking: Booking) -> list[ContractLine]:
    rows = []
    for line in booking.lines:
        window = db.session.get(OccupancyWindow, line.window_id) if line.window_id else None
        rows.append(ContractLine(line, window.starts_on if window else None,
                                 window.from_city if window else "",
                                 line.on_site_until - timedelta(days=1)))
    return rows


def render_contract_pdf(contract: Contract, booking: Booking, signed_on: date) -> bytes:
    """The contract as one PDF with a section per language of ``contract.languages``."""
    tenant = db.session.get(Tenant, booking.tenant_id)
    supplier = db.session.get(Supplier, booking.supplier_id)
    departure = first_departure(booking)
    mode = db.session.scalar(select(TransportMode).where(TransportMode.code == booking.transport_mode))
    context = dict(contract=contract, booking=booking, tenant=tenant, supplier=supplier, mode=mode,
                   lines=contract_lines(booking), signed_on=signed_on, departure=departure,
                   service_units=SERVICE_UNITS)
    sections = render_sections(
        "documents/contract_section.html", contract.languages,
        lambda locale: {"language_name": NATIVE_NAMES.get(locale, locale),
                        "terms": payment_terms(contract, departure, locale)}, **context)
    return html_to_pdf(render_html("documents/contract.html", contract.languages[0],
                                   sections=sections, **context))
