"""Entry slots generated from an exhibition's nightly hours; a later plan never loses a sale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select

from festival.core.db import db
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import night_window, opening_nights
from festival.tenants.models import Tenant
from festival.ticketing.models import EntrySlot


@dataclass
class SlotSync:
    """What a regeneration did, for the staff's confirmation message."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    kept_sold: int = 0  # slots no longer in the plan, kept closed for their sold tickets


def planned_starts(exhibition: Exhibition, tenant: Tenant) -> dict:
    """Every slot the plan asks for: start instant (UTC) → (night, end instant)."""
    planned = {}
    step = timedelta(minutes=exhibition.slot_minutes)
    for night in opening_nights(exhibition):
        opens, closes = night_window(exhibition, night, tenant.timezone)
        start = opens
        while start + step <= closes:
            planned[start] = (night, start + step)
            start += step
    return planned


def sync_slots(exhibition: Exhibition, tenant: Tenant) -> SlotSync:
    """Make the slots match the plan. A slot with places taken is never deleted or shrunk
    below what it sold: it keeps at least its taken places, and is closed if the plan drops it."""
    planned = planned_starts(exhibition, tenant)
    existing = {slot.starts_at: slot for slot in db.session.scalars(
        select(EntrySlot).where(EntrySlot.exhibition_id == exhibition.id))}
    result = SlotSync()
    for start, (night, end) in planned.items():
        slot = existing.pop(start, None)
        if slot is None:
            db.session.add(EntrySlot(exhibition_id=exhibition.id, night=night, starts_at=start,
                                     ends_at=end, capacity=exhibition.slot_capacity, taken=0))
            result.added += 1
            continue
        capacity = max(exhibition.slot_capacity, slot.taken)
        if (slot.capacity, slot.ends_at, slot.night) != (capacity, end, night):
            slot.capacity, slot.ends_at, slot.night = capacity, end, night
            result.updated += 1
    empty = [slot.id for slot in existing.values() if slot.taken == 0]
    if empty:
        db.session.execute(delete(EntrySlot).where(EntrySlot.id.in_(empty)))
        result.removed = len(empty)
    for slot in existing.values():
        if slot.taken > 0 and not slot.is_closed:
            slot.is_closed = True
        if slot.taken > 0:
            result.kept_sold += 1
    db.session.flush()
    return result


def slots_of_night(exhibition_id: int, night: date) -> list[EntrySlot]:
    return list(db.session.scalars(
        select(EntrySlot).where(EntrySlot.exhibition_id == exhibition_id, EntrySlot.night == night)
        .order_by(EntrySlot.starts_at)))
