"""Forms of the base's transit tables, city regions and certification requirements. Field
validation only: the rules (days > 0, freight >= 0, known regions, modes and countries, no
duplicates) live in festival/transit/admin.py, which answers each with its own message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from festival.core.forms import max_length
from festival.core.reference import country_choices
from festival.transit.labels import certification_choices
from festival.transit.models import Region, TransportMode


def _region_choices(regions: list[Region], locale: str) -> list[tuple[str, str]]:
    return [(region.code, region.name(locale)) for region in regions]


class RouteFigures(FlaskForm):
    """What changes on a route: its days and its freight rate."""

    transit_days = StringField(_l("Transit days, door to door"), validators=[max_length(8)])
    freight_usd = StringField(_l("Freight per container (USD)"), validators=[max_length(20)])


class RouteForm(RouteFigures):
    origin = SelectField(_l("From region"), validate_choice=False)  # checked by the service
    destination = SelectField(_l("To region"), validate_choice=False)
    mode = SelectField(_l("Transport mode"), validate_choice=False)

    def fill_choices(self, regions: list[Region], modes: list[TransportMode], locale: str) -> RouteForm:
        self.origin.choices = self.destination.choices = _region_choices(regions, locale)
        self.mode.choices = [(mode.code, mode.name(locale)) for mode in modes]
        return self


class NamesForm(FlaskForm):
    name_en = StringField(_l("Name in English"), validators=[max_length(200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[max_length(200)])


class RegionForm(NamesForm):
    countries = StringField(_l("Countries whose cities default to this region"),
                            validators=[max_length(2000)])


class ModeForm(NamesForm):
    active = BooleanField(_l("Offered for new bookings"))


class CityRegionForm(FlaskForm):
    region = SelectField(_l("Region"), validate_choice=False)  # "" returns to the default

    def fill_choices(self, regions: list[Region], locale: str, default_label: str) -> CityRegionForm:
        self.region.choices = [("", default_label), *_region_choices(regions, locale)]
        return self


class RequirementForm(FlaskForm):
    country = SelectField(_l("Destination country"), validate_choice=False)
    kind = SelectField(_l("Certification"), validate_choice=False)

    def fill_choices(self, locale: str) -> RequirementForm:
        self.country.choices = country_choices(locale)
        self.kind.choices = certification_choices()
        return self
