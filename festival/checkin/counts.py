"""The maintained entry counts: one row per (exhibition, night, slot, gate), incremented in the
admission's own transaction by an upsert, so live counts and reports never scan check_in.

``recount`` rebuilds them from the raw scans (a test compares both; also a repair tool).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select

from festival.checkin.models import CheckIn, EntryCount
from festival.core.db import db
from festival.core.rows import upsert_add
from festival.exhibitions.models import Exhibition

Key = tuple[int, int]  # (slot_id, gate_id)
Figures = tuple[int, int]  # (persons, tickets)


@dataclass(frozen=True)
class Counts:
    """Persons admitted tonight at one gate and at the whole exhibition."""

    gate: int
    night: int


def add_entry(tenant_id: int, exhibition_id: int, night: date, slot_id: int, gate_id: int,
              persons: int, tickets: int = 1) -> None:
    """Count an admission: one atomic upsert, safe under concurrent gates."""
    upsert_add(EntryCount, {"tenant_id": tenant_id, "exhibition_id": exhibition_id, "night": night,
                            "slot_id": slot_id, "gate_id": gate_id},
               {"persons": persons, "tickets": tickets})


def night_counts(exhibition_id: int, night: date, gate_id: int) -> Counts:
    """Persons admitted on ``night`` at ``gate_id`` and at every gate, in one query."""
    at_gate = func.coalesce(func.sum(EntryCount.persons).filter(EntryCount.gate_id == gate_id), 0)
    row = db.session.execute(
        select(at_gate, func.coalesce(func.sum(EntryCount.persons), 0))
        .where(EntryCount.exhibition_id == exhibition_id, EntryCount.night == night)).one()
    return Counts(gate=int(row[0]), night=int(row[1]))


def maintained(exhibition_id: int, night: date) -> dict[Key, Figures]:
    """The maintained counts of a night, by (slot, gate)."""
    rows = db.session.execute(
        select(EntryCount.slot_id, EntryCount.gate_id, EntryCount.persons, EntryCount.tickets)
        .where(EntryCount.exhibition_id == exhibition_id, EntryCount.night == night))
    return {(r.slot_id, r.gate_id): (r.persons, r.tickets) for r in rows}


def from_scans(exhibition_id: int, night: date) -> dict[Key, Figures]:
    """The same figures counted from the raw scans (slow: tests and repairs only)."""
    rows = db.session.execute(
        select(CheckIn.slot_id, CheckIn.gate_id, func.sum(CheckIn.persons), func.count())
        .where(CheckIn.exhibition_id == exhibition_id, CheckIn.night == night,
               CheckIn.result == CheckIn.ADMITTED)
        .group_by(CheckIn.slot_id, CheckIn.gate_id))
    return {(slot_id, gate_id): (int(persons), int(tickets))
            for slot_id, gate_id, persons, tickets in rows}


def recount(exhibition_id: int, night: date) -> dict[Key, Figures]:
    """Replace a night's maintained counts by a count of its raw scans; returns the figures."""
    tenant_id = db.session.get(Exhibition, exhibition_id).tenant_id
    figures = from_scans(exhibition_id, night)
    db.session.execute(delete(EntryCount).where(EntryCount.exhibition_id == exhibition_id,
                                                EntryCount.night == night)
                       .execution_options(synchronize_session=False))
    for (slot_id, gate_id), (persons, tickets) in figures.items():
        add_entry(tenant_id, exhibition_id, night, slot_id, gate_id, persons, tickets)
    db.session.flush()
    return figures


def entries(exhibition_id: int, night: date) -> list[EntryCount]:
    """A night's counts per slot and gate, for the live view and the API."""
    return list(db.session.scalars(
        select(EntryCount).where(EntryCount.exhibition_id == exhibition_id, EntryCount.night == night)
        .order_by(EntryCount.slot_id, EntryCount.gate_id)))
