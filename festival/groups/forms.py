"""Forms of the tour-operator pages: field validation only; the rules are in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField

from festival.core.forms import (
    AmountField,
    ChoiceField,
    LocalDateField,
    WholeNumberField,
    email_field_validators,
    input_required,
    max_length,
    optional,
    required,
)
from festival.core.i18n import LOCALES, NATIVE_NAMES


class OperatorForm(FlaskForm):
    company_name = StringField(_l("Company"), validators=[required(), max_length(160)])
    contact_name = StringField(_l("Contact person"), validators=[optional(), max_length(160)])
    email = EmailField(_l("Email (the booking link is sent there)"), validators=email_field_validators())
    locale = ChoiceField(_l("Language of its emails, pages and invoices"), validators=[required()])
    address = TextAreaField(_l("Billing address"), validators=[optional(), max_length(1000)])
    tax_id = StringField(_l("VAT / tax number"), validators=[optional(), max_length(40)])
    payment_terms_days = WholeNumberField(_l("Payment terms (days from the invoice date)"),
                                          default=30, validators=[input_required()])
    is_active = BooleanField(_l("Active (may book with its link)"), default=True)


def operator_form(**kwargs) -> OperatorForm:
    form = OperatorForm(**kwargs)
    form.locale.choices = [(code, NATIVE_NAMES[code]) for code in LOCALES]
    return form


class InvoiceDetailsForm(FlaskForm):
    legal_address = TextAreaField(_l("Your postal address on invoices"),
                                  validators=[optional(), max_length(1000)])
    tax_id = StringField(_l("Your VAT / tax number"), validators=[optional(), max_length(40)])
    group_release_days = WholeNumberField(_l("Days after the reminder before an unpaid block is released"),
                                          validators=[input_required()])


class TransferForm(FlaskForm):
    amount = AmountField(_l("Amount received"), validators=[input_required()])
    reference = StringField(_l("Bank transfer reference"), validators=[required(), max_length(120)])
    paid_on = LocalDateField(_l("Date of the transfer"), validators=[input_required()])


class BlockForm(FlaskForm):
    slot_id = ChoiceField(_l("Entry time"), validators=[required()])
    reference = StringField(_l("Your reference for the group (optional)"),
                            validators=[optional(), max_length(120)])


def block_form(slots: list[tuple[int, str]], ticket_types: list[tuple[int, str]], **kwargs) -> BlockForm:
    """The entry times of the night and a quantity field ``qty_<type id>`` per ticket type."""

    class NightBlockForm(BlockForm):
        pass

    for type_id, name in ticket_types:
        setattr(NightBlockForm, f"qty_{type_id}", WholeNumberField(name, default=0, validators=[optional()]))
    form = NightBlockForm(**kwargs)
    form.slot_id.choices = slots
    return form


def names_form(tickets: list[tuple[int, str]], **kwargs) -> FlaskForm:
    """One name field ``name_<ticket id>`` per ticket, labelled with its number and type."""

    class NamesForm(FlaskForm):
        pass

    for ticket_id, label in tickets:
        setattr(NamesForm, f"name_{ticket_id}", StringField(label, validators=[optional(), max_length(160)]))
    return NamesForm(**kwargs)


BLOCK_STATUS_LABELS = {
    "open": _l("Invoice open"),
    "paid": _l("Paid"),
    "released": _l("Released unpaid"),
}


def block_status_label(status: str) -> str:
    text = BLOCK_STATUS_LABELS.get(status)
    return str(text) if text is not None else status
