"""Forms of a supplier's profile (owner and base console)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Email

from festival.core.forms import ChoiceField, email_field_validators, max_length, optional, required
from festival.core.i18n import LOCALES, NATIVE_NAMES


class SupplierProfileForm(FlaskForm):
    name_zh = StringField(_l("Name in Chinese"), validators=[required(), max_length(120)])
    name_en = StringField(_l("Name in English"), validators=[required(), max_length(120)])
    contact_name = StringField(_l("Contact person"), validators=[optional(), max_length(120)])
    contact_email = EmailField(_l("Contact email"), validators=[
        optional(), max_length(255),
        Email(message=_l("Enter a valid email address."), check_deliverability=False)])
    contact_phone = StringField(_l("Contact phone"), validators=[optional(), max_length(40)])
    address = TextAreaField(_l("Address"), validators=[optional(), max_length(2000)])
    customs_code = StringField(_l("Customs registration code"),
                               validators=[optional(), max_length(40)])
    export_licence = StringField(_l("Export licence number"),
                                 validators=[optional(), max_length(60)])
    default_locale = ChoiceField(_l("Language of emails"), validators=[required()])
    currency = ChoiceField(_l("Currency of your prices"), validators=[required()])
    bank_details = TextAreaField(_l("Bank details for deposits and balances (printed on contracts)"),
                                 validators=[optional(), max_length(2000)])

    def fill_choices(self) -> SupplierProfileForm:
        self.default_locale.choices = [(code, NATIVE_NAMES[code]) for code in LOCALES]
        self.currency.choices = [("CNY", _l("Chinese yuan (CNY)")), ("USD", _l("US dollar (USD)"))]
        return self


class NewSupplierForm(SupplierProfileForm):
    slug = StringField(_l("Web address (slug)"), validators=[required(), max_length(40, 2)])
    owner_email = EmailField(_l("Email of the first owner"), validators=email_field_validators())
