"""Forms of the supplier's catalog pages, and the translated labels of the catalog's stored
values. Field validation only (types, required, lengths); the rules (positive dimensions, expiry
after issue, known regions…) are the services'. Choices are built per request."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField

from festival.catalog.models import LampGroup, ReturnInspection
from festival.core.forms import (
    AmountField,
    ChoiceField,
    LocalDateField,
    WholeNumberField,
    input_required,
    max_length,
    optional,
    required,
)
from festival.core.i18n import LOCALES, NATIVE_NAMES
from festival.core.reference import country_choices
from festival.transit.labels import certification_choices
from festival.transit.models import Region

# --- labels of stored values ------------------------------------------------------------------

THEME_LABELS = {
    "dinosaurs": _l("Dinosaurs"),
    "dragons": _l("Dragons"),
    "pandas": _l("Pandas"),
    "zodiac": _l("Zodiac"),
    "ocean": _l("Ocean"),
    "flowers": _l("Flowers"),
    "fairy_tales": _l("Fairy tales"),
    "other": _l("Other"),
}
STATUS_LABELS = {
    LampGroup.AVAILABLE: _l("Available for booking"),
    LampGroup.UNDER_REPAIR: _l("Under repair"),
    LampGroup.RETIRED: _l("Retired"),
}
SERVICE_KIND_LABELS = {
    "catering": _l("Catering"),
    "acrobatics": _l("Acrobatics"),
    "workshop": _l("Lantern-making workshop"),
    "tourism": _l("Tourism package"),
    "other": _l("Other service"),
}
UNIT_LABELS = {"day": _l("per day"), "week": _l("per week"), "event": _l("per event")}
CONDITION_LABELS = {ReturnInspection.GOOD: _l("In good condition"),
                    ReturnInspection.DAMAGED: _l("Damaged")}
# The languages whose name and description fields come first (and are required).
FIRST_LOCALES = ("zh_Hans", "en")


def label(labels: dict, value: str) -> str:
    """The translated label of a stored value; the value itself if it has none."""
    text = labels.get(value)
    return str(text) if text is not None else value


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key, str(text)) for key, text in labels.items()]


def form_locales() -> list[str]:
    """Chinese and English first (required), then the other shipped languages (optional)."""
    return [*FIRST_LOCALES, *(code for code in LOCALES if code not in FIRST_LOCALES)]


def _name_fields(form_class: type) -> None:
    """A name (required in Chinese and English) and a description field per language."""
    for code in form_locales():
        first = code in FIRST_LOCALES
        setattr(form_class, f"name_{code}", StringField(
            _("Name (%(language)s)", language=NATIVE_NAMES[code]),
            validators=[required() if first else optional(), max_length(200)]))
        setattr(form_class, f"description_{code}", TextAreaField(
            _("Description (%(language)s)", language=NATIVE_NAMES[code]),
            validators=[optional(), max_length(4000)]))


def _with_names(form_class: type, **kwargs):
    """An instance of ``form_class`` with its per-language name and description fields (added
    to a subclass made per request: the shipped languages are read from the app)."""
    named = type(f"Named{form_class.__name__}", (form_class,), {})
    _name_fields(named)
    return named(**kwargs)


def texts_of(form, prefix: str) -> dict[str, str]:
    """The texts typed per language (``name_zh_Hans``…) as the model stores them."""
    return {code: form[f"{prefix}_{code}"].data or "" for code in form_locales()}


def texts_data(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    """Stored texts per language as form data."""
    return {f"{prefix}_{code}": text for code, text in texts.items() if code in LOCALES}


# --- lamp groups ---------------------------------------------------------------------------------

class LampGroupForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), max_length(40)])
    theme = ChoiceField(_l("Theme"), validators=[required()])
    length_m = AmountField(_l("Length (m)"), validators=[input_required()])
    width_m = AmountField(_l("Width (m)"), validators=[input_required()])
    height_m = AmountField(_l("Height (m)"), validators=[input_required()])
    weight_kg = AmountField(_l("Weight (kg)"), validators=[input_required()])
    containers_teu = WholeNumberField(_l("Containers (TEU)"), validators=[input_required()])
    power_kw = AmountField(_l("Power (kW)"), validators=[input_required()])
    setup_days = WholeNumberField(_l("Setup days"), default=7, validators=[input_required()])
    teardown_days = WholeNumberField(_l("Teardown days"), default=4, validators=[input_required()])
    handling_days = WholeNumberField(_l("Handling days after teardown (crating, loading)"),
                                     default=3, validators=[input_required()])
    min_rental_weeks = WholeNumberField(_l("Minimum rental (weeks)"), default=4,
                                        validators=[input_required()])
    weekly_price = AmountField(_l("Weekly price"), validators=[input_required()])
    ip_record_number = StringField(_l("Customs IP record number"),
                                   validators=[optional(), max_length(40)])
    home_city = StringField(_l("City where it stands between bookings"), default="Zigong",
                            validators=[required(), max_length(120)])
    home_country = ChoiceField(_l("Country"), default="CN", validators=[required()])
    home_region = ChoiceField(_l("Transit region"), default="zigong", validators=[required()])
    status = ChoiceField(_l("Status"), default=LampGroup.AVAILABLE, validators=[required()])


def lamp_group_form(currency: str, regions: list[Region], locale: str, **kwargs) -> LampGroupForm:
    """The lamp group form: a name and description field per language, the price labelled with
    the supplier's currency."""

    form = _with_names(LampGroupForm, **kwargs)
    form.weekly_price.label.text = _("Weekly price (%(currency)s)", currency=currency)
    form.theme.choices = _choices(THEME_LABELS)
    form.home_country.choices = country_choices(locale)
    form.home_region.choices = [(region.code, region.name(locale)) for region in regions]
    form.status.choices = [(key, str(STATUS_LABELS[key]))
                           for key in (LampGroup.AVAILABLE, LampGroup.RETIRED)]
    return form


