"""Forms of night closures: field validation only; the rules are in services.py and
ticketing/moves.py. Choices are built per request from the open tenant's nights and slots."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from festival.closures.models import Closure
from festival.core.forms import (
    ChoiceField,
    MultiCheckboxField,
    WholeNumberField,
    max_length,
    optional,
    required,
)

OFFER_LABELS = {
    Closure.CHOICE: _l("The visitor's choice: another night, a credit or a refund"),
    Closure.REBOOK: _l("Another night only"),
    Closure.CREDIT: _l("A credit voucher only"),
    Closure.REFUND: _l("A refund only"),
}


class ClosureForm(FlaskForm):
    night = ChoiceField(_l("Night"), validators=[required()])
    slot_ids = MultiCheckboxField(_l("Entry slots to close (none ticked: the whole night)"),
                                  validators=[optional()])
    reason = TextAreaField(_l("Reason (the visitors read it)"), validators=[required(), max_length(500)])
    offer = ChoiceField(_l("What the visitors are offered"), validators=[required()])


def closure_form(nights: list[tuple[str, str]], slots: list[tuple[str, str]], **kwargs) -> ClosureForm:
    form = ClosureForm(**kwargs)
    form.night.choices = nights
    form.slot_ids.choices = slots
    form.offer.choices = [(key, str(text)) for key, text in OFFER_LABELS.items()]
    return form


class SlotChoiceForm(FlaskForm):
    """A visitor's decision on a closure link, or a new entry slot on the order page."""

    decision = HiddenField()
    slot = WholeNumberField(_l("Entry time"), validators=[optional()])

    def chosen_slot(self) -> int:
        if self.slot.data is None:
            from festival.core.errors import DomainError

            raise DomainError(_("Choose an entry time."))
        return self.slot.data
