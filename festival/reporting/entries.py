"""Tonight's live entries: persons admitted per entry slot (rows) and gate (columns).

Read from the maintained entry counts (festival.checkin.counts), never from the raw scans,
in a fixed number of queries whatever the size of the night.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from festival.checkin import counts
from festival.checkin.models import Gate
from festival.checkin.services import conflicts_of, gates_of
from festival.core.db import db
from festival.ticketing.models import EntrySlot
from festival.ticketing.slots import slots_of_night


@dataclass
class EntryRow:
    slot: EntrySlot
    by_gate: dict[int, int] = field(default_factory=dict)  # gate id → persons

    @property
    def total(self) -> int:
        return sum(self.by_gate.values())


@dataclass
class EntryGrid:
    night: date
    gates: list[Gate]
    rows: list[EntryRow]
    conflicts: int

    def gate_total(self, gate_id: int) -> int:
        return sum(row.by_gate.get(gate_id, 0) for row in self.rows)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def entry_grid(exhibition_id: int, night: date) -> EntryGrid:
    """The night's admissions per slot and gate, with totals and the number of conflicts."""
    figures = counts.entries(exhibition_id, night)
    counted_gates = {entry.gate_id for entry in figures}
    gates = [gate for gate in gates_of(exhibition_id)
             if gate.is_active or gate.id in counted_gates]
    rows = {slot.id: EntryRow(slot) for slot in slots_of_night(exhibition_id, night)}
    missing = {entry.slot_id for entry in figures} - set(rows)
    if missing:  # a slot moved to another night by a later plan still shows its entries
        for slot in db.session.scalars(select(EntrySlot).where(EntrySlot.id.in_(missing))):
            rows[slot.id] = EntryRow(slot)
    for entry in figures:
        row = rows[entry.slot_id].by_gate
        row[entry.gate_id] = row.get(entry.gate_id, 0) + entry.persons
    return EntryGrid(night, gates, sorted(rows.values(), key=lambda row: row.slot.starts_at),
                     len(conflicts_of(exhibition_id, night)))
