"""Forms of the sales pages in the tenant portal, and the translated labels of their choices.

Field validation only (types, required, lengths); the rules (price digits, limits, capacity)
are the services'. Choices are built per request from the tenant's languages and objects.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email

from festival.core.forms import (
    AmountField,
    ChoiceField,
    MultiCheckboxField,
    WholeNumberField,
    _OwnParseError,
    input_required,
    max_length,
    optional,
    required,
)
from festival.core.i18n import NATIVE_NAMES, display_timezone
from festival.payments.gateways import CARD_ON_SITE, CASH, STRIPE, TEST
from festival.ticketing.models import Order, TicketType, Voucher

# --- labels of stored values ------------------------------------------------------------------

CATEGORY_LABELS = {
    TicketType.ADULT: _l("Adult"),
    TicketType.CHILD: _l("Child"),
    TicketType.CONCESSION: _l("Concession"),
    TicketType.FAMILY: _l("Family"),
    TicketType.VIP: _l("VIP"),
    TicketType.PASS: _l("Season or multi-visit pass"),
}
STATUS_LABELS = {
    Order.PENDING: _l("Pending payment"),
    Order.PAID: _l("Paid"),
    Order.CANCELLED: _l("Cancelled"),
    Order.EXPIRED: _l("Expired"),
    Order.REFUNDED: _l("Refunded"),
}
# "Box office" names a staff role in the catalogs; a sales channel reads differently.
CHANNEL_LABELS = {Order.ONLINE: _l("Online"), Order.BOX_OFFICE: _l("Sold at the box office"),
                  Order.API: _l("API"), Order.PASS: _l("Reserved with a pass"),
                  Order.GROUP: _l("Tour operator's group block")}
METHOD_LABELS = {
    TEST: _l("Test payment"),
    STRIPE: _l("Card (Stripe)"),
    CASH: _l("Cash"),
    CARD_ON_SITE: _l("Card on site"),
    "invoice": _l("Invoice"),
    "pass": _l("Pass"),
}
TICKET_STATUS_LABELS = {"valid": _l("Valid"), "used": _l("Used"), "void": _l("Void")}
VOUCHER_KIND_LABELS = {Voucher.PERCENT: _l("Percentage"), Voucher.FIXED: _l("Fixed amount")}


def label(labels: dict, value: str) -> str:
    """The translated label of a stored value; the value itself if it has none."""
    text = labels.get(value)
    return str(text) if text is not None else value


# --- field types ------------------------------------------------------------------------------

def plain_decimal(value: Decimal) -> Decimal:
    """A stored rate or amount without trailing zeros, for a form to show: 10, 5.5, 18.5."""
    return Decimal(format(value.normalize(), "f"))


class LocalDateTimeField(_OwnParseError, DateTimeLocalField):
    """A date and time on the tenant's clock; ``data`` is aware (convert it to UTC to store)."""

    parse_error = _l("Enter a date and time, for example 2026-12-31 18:30.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("tz", display_timezone)
        # The first format is how the value is shown: the form browsers' pickers fill in.
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                                     "%Y-%m-%d %H:%M:%S"])
        super().__init__(*args, **kwargs)


def _language_fields(form_class: type, offered: list[str], prefix: str, caption: Callable[[str], str],
                     field_type: type, limit: int) -> None:
    """One field per offered language, named ``<prefix>_<code>``, captioned in the page's language."""
    for code in offered:
        setattr(form_class, f"{prefix}_{code}", field_type(
            caption(NATIVE_NAMES[code]), validators=[optional(), max_length(limit)]))


# --- ticket types and vouchers ---------------------------------------------------------------

class TicketTypeForm(FlaskForm):
    category = ChoiceField(_l("Category"), validators=[required()])
    price = AmountField(_l("Price"), validators=[input_required()])
    vat_rate = AmountField(_l("VAT rate (%)"), validators=[input_required()])
    persons = WholeNumberField(_l("Persons admitted per ticket"), default=1, validators=[input_required()])
    visits = WholeNumberField(_l("Entries of a multi-visit pass (empty: every night of the season)"),
                              validators=[optional()])
    sale_starts_at = LocalDateTimeField(_l("Sale starts (local time, optional)"), validators=[optional()])
    sale_ends_at = LocalDateTimeField(_l("Sale ends (local time, optional)"), validators=[optional()])
    min_per_order = WholeNumberField(_l("Minimum per order"), default=0, validators=[input_required()])
    max_per_order = WholeNumberField(_l("Maximum per order"), default=10, validators=[input_required()])
    position = WholeNumberField(_l("Position in the list"), default=0, validators=[optional()])
    is_active = BooleanField(_l("On sale"), default=True)


def ticket_type_form(offered: list[str], **kwargs) -> TicketTypeForm:
    """A ticket type form with a name field per language the tenant offers."""

    class TenantTicketTypeForm(TicketTypeForm):
        pass

    _language_fields(TenantTicketTypeForm, offered, "name",
                     lambda language: _("Name (%(language)s)", language=language), StringField, 80)
    form = TenantTicketTypeForm(**kwargs)
    form.category.choices = [(key, str(text)) for key, text in CATEGORY_LABELS.items()]
    return form


class VoucherForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), max_length(40)])
    kind = ChoiceField(_l("Discount"), validators=[required()])
    value = AmountField(_l("Value (percent, or an amount in your currency)"), validators=[input_required()])
    max_uses = WholeNumberField(_l("Maximum uses (empty: unlimited)"), validators=[optional()])
    valid_from = LocalDateTimeField(_l("Valid from (local time, optional)"), validators=[optional()])
    valid_until = LocalDateTimeField(_l("Valid until (local time, optional)"), validators=[optional()])
    ticket_type_ids = MultiCheckboxField(_l("Ticket types (none chosen: all)"), validators=[optional()])
    is_active = BooleanField(_l("Active"), default=True)


def voucher_form(ticket_types: list[tuple[int, str]], **kwargs) -> VoucherForm:
    form = VoucherForm(**kwargs)
    form.kind.choices = [(key, str(text)) for key, text in VOUCHER_KIND_LABELS.items()]
    form.ticket_type_ids.choices = [(str(type_id), name) for type_id, name in ticket_types]
    return form


# --- sales settings -----------------------------------------------------------------------------

class SalesSettingsForm(FlaskForm):
    vat_mode = ChoiceField(_l("Ticket prices"), validators=[required()])
    default_vat_rate = AmountField(_l("Default VAT rate for new ticket types (%)"),
                                   validators=[input_required()])
    cancellation = ChoiceField(_l("Visitors cancelling their own order"), validators=[required()])
    cancel_hours = WholeNumberField(_l("Until how many hours before the entry slot"),
                                    validators=[optional()])
    night_change = ChoiceField(_l("Visitors changing the night of their order"), validators=[required()])
    change_hours = WholeNumberField(_l("Until how many hours before the entry slot"),
                                    validators=[optional()])
    price_rule = ChoiceField(_l("When a moved order's tickets cost less now"), validators=[required()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for choice, hours in ((self.cancellation, self.cancel_hours), (self.night_change, self.change_hours)):
            if choice.data == "allowed" and hours.data is None and not hours.errors:
                hours.errors.append(_("Enter the number of hours."))
                valid = False
        return valid


def sales_settings_form(offered: list[str], **kwargs) -> SalesSettingsForm:
    class TenantSalesSettingsForm(SalesSettingsForm):
        pass

    _language_fields(TenantSalesSettingsForm, offered, "terms",
                     lambda language: _("Ticket terms (%(language)s)", language=language),
                     TextAreaField, 2000)
    form = TenantSalesSettingsForm(**kwargs)
    form.vat_mode.choices = [("include", _("include VAT")), ("exclude", _("exclude VAT (VAT is added)"))]
    form.cancellation.choices = [("off", _("not allowed: visitors ask you")),
                                 ("allowed", _("allowed until a number of hours before the slot"))]
    form.night_change.choices = list(form.cancellation.choices)
    form.price_rule.choices = [("keep", _("the visitor keeps the booking as paid")),
                               ("refund", _("the difference is refunded to the visitor"))]
    return form


# --- orders ---------------------------------------------------------------------------------------

class RefundForm(FlaskForm):
    whole = HiddenField()
    ticket_ids = MultiCheckboxField(_l("Tickets to refund"), validators=[optional()])
    reason = StringField(_l("Reason (for the audit log)"), validators=[optional(), max_length(200)])


def refund_form(tickets: list[tuple[int, str]], **kwargs) -> RefundForm:
    form = RefundForm(**kwargs)
    form.ticket_ids.choices = [(str(ticket_id), text) for ticket_id, text in tickets]
    return form


class ResendForm(FlaskForm):
    email = EmailField(_l("Send to (empty: the order's address)"), validators=[
        optional(), max_length(254), Email(message=_l("Enter a valid email address."),
                                           check_deliverability=False)])


class BoxOfficeForm(FlaskForm):
    name = StringField(_l("Buyer's name (optional)"), validators=[optional(), max_length(160)])
    email = EmailField(_l("Buyer's email (optional: tickets are sent there)"), validators=[
        optional(), max_length(254), Email(message=_l("Enter a valid email address."),
                                           check_deliverability=False)])
    locale = ChoiceField(_l("Language of the tickets"), validators=[required()])
    payment_method = ChoiceField(_l("Payment"), validators=[required()])


def box_office_form(ticket_types: list[tuple[int, str]], offered: list[str], **kwargs) -> BoxOfficeForm:
    """Quantity fields ``qty_<ticket type id>`` for the slot's exhibition, then buyer and payment."""

    class SlotBoxOfficeForm(BoxOfficeForm):
        pass

    for type_id, name in ticket_types:
        setattr(SlotBoxOfficeForm, f"qty_{type_id}", WholeNumberField(name, default=0,
                                                                      validators=[optional()]))
    form = SlotBoxOfficeForm(**kwargs)
    form.locale.choices = [(code, NATIVE_NAMES[code]) for code in offered]
    form.payment_method.choices = [(CASH, str(METHOD_LABELS[CASH])),
                                   (CARD_ON_SITE, str(METHOD_LABELS[CARD_ON_SITE]))]
    return form
