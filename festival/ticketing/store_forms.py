"""Forms of the visitor's shop: the checkout of a night and the test gateway's decision.

Field validation only (types, required, lengths); quantities, limits, slots and vouchers are
judged by orders.create_order, so the shop, the box office and the API refuse alike.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField

from festival.core.forms import (
    ChoiceField,
    WholeNumberField,
    email_field_validators,
    max_length,
    optional,
    required,
)
from festival.ticketing.models import TicketType

QUANTITY_PREFIX = "quantity_"


class CheckoutForm(FlaskForm):
    # Rendered as radio buttons; an id outside the night is refused by the view, a closed or
    # sold-out slot by the service, each with its own message.
    slot = WholeNumberField(_l("Entry time"), validators=[optional()])
    voucher = StringField(_l("Voucher code (optional)"), validators=[optional(), max_length(40)])
    email = EmailField(_l("Email"), validators=email_field_validators())
    name = StringField(_l("Name"), validators=[required(), max_length(160)])

    def quantity_fields(self) -> list:
        return [field for field in self if field.name.startswith(QUANTITY_PREFIX)]

    def quantities(self) -> dict[int, int]:
        """Ticket type id → quantity entered (an empty field counts as none)."""
        return {int(field.name.removeprefix(QUANTITY_PREFIX)): field.data or 0
                for field in self.quantity_fields()}


def checkout_form(ticket_types: list[TicketType]) -> CheckoutForm:
    """A checkout form with one quantity field per ticket type of the exhibition."""

    class NightCheckoutForm(CheckoutForm):
        pass

    for tt in ticket_types:
        setattr(NightCheckoutForm, f"{QUANTITY_PREFIX}{tt.id}",
                WholeNumberField(default=0, validators=[optional()]))
    return NightCheckoutForm()


class GatewayDecisionForm(FlaskForm):
    decision = ChoiceField(choices=[("pay", _l("Pay")), ("cancel", _l("Cancel"))])
