"""Forms of the pass page: field types only; the slot is judged by passes.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from festival.core.forms import WholeNumberField, optional


class ReserveForm(FlaskForm):
    # Rendered as radio buttons of one night's slots; any other id is refused by the service.
    slot = WholeNumberField(_l("Entry time"), validators=[optional()])
