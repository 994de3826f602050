"""Forms of the supplier's booking pages: the inbox filter, a reason to decline or cancel, the
counter-offer (one row per lamp group line and per service line), and the next step after the
contract. Field validation only; the rules are in festival/booking/services.py."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError

from festival.booking.models import Booking, BookingLine, BookingServiceLine
from festival.booking.services import MAX_REASON, CounterOffer, parse_money, status_label
from festival.core.errors import DomainError
from festival.core.forms import ChoiceField, LocalDateField, input_required, max_length, optional, required

# What the supplier moves a booking on to from this page once it is back from the exhibition;
# the steps in between (contract, deposit, shipping) have their own pages.
NEXT_STEPS = {Booking.ON_SITE: Booking.RETURNED, Booking.RETURNED: Booking.CLOSED}

UNIT_LABELS = {"day": _l("per day"), "week": _l("per week"), "event": _l("per event")}


def status_choices() -> list[tuple[str, str]]:
    """The inbox filter: every status a booking addressed to a supplier can have."""
    return [("", str(_l("All bookings")))] + [
        (status, status_label(status)) for status in Booking.STATUSES if status != Booking.DRAFT]


class ReasonForm(FlaskForm):
    """A step with a reason (decline, reject, cancel): the other party reads it in the email."""

    reason = TextAreaField(_l("Reason"), validators=[required(), max_length(MAX_REASON)])


class DeclineForm(ReasonForm):
    """Declining and cancelling share one page, hence their own element ids (the field name
    stays ``reason``, so no prefix changes the CSRF field's name)."""

    reason = TextAreaField(_l("Reason for declining"), id="decline-reason",
                           validators=[required(), max_length(MAX_REASON)])


class CancelForm(ReasonForm):
    reason = TextAreaField(_l("Reason for cancelling"), id="cancel-reason",
                           validators=[required(), max_length(MAX_REASON)])


class NextStepForm(FlaskForm):
    status = ChoiceField(_l("Next step"), validators=[required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(step, status_label(step)) for step in NEXT_STEPS.values()]


def _money(field) -> Decimal:
    """The amount typed in ``field`` (validated already)."""
    return parse_money(field.data)


class _Amount:
    """A price typed by a person; the engine's parser says what is wrong with it."""

    def __call__(self, form, field) -> None:
        try:
            parse_money(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from None


class CounterForm(FlaskForm):
    message = TextAreaField(_l("Message to the venue partner"),
                            validators=[optional(), max_length(MAX_REASON)])


def counter_form(booking: Booking, locale: str, formdata=None) -> CounterForm:
    """The counter-offer form of ``booking``, prefilled with its current terms. Fields are
    numbered by position (``price_1``, ``arrives_1``…), not by row id."""

    class BookingCounterForm(CounterForm):
        pass

    for index, line in enumerate(booking.lines, 1):
        names = {"code": line.lamp_group_code}
        setattr(BookingCounterForm, f"price_{index}", StringField(
            _l("Weekly price of %(code)s", **names), validators=[required(), _Amount()]))
        setattr(BookingCounterForm, f"arrives_{index}", LocalDateField(
            _l("%(code)s arrives on site on", **names), validators=[input_required()]))
        setattr(BookingCounterForm, f"until_{index}", LocalDateField(
            _l("%(code)s leaves the site on", **names), validators=[input_required()]))
    for index, item in enumerate(booking.services, 1):
        setattr(BookingCounterForm, f"service_price_{index}", StringField(
            _l("Unit price of %(service)s", service=item.name(locale) or item.kind),
            validators=[required(), _Amount()]))
    data = {f"price_{index}": str(line.weekly_price) for index, line in enumerate(booking.lines, 1)}
    data |= {f"arrives_{index}": line.arrives_on for index, line in enumerate(booking.lines, 1)}
    data |= {f"until_{index}": line.on_site_until for index, line in enumerate(booking.lines, 1)}
    data |= {f"service_price_{index}": str(item.unit_price)
             for index, item in enumerate(booking.services, 1)}
    return BookingCounterForm(formdata=formdata, data=data)


def counter_rows(form: CounterForm, booking: Booking) -> tuple[list, list]:
    """(line, price, arrives, until) and (service line, price) fields, for the template."""
    lines = [(line, form[f"price_{i}"], form[f"arrives_{i}"], form[f"until_{i}"])
             for i, line in enumerate(booking.lines, 1)]
    services = [(item, form[f"service_price_{i}"]) for i, item in enumerate(booking.services, 1)]
    return lines, services


def counter_offer(form: CounterForm, booking: Booking) -> CounterOffer:
    """The engine's CounterOffer from a validated form: every line's terms, changed or not (the
    engine keeps the unchanged ones and refuses an offer that changes nothing)."""
    lines: list[BookingLine] = list(booking.lines)
    services: list[BookingServiceLine] = list(booking.services)
    return CounterOffer(
        weekly_prices={line.id: _money(form[f"price_{i}"]) for i, line in enumerate(lines, 1)},
        dates={line.id: (form[f"arrives_{i}"].data, form[f"until_{i}"].data)
               for i, line in enumerate(lines, 1)},
        service_prices={item.id: _money(form[f"service_price_{i}"]) for i, item in enumerate(services, 1)},
        message=form.message.data or "")