class ComponentForm(FlaskForm):
    serial = StringField(_l("Serial number"), validators=[required(), max_length(60)])
    description = StringField(_l("Description"), validators=[required(), max_length(200)])
    quantity = WholeNumberField(_l("Quantity"), default=1, validators=[input_required()])
    weight_kg = AmountField(_l("Weight per piece (kg)"), validators=[input_required()])
    value = AmountField(_l("Value per piece"), validators=[input_required()])
    hs_code = StringField(_l("HS code"), validators=[optional(), max_length(12)])


def component_form(currency: str, **kwargs) -> ComponentForm:
    form = ComponentForm(**kwargs)
    form.value.label.text = _("Value per piece (%(currency)s)", currency=currency)
    return form


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (PNG or JPEG, at most 1 MB)"))
    caption = StringField(_l("Caption, also read aloud to blind visitors"),
                          validators=[optional(), max_length(200)])


class CertificationForm(FlaskForm):
    kind = ChoiceField(_l("Certification"), validators=[required()])
    number = StringField(_l("Certificate number"), validators=[optional(), max_length(80)])
    issuer = StringField(_l("Issued by"), validators=[optional(), max_length(120)])
    issued_on = LocalDateField(_l("Issued on"), validators=[optional()])
    expires_on = LocalDateField(_l("Expires on"), validators=[input_required()])

    def fill_choices(self) -> CertificationForm:
        self.kind.choices = certification_choices()
        return self


class InspectionForm(FlaskForm):
    inspected_on = LocalDateField(_l("Inspected on"), validators=[input_required()])
    condition = ChoiceField(_l("Condition"), validators=[required()])
    booking_reference = StringField(_l("Booking reference (optional)"),
                                    validators=[optional(), max_length(40)])
    notes = TextAreaField(_l("Notes"), validators=[optional(), max_length(4000)])
    repair_until = LocalDateField(_l("Repair expected to end on (when damaged)"),
                                  validators=[optional()])

    def fill_choices(self) -> InspectionForm:
        self.condition.choices = _choices(CONDITION_LABELS)
        return self


# --- service offerings ------------------------------------------------------------------------

class ServiceForm(FlaskForm):
    kind = ChoiceField(_l("Kind of service"), validators=[required()])
    price = AmountField(_l("Price"), validators=[input_required()])
    unit = ChoiceField(_l("Priced"), validators=[required()])
    active = BooleanField(_l("Offered to host cities"), default=True)


def service_form(currency: str, **kwargs) -> ServiceForm:
    form = _with_names(ServiceForm, **kwargs)
    form.price.label.text = _("Price (%(currency)s)", currency=currency)
    form.kind.choices = _choices(SERVICE_KIND_LABELS)
    form.unit.choices = _choices(UNIT_LABELS)
    return form
