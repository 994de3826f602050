"""The rules of the gate: scan a ticket, admit it at most once, synchronise offline queues, and
keep the gates of an exhibition. No request here: portal, API and tests call the same functions.

Admission is one conditional UPDATE (``status = 'valid'`` in its WHERE clause): whichever gate's
update changes the row admits the ticket, every other gets "already used", however many scan it
at the same moment. The entry count grows by an upsert in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.checkin import counts, verify
from festival.checkin.models import CheckIn, Gate
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, NotFound
from festival.exhibitions.models import Exhibition
from festival.ops import metrics
from festival.tenants.models import Tenant
from festival.ticketing.models import Order, Ticket

MAX_SYNC = 500
DEVICE_LENGTH = 64
OFFLINE_ADMITTED = "admitted"
OFFLINE_QUEUED = "queued"
OFFLINE_RESULTS = (OFFLINE_ADMITTED, OFFLINE_QUEUED)
_CANCELLED_ORDERS = (Order.REFUNDED, Order.CANCELLED)

MESSAGES = {
    "gate_name": _l("Give the gate a name of 1 to 80 characters."),
    "gate_taken": _l("This exhibition already has a gate with this name."),
    "gate_elsewhere": _l("This gate is not at this exhibition."),
    "gate_inactive": _l("This gate is closed. Choose an open gate, or ask a manager to reopen it."),
    "too_many": _l("Send at most %(count)d scans at a time."),
}


@dataclass(frozen=True)
class OfflineScan:
    """A scan queued on a device while it had no connection."""

    code: str
    scanned_at: datetime
    offline_result: str = OFFLINE_QUEUED  # what the device told the staff at the time


@dataclass
class ScanOutcome:
    """What the gate answers. ``ticket`` is None for unknown codes and refused payloads;
    ``counts`` is None for refused payloads (answered without reading anything)."""

    result: str
    ticket: Ticket | None = None
    scanned_at: datetime | None = None
    used_gate: str | None = None  # the gate that admitted the ticket (already used, conflict)
    counts: counts.Counts | None = None


# --- nights ------------------------------------------------------------------------------------

def night_at(exhibition: Exhibition, instant: datetime, timezone: str) -> date:
    """The festival night an instant belongs to, named by the local date on which it opens.

    The day is cut in the middle of the closed hours: a scan at 00:40 after a night that
    closes at 23:00 (or at 01:00) still belongs to the night that opened the evening before.
    """
    local = instant.astimezone(ZoneInfo(timezone))
    opens = exhibition.opens_at.hour * 60 + exhibition.opens_at.minute
    closes = exhibition.closes_at.hour * 60 + exhibition.closes_at.minute
    gap = (opens - closes) % 1440
    cut = (closes + gap // 2) % 1440
    if cut <= opens:
        return (local - timedelta(minutes=cut)).date()
    return (local + timedelta(minutes=1440 - cut)).date()


def tonight(exhibition: Exhibition, tenant: Tenant, now: datetime | None = None) -> date:
    return night_at(exhibition, now or utcnow(), tenant.timezone)


# --- scanning ----------------------------------------------------------------------------------

def check_gate(exhibition: Exhibition, gate: Gate) -> None:
    """A scan needs an open gate of this exhibition (reads loaded attributes only)."""
    if gate.exhibition_id != exhibition.id:
        raise NotFound(str(MESSAGES["gate_elsewhere"]))
    if not gate.is_active:
        raise Conflict(str(MESSAGES["gate_inactive"]))


def scan(tenant: Tenant, exhibition: Exhibition, gate: Gate, raw: str, *, device: str,
         user_id: int | None = None, scanned_at: datetime | None = None,
         offline_result: str | None = None, now: datetime | None = None) -> ScanOutcome:
    """Answer one scan at ``gate`` and record it; admits the ticket if it may enter now.

    Foreign and forged payloads are answered before any database access and not recorded.
    """
    check_gate(exhibition, gate)
    reading = verify.read(raw, tenant)
    if reading.refusal is not None:
        return ScanOutcome(reading.refusal)
    now = now or utcnow()
    outcome = _judge_and_record(tenant, exhibition, gate, reading.code, device=device,
                                user_id=user_id, at=scanned_at or now,
                                offline=scanned_at is not None, offline_result=offline_result)
    outcome.counts = counts.night_counts(exhibition.id, tonight(exhibition, tenant, now), gate.id)
    return outcome


def sync(tenant: Tenant, exhibition: Exhibition, gate: Gate, scans: list[OfflineScan], *,
         device: str, user_id: int | None = None, now: datetime | None = None
         ) -> tuple[list[ScanOutcome], counts.Counts]:
    """Record a device's queued scans in the order they were made; answers in the order sent.

    Each queued scan is its own savepoint: a scan already recorded (the same batch sent again,
    even concurrently) is answered from its record and written nothing new. An offline
    admission of a ticket another device admitted first becomes a conflict, counted once.
    """
    check_gate(exhibition, gate)
    if len(scans) > MAX_SYNC:
        raise DomainError(str(MESSAGES["too_many"]) % {"count": MAX_SYNC})
    outcomes: list[ScanOutcome | None] = [None] * len(scans)
    for index in sorted(range(len(scans)), key=lambda i: scans[i].scanned_at):
        outcomes[index] = _sync_one(tenant, exhibition, gate, scans[index], device, user_id)
    now = now or utcnow()
    return outcomes, counts.night_counts(exhibition.id, tonight(exhibition, tenant, now), gate.id)


def _sync_one(tenant: Tenant, exhibition: Exhibition, gate: Gate, queued: OfflineScan,
              device: str, user_id: int | None) -> ScanOutcome:
    reading = verify.read(queued.code, tenant)
    if reading.refusal is not None:
        return ScanOutcome(reading.refusal, scanned_at=queued.scanned_at)
    try:
        with db.session.begin_nested():
            return _judge_and_record(tenant, exhibition, gate, reading.code, device=device,
                                     user_id=user_id, at=queued.scanned_at, offline=True,
                                     offline_result=queued.offline_result)
    except IntegrityError:
        # The same queued scan was recorded by a concurrent request meanwhile.
        ticket = _find_ticket(reading.code)
        prior = _recorded(device, ticket, queued.scanned_at)
        if prior is None:
            raise
        return _replay(prior, ticket)


def _find_ticket(code: str) -> Ticket | None:
    if not code:
        return None
    return db.session.scalar(select(Ticket).where(Ticket.code == code))


def _recorded(device: str, ticket: Ticket | None, at: datetime) -> CheckIn | None:
    """The record of this very scan (same device, ticket and device time), if it exists."""
    ticket_match = CheckIn.ticket_id.is_(None) if ticket is None else CheckIn.ticket_id == ticket.id
    return db.session.scalar(select(CheckIn).where(CheckIn.device == device, ticket_match,
                                                   CheckIn.scanned_at == at))


def _replay(prior: CheckIn, ticket: Ticket | None) -> ScanOutcome:
    return ScanOutcome(prior.result, ticket, prior.scanned_at, _admitting_gate_name(ticket))


def _judge_and_record(tenant: Tenant, exhibition: Exhibition, gate: Gate, code: str, *,
                      device: str, user_id: int | None, at: datetime, offline: bool,
                      offline_result: str | None) -> ScanOutcome:
    ticket = _find_ticket(code)
    if offline:
        prior = _recorded(device, ticket, at)
        if prior is not None:
            return _replay(prior, ticket)
    result = _judge(exhibition, gate, ticket, at)
    if result is None:
        db.session.refresh(ticket)  # the update found it used or voided meanwhile
        result = _judge(exhibition, gate, ticket, at, admit=False)
    if result == CheckIn.ALREADY_USED and offline_result == OFFLINE_ADMITTED \
            and _admitted_elsewhere(ticket, device):
        result = CheckIn.CONFLICT
    admitted = result == CheckIn.ADMITTED
    night = ticket.slot.night if ticket is not None else night_at(exhibition, at, tenant.timezone)
    db.session.add(CheckIn(
        tenant_id=tenant.id, exhibition_id=exhibition.id, gate_id=gate.id,
        ticket_id=ticket.id if ticket else None, slot_id=ticket.slot_id if ticket else None,
        device=device, user_id=user_id, scanned_at=at, result=result,
        persons=ticket.persons if admitted else 0, offline=offline, night=night))
    if admitted:
        counts.add_entry(tenant.id, exhibition.id, night, ticket.slot_id, gate.id, ticket.persons)
    db.session.flush()
    metrics.checkin_recorded(result)
    used_gate = None if admitted else _admitting_gate_name(ticket)
    return ScanOutcome(result, ticket, at, used_gate)


def _judge(exhibition: Exhibition, gate: Gate, ticket: Ticket | None, at: datetime,
           admit: bool = True) -> str | None:
    """The result for this ticket; admits it when it may enter. None: the update lost a race."""
    if ticket is None:
        return CheckIn.UNKNOWN
    if ticket.status == Ticket.VOID or ticket.order.status in _CANCELLED_ORDERS:
        return CheckIn.VOID
    if ticket.status == Ticket.USED:
        return CheckIn.ALREADY_USED
    if not within_tolerance(exhibition, ticket, at):
        return CheckIn.WRONG_SLOT
    if not admit:
        return CheckIn.ALREADY_USED
    return CheckIn.ADMITTED if _admit(ticket, gate, at) else None


def within_tolerance(exhibition: Exhibition, ticket: Ticket, at: datetime) -> bool:
    """Whether ``at`` is inside the ticket's slot widened by the exhibition's early/late minutes."""
    slot = ticket.slot
    if slot.exhibition_id != exhibition.id:
        return False
    earliest = slot.starts_at - timedelta(minutes=exhibition.checkin_early_minutes)
    latest = slot.ends_at + timedelta(minutes=exhibition.checkin_late_minutes)
    return earliest <= at <= latest


def _admit(ticket: Ticket, gate: Gate, at: datetime) -> bool:
    """The one conditional update that admits a ticket: True for exactly one caller."""
    changed = db.session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == Ticket.VALID)
        .values(status=Ticket.USED, used_at=at, used_gate_id=gate.id)
        .execution_options(synchronize_session=False)).rowcount
    if changed == 1:
        # Keep the loaded object truthful without reading it again or writing it twice.
        for key, value in (("status", Ticket.USED), ("used_at", at), ("used_gate_id", gate.id)):
            set_committed_value(ticket, key, value)
        return True
    return False


def _admitted_elsewhere(ticket: Ticket, device: str) -> bool:
    """Whether the admission of ``ticket`` was made by another device than ``device``."""
    admitting_device = db.session.scalar(
        select(CheckIn.device).where(CheckIn.ticket_id == ticket.id,
                                     CheckIn.result == CheckIn.ADMITTED))
    return admitting_device != device


def _admitting_gate_name(ticket: Ticket | None) -> str | None:
    if ticket is None or ticket.used_gate_id is None:
        return None
    return db.session.scalar(select(Gate.name).where(Gate.id == ticket.used_gate_id))


# --- conflicts of a night ------------------------------------------------------------------------

@dataclass(frozen=True)
class ConflictEntry:
    """A ticket admitted offline at a second device: who admitted it, who also let it in, when."""

    code: str
    gates: list[str]
    at: datetime


def conflicts_of(exhibition_id: int, night: date) -> list[ConflictEntry]:
    """The night's conflicts, oldest first."""
    rows = db.session.execute(
        select(CheckIn.scanned_at, CheckIn.gate_id, Ticket.code, Ticket.used_gate_id)
        .join(Ticket, Ticket.id == CheckIn.ticket_id)
        .where(CheckIn.exhibition_id == exhibition_id, CheckIn.night == night,
               CheckIn.result == CheckIn.CONFLICT)
        .order_by(CheckIn.scanned_at, CheckIn.id)).all()
    if not rows:
        return []
    names = dict(db.session.execute(select(Gate.id, Gate.name)
                                    .where(Gate.exhibition_id == exhibition_id)).all())
    return [ConflictEntry(row.code, [names.get(row.used_gate_id, "?"), names.get(row.gate_id, "?")],
                          row.scanned_at) for row in rows]


