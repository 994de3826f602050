"""A scan outcome as the gate shows it: the JSON of the scanner page and of the API, with a
headline and a sentence in the staff's language, times on the tenant's clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from festival.checkin.counts import Counts
from festival.checkin.services import ConflictEntry, ScanOutcome
from festival.core.i18n import current_locale, format_local_date
from festival.tenants.models import Tenant
from festival.ticketing.models import Ticket

HEADLINES = {
    "admitted": _l("Admitted"),
    "already_used": _l("Already used"),
    "wrong_slot": _l("Wrong night or time"),
    "void": _l("Void ticket"),
    "unknown": _l("Unknown ticket"),
    "foreign": _l("Not valid here"),
    "forged": _l("Invalid QR code"),
    "conflict": _l("Conflict: admitted twice offline"),
}
FIXED_DETAILS = {
    "void": _l("This ticket was cancelled or refunded. Do not admit."),
    "unknown": _l("No ticket has this code. Check the code, or send the visitor to the box office."),
    # Names nothing of the other organisation: the payload's slug is not repeated to staff.
    "foreign": _l("This ticket is not for this festival. Do not admit."),
    "forged": _l("This QR code was not issued by this festival or was altered. Do not admit."),
}


def _clock(value: datetime, zone: ZoneInfo) -> str:
    return format_time(value, "short", tzinfo=zone, locale=current_locale())


def _slot_time(ticket: Ticket, zone: ZoneInfo) -> str:
    """The slot's start as data (24-hour ``19:30`` on the tenant's clock), not prose."""
    return ticket.slot.starts_at.astimezone(zone).strftime("%H:%M")


def detail(outcome: ScanOutcome, tenant: Tenant) -> str:
    """The sentence under the headline, in the staff's language."""
    zone = ZoneInfo(tenant.timezone)
    ticket = outcome.ticket
    if outcome.result in FIXED_DETAILS or ticket is None:
        return str(FIXED_DETAILS.get(outcome.result, ""))
    if outcome.result == "admitted":
        return ngettext("%(type)s · %(num)d person", "%(type)s · %(num)d persons", ticket.persons,
                        type=type_name(ticket, tenant))
    if outcome.result == "wrong_slot":
        return _("This ticket is for %(night)s at %(time)s.",
                 night=format_local_date(ticket.slot.night, "full"),
                 time=_clock(ticket.slot.starts_at, zone))
    gate = outcome.used_gate or _("another gate")
    when = _clock(ticket.used_at, zone) if ticket.used_at else ""
    if outcome.result == "conflict":
        return _("Admitted offline here, but %(gate)s admitted it first at %(time)s. Counted once.",
                 gate=gate, time=when)
    used_day = ticket.used_at.astimezone(zone).date() if ticket.used_at else None
    if used_day and outcome.scanned_at and used_day != outcome.scanned_at.astimezone(zone).date():
        return _("Used on %(date)s at %(time)s at %(gate)s", gate=gate, time=when,
                 date=format_local_date(ticket.used_at.astimezone(zone).date()))
    return _("Used at %(time)s at %(gate)s", time=when, gate=gate)


def type_name(ticket: Ticket, tenant: Tenant) -> str:
    return ticket.ticket_type.name(current_locale(), tenant.default_locale)


def ticket_json(ticket: Ticket | None, tenant: Tenant) -> dict | None:
    if ticket is None:
        return None
    zone = ZoneInfo(tenant.timezone)
    return {"code": ticket.code, "type": type_name(ticket, tenant), "persons": ticket.persons,
            "night": ticket.slot.night.isoformat(), "slot": _slot_time(ticket, zone)}


def counts_json(counts: Counts | None) -> dict | None:
    return None if counts is None else {"gate": counts.gate, "night": counts.night}


def scan_json(outcome: ScanOutcome, tenant: Tenant, with_counts: bool = True) -> dict:
    """The scan answer of the JSON contract (counts are null for refused payloads)."""
    body = {"result": outcome.result, "headline": str(HEADLINES[outcome.result]),
            "detail": detail(outcome, tenant), "ticket": ticket_json(outcome.ticket, tenant)}
    if with_counts:
        body["counts"] = counts_json(outcome.counts)
    return body


def conflict_json(entry: ConflictEntry, tenant: Tenant) -> dict:
    zone = ZoneInfo(tenant.timezone)
    return {"code": entry.code, "gates": entry.gates,
            "at": entry.at.astimezone(zone).isoformat(timespec="seconds"),
            "time": _clock(entry.at, zone)}
