"""Forms of the contract pages: field validation only; the rules are in contracts/services.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from festival.contracts.models import Contract
from festival.contracts.services import MAX_BANK_REFERENCE, instalment_label
from festival.core.forms import ChoiceField, LocalDateField, input_required, max_length, required


class TransferForm(FlaskForm):
    """A bank transfer received against one instalment of the contract."""

    instalment = ChoiceField(_l("Instalment"), validators=[required()])
    amount = StringField(_l("Amount received"), validators=[required(), max_length(20)])
    currency = StringField(_l("Currency"), validators=[required(), max_length(3)])
    paid_on = LocalDateField(_l("Received on"), validators=[input_required()])
    bank_reference = StringField(_l("Bank reference"),
                                 validators=[required(), max_length(MAX_BANK_REFERENCE)])

    def fill_choices(self, contract: Contract) -> TransferForm:
        """The contract's instalments that still wait for money; the contract's currency."""
        self.instalment.choices = [(instalment.kind, instalment_label(instalment.kind))
                                   for instalment in contract.instalments if instalment.outstanding > 0]
        if not self.currency.data:
            self.currency.data = contract.currency
        return self
