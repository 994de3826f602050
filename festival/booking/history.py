"""A booking's history in words, the same on both portals: what happened, who did it, and what a
counter-offer changed."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.booking import services
from festival.booking.models import Booking
from festival.core.i18n import format_local_date, format_money

EVENT_LABELS = {
    "requested": _l("Request sent"), "accepted": _l("Accepted"), "declined": _l("Declined"),
    "countered": _l("Counter-offer"), "counter_accepted": _l("Counter-offer accepted"),
    "counter_rejected": _l("Counter-offer rejected"), "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
}


def event_label(kind: str) -> str:
    if kind in EVENT_LABELS:
        return str(EVENT_LABELS[kind])
    return services.status_label(kind) if kind in services.STATUS_LABELS else kind.replace("_", " ")


def change_text(change: dict, booking: Booking, locale: str) -> str:
    """One change of a counter-offer, as the engine records it, in words."""
    if "weekly_price" in change:
        before, after = change["weekly_price"]
        return _("%(code)s: weekly price %(before)s → %(after)s", code=change["line"],
                 before=format_money(before, booking.currency), after=format_money(after, booking.currency))
    if "dates" in change:
        shown = [format_local_date(date.fromisoformat(value), locale=locale) for value in change["dates"]]
        return _("%(code)s: on site %(before_from)s – %(before_until)s → %(after_from)s – %(after_until)s",
                 code=change["line"], before_from=shown[0], before_until=shown[1],
                 after_from=shown[2], after_until=shown[3])
    names = {item.id: item.name(locale) or item.kind for item in booking.services}
    before, after = change.get("unit_price", ("", ""))
    return _("%(service)s: unit price %(before)s → %(after)s", service=names.get(change.get("service"), ""),
             before=format_money(before, booking.currency), after=format_money(after, booking.currency))


def history(booking: Booking, locale: str, side_labels: dict) -> list[dict]:
    """The booking's events for a page; ``side_labels`` names the two parties as the reader sees them."""
    return [{"at": event.created_at, "what": event_label(event.kind),
             "side": str(side_labels.get(event.side, event.side)), "message": event.message,
             "changes": [change_text(change, booking, locale)
                         for change in (event.data or {}).get("changes", [])]}
            for event in booking.events]
