"""Forms of festival.privacy: a visitor's erasure, a tenant's deletion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired

from festival.core.forms import email_field_validators, max_length, required


class ErasureForm(FlaskForm):
    email = EmailField(_l("The visitor's email address"), validators=email_field_validators())
    confirm = BooleanField(
        _l("I understand that the visitor's name and address cannot be brought back"),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))])


class TenantDeletionForm(FlaskForm):
    confirmation = StringField(_l("Type the tenant's address name (slug) to confirm"),
                               validators=[required(), max_length(40)])
