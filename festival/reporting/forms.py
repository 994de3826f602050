"""Forms of the visitor report pages and the translated labels of report values.

Field validation only; the rules (locking, exact counts, the night) are in reports.py.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import NumberRange

from festival.core.forms import (
    ChoiceField,
    MultiCheckboxField,
    WholeNumberField,
    input_required,
    max_length,
    optional,
    required,
)
from festival.reporting.models import (
    MAX_LINE_NOTE,
    MAX_MANUAL_PERSONS,
    MAX_NOTES,
    MAX_REASON,
    ManualCount,
    VisitorReport,
)
from festival.reporting.reports import AMENDED, DRAFT, MISSING, SUBMITTED

KIND_LABELS = {
    ManualCount.WALK_IN: _l("Walk-in (sold at the gate)"),
    ManualCount.GROUP: _l("Group"),
    ManualCount.COMPLIMENTARY: _l("Complimentary"),
}
WEATHER_LABELS = {
    "clear": _l("Clear"),
    "cloudy": _l("Cloudy"),
    "rain": _l("Rain"),
    "storm": _l("Storm"),
    "snow": _l("Snow"),
    "wind": _l("Wind"),
    "other": _l("Other"),
}
STATUS_LABELS = {
    MISSING: _l("Missing"),
    DRAFT: _l("Draft"),
    SUBMITTED: _l("Submitted"),
    AMENDED: _l("Amended"),
}
# How many new manual lines an amendment form offers.
AMENDMENT_LINES = 3


def label(labels: dict, value: str | None) -> str:
    return str(labels[value]) if value in labels else (value or "")


class _PersonsRange(NumberRange):
    """1..100,000 persons; an entry that is not a number keeps only its parse error."""

    def __call__(self, form, field) -> None:
        if field.data is not None:
            super().__call__(form, field)


def _persons_range() -> NumberRange:
    return _PersonsRange(min=1, max=MAX_MANUAL_PERSONS,
                         message=_l("Enter between %(min)s and %(max)s persons."))


def _weather_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Not recorded")))] + [(value, str(WEATHER_LABELS[value]))
                                               for value in VisitorReport.WEATHERS]


def _kind_choices(blank: bool = False) -> list[tuple[str, str]]:
    choices = [(value, str(KIND_LABELS[value])) for value in ManualCount.KINDS]
    return [("", "—")] + choices if blank else choices


class ReportDetailsForm(FlaskForm):
    weather = ChoiceField(_l("Weather"), validators=[optional()])
    notes = TextAreaField(_l("Notes"), validators=[optional(), max_length(MAX_NOTES)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weather.choices = _weather_choices()


class ManualCountForm(FlaskForm):
    kind = ChoiceField(_l("Kind"), validators=[required()])
    persons = WholeNumberField(_l("Persons"), validators=[input_required(), _persons_range()])
    note = StringField(_l("Note"), validators=[optional(), max_length(MAX_LINE_NOTE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()


class AmendmentForm(FlaskForm):
    """A correction of a submitted report: lines to remove, up to three lines to add, the
    weather and notes as they should read, and the reason (required)."""

    revision = HiddenField()
    reason = TextAreaField(_l("Reason for the amendment"),
                           validators=[required(), max_length(MAX_REASON)])
    weather = ChoiceField(_l("Weather"), validators=[optional()])
    notes = TextAreaField(_l("Notes"), validators=[optional(), max_length(MAX_NOTES)])
    remove_ids = MultiCheckboxField(_l("Remove these manual counts"), validators=[optional()])


def amendment_form(lines: list[ManualCount], line_label, **kwargs) -> AmendmentForm:
    """The amendment form of a report: its current lines to pick from, empty lines to add."""

    class ReportAmendmentForm(AmendmentForm):
        pass

    for index in range(1, AMENDMENT_LINES + 1):
        setattr(ReportAmendmentForm, f"add_kind_{index}", ChoiceField(
            _l("Kind"), validators=[optional()]))
        setattr(ReportAmendmentForm, f"add_persons_{index}", WholeNumberField(
            _l("Persons"), validators=[optional(), _persons_range()]))
        setattr(ReportAmendmentForm, f"add_note_{index}", StringField(
            _l("Note"), validators=[optional(), max_length(MAX_LINE_NOTE)]))
    form = ReportAmendmentForm(**kwargs)
    form.weather.choices = _weather_choices()
    form.remove_ids.choices = [(str(line.id), line_label(line)) for line in lines]
    for index in range(1, AMENDMENT_LINES + 1):
        form[f"add_kind_{index}"].choices = _kind_choices(blank=True)
    return form


def added_lines(form: AmendmentForm) -> list[tuple[str, int | None, str]]:
    """(kind, persons, note) of the filled-in new lines; a half-filled line is kept so the
    service refuses it with a clear message."""
    lines = []
    for index in range(1, AMENDMENT_LINES + 1):
        kind = form[f"add_kind_{index}"].data or ""
        persons = form[f"add_persons_{index}"].data
        note = form[f"add_note_{index}"].data or ""
        if kind or persons is not None or note.strip():
            lines.append((kind, persons, note))
    return lines
