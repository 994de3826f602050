"""The exhibition plan form: one title field per language the tenant offers."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import NumberRange

from festival.core.forms import (
    LocalDateField,
    LocalTimeField,
    MultiCheckboxField,
    WholeNumberField,
    input_required,
    max_length,
    optional,
    required,
)
from festival.core.i18n import NATIVE_NAMES


class ExhibitionForm(FlaskForm):
    slug = StringField(_l("Web address (slug)"), validators=[required(), max_length(40, 2)])
    venue_name = StringField(_l("Venue"), validators=[required(), max_length(160)])
    venue_address = TextAreaField(_l("Venue address"), validators=[optional(), max_length(400)])
    season_start = LocalDateField(_l("First night"), validators=[input_required()])
    season_end = LocalDateField(_l("Last night"), validators=[input_required()])
    opens_at = LocalTimeField(_l("Opens at"), validators=[input_required()])
    closes_at = LocalTimeField(_l("Closes at (after midnight belongs to the same night)"),
                               validators=[input_required()])
    closed_weekdays = MultiCheckboxField(_l("Closed on"), validators=[optional()])
    slot_minutes = WholeNumberField(_l("Entry slot length (minutes)"), default=30,
                                    validators=[input_required()])
    slot_capacity = WholeNumberField(_l("Persons per entry slot"), default=200,
                                     validators=[input_required()])
    checkin_early_minutes = WholeNumberField(
        _l("Admit at the gate up to this many minutes before the entry slot"), default=30,
        validators=[optional(), NumberRange(0, 720, _l("Between 0 and 720 minutes."))])
    checkin_late_minutes = WholeNumberField(
        _l("Admit at the gate up to this many minutes after the entry slot ends"), default=60,
        validators=[optional(), NumberRange(0, 720, _l("Between 0 and 720 minutes."))])


def exhibition_form(offered_locales: list[str], locale: str, **kwargs) -> ExhibitionForm:
    """The form for this tenant: a title and description field per offered language."""

    class TenantExhibitionForm(ExhibitionForm):
        pass

    for code in offered_locales:
        setattr(TenantExhibitionForm, f"title_{code}", StringField(
            _("Title (%(language)s)", language=NATIVE_NAMES[code]),
            validators=[optional(), max_length(200)]))
        setattr(TenantExhibitionForm, f"description_{code}", TextAreaField(
            _("Description (%(language)s)", language=NATIVE_NAMES[code]),
            validators=[optional(), max_length(4000)]))
        setattr(TenantExhibitionForm, f"showcase_{code}", TextAreaField(
            _("Lamp groups on show (%(language)s)", language=NATIVE_NAMES[code]),
            validators=[optional(), max_length(8000)]))
    form = TenantExhibitionForm(**kwargs)
    days = get_day_names("wide", locale=locale)
    form.closed_weekdays.choices = [(str(index + 1), days[index]) for index in range(7)]
    return form
