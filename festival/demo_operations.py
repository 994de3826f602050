"""Demo of the nightly operations on Paris's season, so each can be seen at once: a night closed
for a storm whose visitors rebooked, took a credit or have not decided yet; a waiting list on
the sold-out night; a season pass with a reserved visit; a tour operator with a paid and an
unpaid group block.

Made through the services, in the demo's one transaction, after the sales (demo_sales.py). The
mails these steps queue (closure notices, invoices…) are dropped: nobody reads them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from festival.closures import services as closures
from festival.closures.models import ClosureOrder
from festival.core.db import db, utcnow
from festival.core.mail import discard_queued_mail
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.groups import services as groups
from festival.passes import services as passes
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import EntrySlot, TicketType
from festival.ticketing.setup import TicketTypeSpec, create_ticket_type
from festival.waitlist import services as waitlist

TENANT = "paris"
REBOOKED, CREDITED = 2, 1  # visitors of the closed night who already decided
WAITING_GROUPS = (("Famille Moreau", 4, "moreau@example.com", "fr"),
                  ("Tom Baker", 2, "tom@example.com", "en"))


def seed_operations(tenant: Tenant) -> None:
    """The nightly operations on the demo season of ``TENANT`` (other tenants: nothing)."""
    if tenant.slug != TENANT:
        return
    with tenant_scope(tenant.id):
        exhibition = db.session.scalar(select(Exhibition).order_by(Exhibition.id))
        nights = _open_nights(exhibition.id)
        sold_out = next(night for night, slots in nights.items()
                        if all(slot.remaining == 0 for slot in slots))
        others = [night for night in nights if night != sold_out]
        _closed_night(tenant, exhibition, others[1], nights[others[3]])
        _waiting_list(tenant, exhibition, sold_out)
        _season_pass(tenant, exhibition, nights[others[2]][0], nights[others[4]][0])
        _tour_operator(tenant, nights[others[2]][-1], nights[others[5]][-1])
        discard_queued_mail()


def _open_nights(exhibition_id: int) -> dict[date, list[EntrySlot]]:
    """The season's nights still to come, each with its slots in order."""
    found: dict[date, list[EntrySlot]] = {}
    for slot in db.session.scalars(select(EntrySlot).where(
            EntrySlot.exhibition_id == exhibition_id, EntrySlot.ends_at > utcnow())
            .order_by(EntrySlot.night, EntrySlot.starts_at)
            .execution_options(populate_existing=True)):  # places were taken by plain UPDATEs
        found.setdefault(slot.night, []).append(slot)
    return found


def _closed_night(tenant: Tenant, exhibition: Exhibition, night: date, later: list[EntrySlot]) -> None:
    """A storm closes ``night``: a few visitors moved to the same entry time of a later night,
    one took a credit, the others are still to decide."""
    closure = closures.close_night(tenant, exhibition, closures.ClosureRequest(
        night=night, reason="Avis de tempête : le jardin reste fermé ce soir.", offer="choice",
        slot_ids=[]), None)
    links = list(db.session.scalars(select(ClosureOrder).where(ClosureOrder.closure_id == closure.id)
                                    .order_by(ClosureOrder.id)))
    for index, link in enumerate(links[:REBOOKED]):
        closures.rebook(link, tenant, later[index % len(later)].id)
    for link in links[REBOOKED:REBOOKED + CREDITED]:
        closures.take_credit(link, tenant)


def _waiting_list(tenant: Tenant, exhibition: Exhibition, night: date) -> None:
    """Two groups wait for places on the sold-out night, in the order they asked."""
    for name, persons, email, locale in WAITING_GROUPS:
        waitlist.join_list(tenant, exhibition, night, persons, email, name, locale)


def _season_pass(tenant: Tenant, exhibition: Exhibition, bought_for: EntrySlot, visit: EntrySlot) -> None:
    """A season pass type, one bought online for ``bought_for`` and a visit reserved in ``visit``."""
    pass_type = create_ticket_type(tenant, exhibition, TicketTypeSpec(
        names={"fr": "Pass saison", "en": "Season pass"}, category=TicketType.PASS,
        price=Decimal("59.00"), vat_rate=Decimal("10"), position=5, max_per_order=4), None)
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=bought_for.id, quantities={pass_type.id: 1}, email="camille@example.com",
        name="Camille Durand", locale="fr"))
    orders.confirm_payment(order, tenant, "test", f"demo-{order.code}", order.total, notify=False)
    holder = db.session.scalar(select(passes.Pass).where(passes.Pass.order_id == order.id))
    passes.reserve_visit(tenant, holder, visit.id)


def _tour_operator(tenant: Tenant, paid_slot: EntrySlot, open_slot: EntrySlot) -> None:
    """A tour operator whose first group block is paid by transfer and second still open."""
    adult = db.session.scalar(select(TicketType).where(TicketType.category == TicketType.ADULT))
    operator = groups.register_operator(tenant, groups.OperatorSpec(
        company_name="Voyages Lumière SARL", email="groupes@voyages-lumiere.example.com", locale="fr",
        contact_name="Inès Laurent", address="12 rue de Rivoli, 75004 Paris", payment_terms_days=14), None)
    blocks = [groups.book_block(tenant, operator, groups.BlockRequest(
        slot_id=slot.id, quantities={adult.id: min(20, slot.remaining)}, reference=reference))
        for slot, reference in ((paid_slot, "Groupe scolaire Jules Ferry"), (open_slot, "Club des aînés"))]
    paid = blocks[0]
    groups.settle_block(tenant, paid, groups.TransferRecord(
        amount=paid.order.total, reference="VIR-DEMO-0001", paid_on=paid.issued_on), None)
