"""Forms of the payment settings (tenant portal) and of the fee (base console)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from festival.core.forms import max_length


class StripeAccountForm(FlaskForm):
    # Format checked by the service (one rule for every caller); empty clears the account.
    stripe_account_id = StringField(_l("Stripe connected account id"), validators=[max_length(64)])


class ApplicationFeeForm(FlaskForm):
    application_fee_percent = StringField(_l("Application fee (percent of each sale)"),
                                          validators=[max_length(12)])
