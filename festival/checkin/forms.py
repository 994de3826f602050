"""Gate management form: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from festival.core.forms import max_length, required


class GateForm(FlaskForm):
    name = StringField(_l("Gate name"), validators=[required(), max_length(80)])
