"""Demo check-ins and visitor reports: the last three nights of each demo season were sold, the
visitors admitted at three gates through the gate's own scan service (so the entry counts grow
by the real path), manual counts added, and every report but last night's submitted to the
base — last night's is a draft, which the missing-report reminder picks up."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from festival.accounts.models import TenantMember, User
from festival.checkin import services as checkin
from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.demo_sales import _sell
from festival.exhibitions.models import Exhibition
from festival.reporting import reports
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot, Ticket, TicketType
from festival.ticketing.slots import slots_of_night, sync_slots

PAST_NIGHTS = 3
GATE_NAMES = {
    "en": ("Main gate", "East gate", "Group entrance"),
    "fr": ("Entrée principale", "Porte est", "Entrée des groupes"),
    "de": ("Haupteingang", "Osttor", "Gruppeneingang"),
    "ja": ("正門", "東門", "団体入口"),
    "ar": ("البوابة الرئيسية", "البوابة الشرقية", "مدخل المجموعات"),
}
WEATHERS = ("clear", "clear", "cloudy", "rain", "wind")


def seed_checkins(tenant: Tenant) -> None:
    """Past nights with admissions, manual counts and reports for ``tenant``'s demo season."""
    rng = random.Random(f"{tenant.slug}-gates")  # nosec B311  # repeatable demo data, not a secret
    with tenant_scope(tenant.id):
        exhibition = db.session.scalar(select(Exhibition).order_by(Exhibition.id))
        owner = db.session.scalar(select(User).join(TenantMember, TenantMember.user_id == User.id)
                                  .where(TenantMember.role == "owner"))
        tonight = checkin.tonight(exhibition, tenant)
        earlier = (tonight - timedelta(days=days) for days in range(1, 8))
        nights = sorted([night for night in earlier
                         if night.isoweekday() not in exhibition.closed_weekdays][:PAST_NIGHTS])
        # The sales demo starts the season yesterday: it begins with these past nights instead.
        exhibition.season_start = min(exhibition.season_start, nights[0])
        sync_slots(exhibition, tenant)
        names = GATE_NAMES.get(tenant.default_locale, GATE_NAMES["en"])
        gates = [checkin.create_gate(tenant, exhibition, name, owner) for name in names]
        types = list(db.session.scalars(select(TicketType).where(
            TicketType.exhibition_id == exhibition.id).order_by(TicketType.position)))
        for night in nights:
            _admit_night(tenant, exhibition, night, gates, types, rng)
            _report_night(tenant, exhibition, night, owner, rng, submit=night != nights[-1])
        db.session.flush()


def _admit_night(tenant: Tenant, exhibition: Exhibition, night, gates, types, rng) -> None:
    """Sell the night's slots a day ahead, then scan nine tickets in ten at the gates."""
    for slot in slots_of_night(exhibition.id, night):
        _sell(tenant, slot.id, types, rng.randint(12, 20), rng, now=slot.starts_at - timedelta(days=1))
    tickets = db.session.execute(
        select(Ticket.code, EntrySlot.starts_at).join(EntrySlot, Ticket.slot_id == EntrySlot.id)
        .where(EntrySlot.night == night, EntrySlot.exhibition_id == exhibition.id,
               Ticket.status == Ticket.VALID).order_by(Ticket.id)).all()
    for code, starts_at in tickets:
        if rng.random() < 0.1:
            continue  # a no-show
        gate = gates[0] if rng.random() < 0.5 else rng.choice(gates)
        at = starts_at + timedelta(minutes=rng.randint(-10, 50), seconds=rng.randint(0, 59))
        checkin.scan(tenant, exhibition, gate, code, device=f"demo-{gate.id}", now=at)


def _report_night(tenant: Tenant, exhibition: Exhibition, night, owner: User | None, rng,
                  submit: bool) -> None:
    lines = [reports.ManualLine("walk_in", rng.randint(4, 25))]
    if rng.random() < 0.6:
        lines.append(reports.ManualLine("group", rng.randint(12, 40), "School group"))
    lines.append(reports.ManualLine("complimentary", rng.randint(1, 6)))
    for line in lines:
        reports.add_manual_count(tenant, exhibition, night, line, owner)
    reports.save_draft(tenant, exhibition, night, rng.choice(WEATHERS), "", owner)
    if submit:
        reports.submit_report(tenant, exhibition, night, owner, now=utcnow())
