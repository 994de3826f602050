"""Shipping forms: field validation only; choices are built per request (modes from the base's
table, milestones by the side that records them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from festival.core.forms import (
    ChoiceField,
    LocalDateField,
    LocalTimeField,
    WholeNumberField,
    input_required,
    max_length,
    optional,
    required,
)
from festival.core.i18n import current_locale
from festival.shipping import services
from festival.shipping.models import ShipmentDocument, ShipmentLeg
from festival.transit.services import list_modes


class LegForm(FlaskForm):
    mode = ChoiceField(_l("Transport mode"))
    origin_port = StringField(_l("Port of departure"), validators=[required(), max_length(services.MAX_PORT)])
    destination_port = StringField(_l("Port of arrival"),
                                   validators=[required(), max_length(services.MAX_PORT)])
    containers = WholeNumberField(_l("Containers"), validators=[input_required()], default=1)
    container_numbers = StringField(_l("Container numbers (separated by commas)"),
                                    validators=[optional(), max_length(services.MAX_CONTAINER_NUMBERS)])
    etd = LocalDateField(_l("Departure (ETD)"), validators=[input_required()])
    eta = LocalDateField(_l("Arrival (ETA)"), validators=[input_required()])
    status = ChoiceField(_l("Status"), default=ShipmentLeg.PLANNED)


# Each form of the shipping page has its own prefix: their fields' ids stay unique on the page.
def leg_form(leg: ShipmentLeg | None = None, **kwargs) -> LegForm:
    form = LegForm(obj=leg, prefix="leg", **kwargs)
    locale = current_locale()
    form.mode.choices = [(mode.code, mode.name(locale)) for mode in list_modes()]
    form.status.choices = [(status, services.label(services.LEG_STATUS_LABELS, status))
                           for status in ShipmentLeg.STATUSES]
    return form


def leg_plan(form: LegForm) -> services.LegPlan:
    return services.LegPlan(form.mode.data, form.origin_port.data, form.destination_port.data,
                            form.containers.data, form.etd.data, form.eta.data,
                            form.container_numbers.data or "", form.status.data)


class MilestoneForm(FlaskForm):
    kind = ChoiceField(_l("Milestone"))
    happened_on = LocalDateField(_l("Date"), validators=[input_required()])
    happened_time = LocalTimeField(_l("Time (optional)"), validators=[optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[optional(), max_length(services.MAX_NOTE)])


def milestone_form(side: str, **kwargs) -> MilestoneForm:
    form = MilestoneForm(prefix="milestone", **kwargs)
    form.kind.choices = [(kind, services.label(services.MILESTONE_LABELS, kind))
                         for kind in services.milestone_kinds(side)]
    return form


class DocumentForm(FlaskForm):
    kind = ChoiceField(_l("Kind of document"))
    title = StringField(_l("Title (optional)"), validators=[optional(), max_length(services.MAX_TITLE)])
    number = StringField(_l("Number (optional)"), validators=[optional(), max_length(services.MAX_NUMBER)])
    file = FileField(_l("File (PDF, PNG or JPEG, at most 5 MB)"))


def document_form(**kwargs) -> DocumentForm:
    form = DocumentForm(prefix="doc", **kwargs)
    form.kind.choices = [(kind, services.label(services.DOCUMENT_KIND_LABELS, kind))
                         for kind in ShipmentDocument.KINDS if kind != ShipmentDocument.CERTIFICATE_OF_ORIGIN]
    return form


class CertificateForm(FlaskForm):
    number = StringField(_l("Certificate number"), validators=[required(), max_length(services.MAX_NUMBER)])
    issued_on = LocalDateField(_l("Issued on"), validators=[input_required()])
    file = FileField(_l("Scan of the certificate (optional; PDF, PNG or JPEG, at most 5 MB)"))


def certificate_form() -> CertificateForm:
    return CertificateForm(prefix="coo")


class CarnetForm(FlaskForm):
    number = StringField(_l("Carnet number"), validators=[required(), max_length(40)])
    issued_on = LocalDateField(_l("Issued on"), validators=[input_required()])
    reexport_deadline = LocalDateField(
        _l("Re-export deadline (optional: 30 days after the last day on site, within the validity)"),
        validators=[optional()])


def carnet_form(recorded=None) -> CarnetForm:
    """The carnet's form, filled with the recorded carnet when there is one."""
    return CarnetForm(obj=recorded, prefix="carnet")
