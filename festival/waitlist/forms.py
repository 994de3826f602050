"""Forms of the waiting list: joining a night's list, and buying with the places held.

Field validation only; the list's rules (fits, already waiting, persons held) are judged by
festival.waitlist.services.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import NumberRange

from festival.core.forms import (
    WholeNumberField,
    email_field_validators,
    input_required,
    max_length,
    optional,
    required,
)
from festival.ticketing.models import TicketType
from festival.ticketing.store_forms import QUANTITY_PREFIX, CheckoutForm
from festival.waitlist.models import WaitingRequest

STATUS_LABELS = {
    WaitingRequest.WAITING: _l("Waiting"),
    WaitingRequest.OFFERED: _l("Places held"),
    WaitingRequest.FULFILLED: _l("Tickets ordered"),
    WaitingRequest.LAPSED: _l("Hold lapsed"),
    WaitingRequest.WITHDRAWN: _l("Withdrawn"),
}
MAX_GROUP = 100  # no entry slot is that large; the service names the night's real limit


class JoinForm(FlaskForm):
    persons = WholeNumberField(_l("Persons in your group"), validators=[
        input_required(), NumberRange(min=1, max=MAX_GROUP,
                                      message=_l("Enter a number from %(min)s to %(max)s."))])
    name = StringField(_l("Name"), validators=[required(), max_length(160)])
    email = EmailField(_l("Email"), validators=email_field_validators())


class HoldPurchaseForm(CheckoutForm):
    """The checkout's quantities and voucher; slot, name and email come from the request."""

    slot = None
    email = None
    name = None
    voucher = StringField(_l("Voucher code (optional)"), validators=[optional(), max_length(40)])


def hold_purchase_form(ticket_types: list[TicketType]) -> HoldPurchaseForm:
    """A purchase form with one quantity field per ticket type of the exhibition."""

    class TypesPurchaseForm(HoldPurchaseForm):
        pass

    for tt in ticket_types:
        setattr(TypesPurchaseForm, f"{QUANTITY_PREFIX}{tt.id}",
                WholeNumberField(default=0, validators=[optional()]))
    return TypesPurchaseForm()
