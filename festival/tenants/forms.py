"""Forms of a tenant's settings (owner and base console)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, StringField
from wtforms.validators import Regexp

from festival.core.forms import (
    ChoiceField,
    MultiCheckboxField,
    email_field_validators,
    max_length,
    required,
)
from festival.core.i18n import LOCALES, NATIVE_NAMES
from festival.core.reference import country_choices, currency_choices, timezone_choices


class TenantSettingsForm(FlaskForm):
    name = StringField(_l("Festival name"), validators=[required(), max_length(120)])
    city = StringField(_l("City"), validators=[required(), max_length(120)])
    country = ChoiceField(_l("Country"), validators=[required()])
    timezone = ChoiceField(_l("Timezone"), validators=[required()])
    currency = ChoiceField(_l("Currency"), validators=[required()])
    offered_locales = MultiCheckboxField(_l("Languages offered to visitors"),
                                         validators=[required()])
    default_locale = ChoiceField(_l("Default language"), validators=[required()])
    brand_colour = StringField(_l("Brand colour"), default="#b3261e", validators=[
        required(), Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Give the colour as #rrggbb."))])
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"))

    def fill_choices(self, locale: str) -> TenantSettingsForm:
        self.country.choices = country_choices(locale)
        self.timezone.choices = timezone_choices()
        self.currency.choices = currency_choices(locale)
        languages = [(code, NATIVE_NAMES[code]) for code in LOCALES]
        self.offered_locales.choices = languages
        self.default_locale.choices = languages
        return self


class NewTenantForm(TenantSettingsForm):
    slug = StringField(_l("Web address (slug)"), validators=[required(), max_length(40, 2)])
    owner_email = EmailField(_l("Email of the first owner"), validators=email_field_validators())