# --- gates ---------------------------------------------------------------------------------------

def gates_of(exhibition_id: int, active_only: bool = False) -> list[Gate]:
    query = select(Gate).where(Gate.exhibition_id == exhibition_id)
    if active_only:
        query = query.where(Gate.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Gate.name, Gate.id)))


def _clean_name(exhibition_id: int, name: str, other_than: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise DomainError(str(MESSAGES["gate_name"]))
    taken = select(Gate.id).where(Gate.exhibition_id == exhibition_id, Gate.name == name)
    if other_than is not None:
        taken = taken.where(Gate.id != other_than)
    if db.session.scalar(taken) is not None:
        raise DomainError(str(MESSAGES["gate_taken"]))
    return name


def create_gate(tenant: Tenant, exhibition: Exhibition, name: str, actor: User | None) -> Gate:
    """A new open gate of ``exhibition``."""
    gate = Gate(tenant_id=tenant.id, exhibition_id=exhibition.id,
                name=_clean_name(exhibition.id, name), is_active=True, created_at=utcnow())
    db.session.add(gate)
    db.session.flush()
    record_event("festival.checkin.gate.created", actor=actor, gate=gate.name,
                 exhibition=exhibition.slug)
    return gate


def rename_gate(gate: Gate, name: str, actor: User | None) -> None:
    """Give a gate a new name; its scans keep pointing at it."""
    previous = gate.name
    gate.name = _clean_name(gate.exhibition_id, name, other_than=gate.id)
    db.session.flush()
    if gate.name != previous:
        record_event("festival.checkin.gate.renamed", actor=actor, gate=gate.name,
                     previous=previous)


def set_gate_active(gate: Gate, active: bool, actor: User | None) -> None:
    """Close a gate to scanning (its counts stay) or open it again."""
    if gate.is_active == active:
        return
    gate.is_active = active
    db.session.flush()
    record_event("festival.checkin.gate.reopened" if active else "festival.checkin.gate.closed",
                 actor=actor, gate=gate.name)
