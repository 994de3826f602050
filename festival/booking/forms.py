"""Forms of the venue partner's catalog and booking pages: the catalog's filters, the booking
request (lamp groups, services with quantities, a transport mode, a message), and the answers to
a counter-offer. Field validation only; the rules are in festival/booking/services.py and choices
are filled per request by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, TextAreaField
from wtforms.validators import NumberRange

from festival.booking.services import MAX_REASON
from festival.booking.supplier_forms import ReasonForm
from festival.core.forms import (
    ChoiceField,
    MultiCheckboxField,
    WholeNumberField,
    _OwnParseError,
    max_length,
    optional,
    required,
)

MAX_QUANTITY = 1000
QUANTITY_MESSAGE = _l("Enter a quantity from 1 to 1000.")


class _Measure(_OwnParseError, DecimalField):
    parse_error = _l("Enter a number, for example 12.5.")


def _at_least_zero() -> NumberRange:
    return NumberRange(min=0, message=_l("Enter a number of 0 or more."))


class CatalogFilterForm(FlaskForm):
    """The catalog's filters, read from the query string (a search: no CSRF token)."""

    class Meta:
        csrf = False

    exhibition = ChoiceField(_l("Exhibition"), validators=[optional()])
    theme = ChoiceField(_l("Theme"), validators=[optional()])
    max_length = _Measure(_l("Length at most (m)"), validators=[optional(), _at_least_zero()])
    max_height = _Measure(_l("Height at most (m)"), validators=[optional(), _at_least_zero()])
    max_containers = WholeNumberField(_l("Containers at most (TEU)"),
                                      validators=[optional(), _at_least_zero()])
    max_power = _Measure(_l("Power at most (kW)"), validators=[optional(), _at_least_zero()])
    max_price = _Measure(_l("Weekly price at most"), validators=[optional(), _at_least_zero()])
    price_currency = ChoiceField(_l("Currency of that price"), validators=[optional()])
    available = BooleanField(_l("Only lamp groups available for this exhibition"))

    def query_args(self) -> dict[str, str]:
        """The filters as typed, to keep them on the pager's links."""
        return {name: self[name].raw_data[0] for name in self._fields
                if self[name].raw_data and self[name].raw_data[0] not in ("", None)}


class RequestForm(FlaskForm):
    """A booking request to one supplier; service fields are added per supplier
    (``request_form``)."""

    exhibition = ChoiceField(_l("Exhibition"), validators=[required()])
    lamp_groups = MultiCheckboxField(_l("Lamp groups"))
    mode = ChoiceField(_l("Transport mode"), validators=[required()])
    message = TextAreaField(_l("Message to the supplier"), validators=[optional(), max_length(MAX_REASON)])


def request_form(service_ids: list[int], formdata=None, data: dict | None = None) -> RequestForm:
    """The request form with a checkbox and a quantity per service of the supplier (fields named
    by the service's id, so a service added meanwhile cannot shift the others)."""

    class SupplierRequestForm(RequestForm):
        pass

    for service_id in service_ids:
        setattr(SupplierRequestForm, f"service_{service_id}", BooleanField(_l("Add this service")))
        setattr(SupplierRequestForm, f"quantity_{service_id}", WholeNumberField(
            _l("Quantity"), validators=[optional(), NumberRange(min=1, max=MAX_QUANTITY,
                                                                 message=QUANTITY_MESSAGE)]))
    return SupplierRequestForm(formdata=formdata, data=data)


def chosen_services(form: RequestForm, service_ids: list[int]) -> list[tuple[int, int]]:
    """(service id, quantity) of the ticked services of a validated form."""
    chosen = []
    for service_id in service_ids:
        if form[f"service_{service_id}"].data:
            quantity = form[f"quantity_{service_id}"].data
            chosen.append((service_id, quantity if quantity is not None else 0))
    return chosen


class RejectForm(ReasonForm):
    """Rejecting a counter-offer; shares the detail page with cancelling, hence its own element
    id (the field name stays ``reason``, as in the supplier's forms)."""

    reason = TextAreaField(_l("Reason for rejecting"), id="reject-reason",
                           validators=[required(), max_length(MAX_REASON)])
