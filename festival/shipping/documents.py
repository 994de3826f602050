"""The shipment's generated PDFs: the packing list and the ATA carnet general list, printed from
the lamp groups' components, once in Chinese and once in English (one section per language, as
the contract does), each lamp group with its customs IP record number.

Components are supplier-owned rows: they are read in the catalog's read-only scope and copied
into plain rows here, so a tenant's request prints them without reading the supplier's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from festival.booking.models import Booking
from festival.catalog.browse import read_catalog
from festival.catalog.models import LampGroup
from festival.core.db import db, utcnow
from festival.documents.pdf import html_to_pdf, render_html, render_sections
from festival.shipping.carnet import carnet_of
from festival.shipping.services import legs_of
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant

LANGUAGES = ("zh_Hans", "en")
ORIGIN_COUNTRY = "CN"


@dataclass(frozen=True)
class Piece:
    item_no: int
    serial: str
    description: str
    quantity: int
    weight_kg: Decimal  # of all pieces of the line
    value: Decimal  # of all pieces of the line, supplier's currency
    hs_code: str


@dataclass(frozen=True)
class GroupPieces:
    code: str
    names: dict[str, str]
    ip_record_number: str
    containers_teu: int
    pieces: list[Piece]

    def name(self, locale: str) -> str:
        from festival.catalog.models import translated

        return translated(self.names, locale) or self.code


@dataclass(frozen=True)
class ShipmentList:
    """What both the packing list and the general list print."""

    booking: Booking
    groups: list[GroupPieces]
    shipper: Supplier
    consignee: Tenant
    containers: int
    container_numbers: list[str]
    printed_on: date

    @property
    def pieces(self) -> int:
        return sum(piece.quantity for group in self.groups for piece in group.pieces)

    @property
    def weight_kg(self) -> Decimal:
        return sum((piece.weight_kg for group in self.groups for piece in group.pieces), Decimal("0"))

    @property
    def value(self) -> Decimal:
        return sum((piece.value for group in self.groups for piece in group.pieces), Decimal("0"))


def _components(ids: list[int]) -> dict[int, list]:
    """Each lamp group's components as plain tuples, read inside the catalog's scope."""
    with read_catalog():
        groups = db.session.scalars(select(LampGroup).where(LampGroup.id.in_(ids))
                                    .options(selectinload(LampGroup.components)))
        return {group.id: [(c.serial, c.description, c.quantity, c.weight_kg, c.value, c.hs_code)
                           for c in group.components] for group in groups}


def shipment_list(booking: Booking) -> ShipmentList:
    """Every component of the booking's lamp groups, numbered, with the parties and containers."""
    components = _components([line.lamp_group_id for line in booking.lines])
    groups, item_no = [], 0
    for line in booking.lines:
        pieces = []
        for serial, description, quantity, weight, value, hs_code in components.get(line.lamp_group_id, []):
            item_no += 1
            pieces.append(Piece(item_no, serial, description, quantity, weight * quantity,
                                value * quantity, hs_code))
        groups.append(GroupPieces(line.lamp_group_code, dict(line.lamp_group_names),
                                  line.ip_record_number, line.containers_teu, pieces))
    legs = legs_of(booking)
    numbers = [number.strip() for leg in legs for number in leg.container_numbers.replace(";", ",").split(",")
               if number.strip()]
    containers = max((leg.containers for leg in legs), default=0) or \
        sum(line.containers_teu for line in booking.lines)
    return ShipmentList(booking, groups, db.session.get(Supplier, booking.supplier_id),
                        db.session.get(Tenant, booking.tenant_id), containers, numbers, utcnow().date())


def _bilingual_pdf(section: str, document: str, **context) -> bytes:
    """One section per language, each rendered in its own locale, in one PDF."""
    sections = render_sections(section, list(LANGUAGES), **context)
    return html_to_pdf(render_html(document, LANGUAGES[0], sections=sections, **context))


def packing_list_pdf(booking: Booking) -> bytes:
    """The packing list: per lamp group its crated pieces, weights and HS codes; totals."""
    return _bilingual_pdf("packing_list_section.html", "packing_list.html",
                         listing=shipment_list(booking))


def carnet_list_pdf(booking: Booking) -> bytes:
    """The ATA carnet general list: every component with its value and origin; the total value."""
    return _bilingual_pdf("carnet_list_section.html", "carnet_list.html", listing=shipment_list(booking),
                          carnet=carnet_of(booking), origin=ORIGIN_COUNTRY)
