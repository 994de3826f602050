"""What both portals' booking pages do alike after a step: show the stored booking again with
the reason a step was refused, or go back to it with a confirmation."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, redirect, url_for

from festival.booking.models import Booking
from festival.core.db import db
from festival.core.errors import DomainError


def refused(detail_page: Callable, booking: Booking, error: DomainError, **forms):
    """Undo what the refused step flushed and show the stored booking with the reason (under the
    form that was sent, or on the page)."""
    db.session.rollback()
    g.rolled_back = True
    for form in forms.values():
        form.form_errors.append(error.message)
    return detail_page(booking, error.status_code, "" if forms else error.message, **forms)


def done(booking: Booking, message: str):
    """Back to the booking's page of the portal the request came from."""
    flash(message, "success")
    return redirect(url_for(".booking_detail", booking_id=booking.id))
