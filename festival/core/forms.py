"""Form pieces shared by every domain: validators with translated messages, a bare action form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TimeField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

__all__ = ["ActionForm", "ChoiceField", "LocalDateField", "LocalTimeField", "WholeNumberField",
           "MultiCheckboxField", "email_field_validators", "required",
           "max_length", "optional", "require_action_form", "input_required"]


class ActionForm(FlaskForm):
    """A form with no fields: a button that posts with a CSRF token."""


def require_action_form() -> None:
    """A bare POST button must carry a valid CSRF token."""
    from festival.core.errors import DomainError

    if not ActionForm().validate_on_submit():
        raise DomainError(str(_l("Your form expired. Reload the page and try again.")))


NOT_OFFERED = _l("Choose one of the options offered.")


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value speaks our (translated) words."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in (self.choices or [])}:
            raise ValidationError(str(NOT_OFFERED))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        offered = {value for value, _label in (self.choices or [])}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(str(NOT_OFFERED))


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def input_required() -> InputRequired:
    """Required for typed values (dates, numbers): keeps the parse error when one is given."""
    return InputRequired(message=_l("This field is required."))


def max_length(limit: int, minimum: int = -1) -> Length:
    if minimum > 0:
        return Length(min=minimum, max=limit,
                      message=_l("Use between %(min)d and %(max)d characters."))
    return Length(max=limit, message=_l("Use at most %(max)d characters."))


def optional() -> Optional:
    return Optional()


def email_field_validators() -> list:
    return [required(), max_length(255),
            Email(message=_l("Enter a valid email address."), check_deliverability=False)]


class _OwnParseError:
    """A typed field whose parse error speaks our (translated) words."""

    parse_error: str  # each field names its own, as a lazy translated string

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.parse_error)) from error


class LocalDateField(_OwnParseError, DateField):
    parse_error = _l("Enter a date, for example 2026-12-31.")


class AmountField(_OwnParseError, DecimalField):
    """An amount, a rate or a measure typed with a dot; its digits and limits are checked by
    the service."""

    parse_error = _l("Enter a number, for example 12.50.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(*args, **kwargs)


class LocalTimeField(_OwnParseError, TimeField):
    parse_error = _l("Enter a time, for example 18:30.")


class WholeNumberField(_OwnParseError, IntegerField):
    parse_error = _l("Enter a whole number.")
