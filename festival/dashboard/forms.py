"""Forms of the base's rate table, reporting currency and country groups. Field validation
only: the rules (rate > 0, at most six decimals, known codes) live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField

from festival.core.forms import max_length
from festival.core.reference import country_choices, currency_choices


class RateForm(FlaskForm):
    currency = SelectField(_l("Currency"), validate_choice=False)  # checked by the service
    rate = StringField(_l("Rate: one unit is worth"), validators=[max_length(32)])
    valid_from = StringField(_l("Valid from (YYYY-MM-DD)"), validators=[max_length(10)])

    def fill_choices(self, locale: str) -> RateForm:
        self.currency.choices = currency_choices(locale)
        return self


class ReportingCurrencyForm(FlaskForm):
    reporting_currency = SelectField(_l("Reporting currency"), validate_choice=False)

    def fill_choices(self, locale: str) -> ReportingCurrencyForm:
        self.reporting_currency.choices = currency_choices(locale)
        return self


class CountryGroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[max_length(120)])
    countries = SelectMultipleField(_l("Countries"), validate_choice=False)

    def fill_choices(self, locale: str) -> CountryGroupForm:
        self.countries.choices = country_choices(locale)
        return self
