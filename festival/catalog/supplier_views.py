"""The supplier's catalog in its portal (/s/<supplier>/catalog/…, /s/<supplier>/services/…): lamp
groups with components, photos, certifications and return inspections, and service offerings;
plus the photo route tenants read through the published catalog. HTTP glue only: the rules are
in festival/catalog/services.py."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from festival.accounts.access import ensure, requires
from festival.catalog import services
from festival.catalog.browse import read_catalog
from festival.catalog.forms import (
    CONDITION_LABELS,
    SERVICE_KIND_LABELS,
    STATUS_LABELS,
    THEME_LABELS,
    UNIT_LABELS,
    CertificationForm,
    InspectionForm,
    PhotoForm,
    component_form,
    label,
    lamp_group_form,
    service_form,
    texts_data,
    texts_of,
)
from festival.catalog.models import (
    Certification,
    LampGroup,
    LampGroupComponent,
    LampGroupPhoto,
    ServiceOffering,
)
from festival.catalog.photos import SAFE_CONTENT_TYPES
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale, display_timezone, format_local_date
from festival.core.storage import read_file
from festival.suppliers.models import Supplier
from festival.suppliers.views import bp
from festival.tenants.views import portal_bp
from festival.ticketing.portal import get_or_404
from festival.transit.labels import certification_label
from festival.transit.services import list_regions

PHOTO_SIZES = "any(full, thumb)"


@bp.context_processor
def catalog_template_helpers() -> dict:
    return {
        "theme_label": lambda value: label(THEME_LABELS, value),
        "lamp_status_label": lambda value: label(STATUS_LABELS, value),
        "service_kind_label": lambda value: label(SERVICE_KIND_LABELS, value),
        "unit_label": lambda value: label(UNIT_LABELS, value),
        "condition_label": lambda value: label(CONDITION_LABELS, value),
        "certification_label": certification_label,
    }


def _today():
    """Today on the supplier portal's clock (Asia/Shanghai)."""
    return datetime.now(display_timezone()).date()


def _refused(form, error: DomainError) -> int:
    """Show a service's refusal on the form; forget what the request flushed."""
    db.session.rollback()
    form.form_errors.append(error.message)
    g.rolled_back = True
    return error.status_code


def _saved(message: str, endpoint: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


# --- lamp groups ---------------------------------------------------------------------------------

def _lamp_group_form(lamp_group: LampGroup | None):
    regions, supplier = list_regions(), g.org
    if lamp_group is None or request.method == "POST":
        return lamp_group_form(supplier.currency, regions, current_locale())
    data = {**texts_data("name", lamp_group.names), **texts_data("description", lamp_group.descriptions)}
    return lamp_group_form(supplier.currency, regions, current_locale(), obj=lamp_group, **data)


def _lamp_group_spec(form) -> services.LampGroupSpec:
    values = {spec_field.name: form[spec_field.name].data
              for spec_field in fields(services.LampGroupSpec)
              if spec_field.name not in ("names", "descriptions")}
    return services.LampGroupSpec(names=texts_of(form, "name"),
                                  descriptions=texts_of(form, "description"), **values)


@bp.route("/catalog")
@requires("catalog.view")
def catalog():
    return render_template("catalog/list.html", lamp_groups=services.list_lamp_groups())


@bp.route("/catalog/new", methods=["GET", "POST"])
@requires("catalog.manage")
def catalog_new():
    form = _lamp_group_form(None)
    if request.method != "POST":
        return render_template("catalog/lamp_group.html", form=form, lamp_group=None)
    if not form.validate_on_submit():
        return render_template("catalog/lamp_group.html", form=form, lamp_group=None), 400
    try:
        lamp_group = services.create_lamp_group(g.org, _lamp_group_spec(form), current_user)
    except DomainError as error:
        status = _refused(form, error)
        return render_template("catalog/lamp_group.html", form=form, lamp_group=None), status
    return _saved(_("Lamp group %(code)s is in your catalog.", code=lamp_group.code),
                  ".catalog_lamp_group", lamp_group_id=lamp_group.id)


def _lamp_group_page(lamp_group: LampGroup, status: int = 200, **forms):
    """The lamp group's page: its fields, components, photos, certifications, inspections."""
    pages = {
        "form": _lamp_group_form(lamp_group),
        "component_form": component_form(g.org.currency),
        "photo_form": PhotoForm(),
        "certification_form": CertificationForm().fill_choices(),
        "inspection_form": InspectionForm(data={"inspected_on": _today()}).fill_choices(),
    }
    pages.update(forms)
    return render_template("catalog/lamp_group.html", lamp_group=lamp_group, today=_today(),
                           inspections=services.list_inspections(lamp_group),
                           action_form=ActionForm(), **pages), status


@bp.route("/catalog/<id:lamp_group_id>", methods=["GET", "POST"])
@requires("catalog.view")
def catalog_lamp_group(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    if request.method != "POST":
        return _lamp_group_page(lamp_group)
    ensure("catalog.manage")
    form = _lamp_group_form(lamp_group)
    if not form.validate_on_submit():
        return _lamp_group_page(lamp_group, 400, form=form)
    try:
        services.update_lamp_group(lamp_group, _lamp_group_spec(form), current_user, _today())
    except DomainError as error:
        status = _refused(form, error)
        return _lamp_group_page(get_or_404(LampGroup, lamp_group_id), status, form=form)
    return _saved(_("The lamp group is saved."), ".catalog_lamp_group", lamp_group_id=lamp_group.id)


# --- components ------------------------------------------------------------------------------

def _component_spec(form) -> services.ComponentSpec:
    return services.ComponentSpec(**{spec_field.name: form[spec_field.name].data
                                     for spec_field in fields(services.ComponentSpec)})


@bp.route("/catalog/<id:lamp_group_id>/components", methods=["POST"])
@requires("catalog.manage")
def catalog_component_add(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    form = component_form(g.org.currency)
    if not form.validate_on_submit():
        return _lamp_group_page(lamp_group, 400, component_form=form)
    try:
        services.add_component(lamp_group, _component_spec(form), current_user)
    except DomainError as error:
        status = _refused(form, error)
        return _lamp_group_page(get_or_404(LampGroup, lamp_group_id), status, component_form=form)
    return _saved(_("The component is added."), ".catalog_lamp_group", lamp_group_id=lamp_group_id)


@bp.route("/catalog/components/<id:component_id>", methods=["GET", "POST"])
@requires("catalog.view")
def catalog_component(component_id: int):
    component = get_or_404(LampGroupComponent, component_id)
    if request.method != "POST":
        form = component_form(g.org.currency, obj=component)
        return render_template("catalog/component.html", form=form, component=component)
    ensure("catalog.manage")
    form = component_form(g.org.currency)
    status = 400
    if form.validate_on_submit():
        try:
            services.update_component(component, _component_spec(form), current_user)
        except DomainError as error:
            status = _refused(form, error)
            component = get_or_404(LampGroupComponent, component_id)
        else:
            return _saved(_("The component is saved."), ".catalog_lamp_group",
                          lamp_group_id=component.lamp_group_id)
    return render_template("catalog/component.html", form=form, component=component), status


@bp.route("/catalog/components/<id:component_id>/remove", methods=["POST"])
@requires("catalog.manage")
def catalog_component_remove(component_id: int):
    component = get_or_404(LampGroupComponent, component_id)
    require_action_form()
    lamp_group_id = component.lamp_group_id
    services.remove_component(component, current_user)
    return _saved(_("The component is removed."), ".catalog_lamp_group", lamp_group_id=lamp_group_id)


# --- photos --------------------------------------------------------------------------------------

@bp.route("/catalog/<id:lamp_group_id>/photos", methods=["POST"])
@requires("catalog.manage")
def catalog_photo_add(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    form = PhotoForm()
    upload = form.photo.data
    if not form.validate_on_submit() or not getattr(upload, "filename", ""):
        if not form.errors:
            form.photo.errors = [_("Choose a photo to upload.")]
        return _lamp_group_page(lamp_group, 400, photo_form=form)
    try:
        services.add_photo(lamp_group, upload.read(), form.caption.data or "", current_user)
    except DomainError as error:
        status = _refused(form, error)
        return _lamp_group_page(get_or_404(LampGroup, lamp_group_id), status, photo_form=form)
    return _saved(_("The photo is added."), ".catalog_lamp_group", lamp_group_id=lamp_group_id)


@bp.route("/catalog/photos/<id:photo_id>/remove", methods=["POST"])
@requires("catalog.manage")
def catalog_photo_remove(photo_id: int):
    photo = get_or_404(LampGroupPhoto, photo_id)
    require_action_form()
    lamp_group_id = photo.lamp_group_id
    services.remove_photo(photo, current_user)
    return _saved(_("The photo is removed."), ".catalog_lamp_group", lamp_group_id=lamp_group_id)


def photo_response(storage_key: str, content_type: str) -> Response:
    """A stored photo with a content type of our own choosing, never sniffed by the browser."""
    if content_type not in SAFE_CONTENT_TYPES:
        abort(404)
    try:
        data = read_file(storage_key)
    except (DomainError, OSError):
        abort(404)
    return Response(data, content_type=content_type, headers={
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


@bp.route(f"/catalog/photos/<id:photo_id>/<{PHOTO_SIZES}:size>")
@requires("catalog.view")
def catalog_photo(photo_id: int, size: str):
    photo = get_or_404(LampGroupPhoto, photo_id)
    return photo_response(photo.thumbnail_key if size == "thumb" else photo.storage_key,
                          photo.content_type)


@portal_bp.route(f"/catalog/photos/<id:photo_id>/<{PHOTO_SIZES}:size>", endpoint="catalog_photo")
@requires("bookings.view")
def tenant_catalog_photo(photo_id: int, size: str):
    """A photo of the published catalog: an active supplier's lamp group that is not retired."""
    with read_catalog():
        found = db.session.execute(
            select(LampGroupPhoto.storage_key, LampGroupPhoto.thumbnail_key,
                   LampGroupPhoto.content_type)
            .join(LampGroup, LampGroup.id == LampGroupPhoto.lamp_group_id)
            .join(Supplier, Supplier.id == LampGroup.supplier_id)
            .where(LampGroupPhoto.id == photo_id, LampGroup.status != LampGroup.RETIRED,
                   Supplier.status == Supplier.STATUS_ACTIVE)).first()
    if found is None:
        abort(404)
    return photo_response(found.thumbnail_key if size == "thumb" else found.storage_key,
                          found.content_type)


# --- certifications ------------------------------------------------------------------------------

def _certification_spec(form) -> services.CertificationSpec:
    return services.CertificationSpec(**{spec_field.name: form[spec_field.name].data
                                         for spec_field in fields(services.CertificationSpec)})


@bp.route("/catalog/<id:lamp_group_id>/certifications", methods=["POST"])
@requires("catalog.manage")
def catalog_certification_add(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    form = CertificationForm().fill_choices()
    if not form.validate_on_submit():
        return _lamp_group_page(lamp_group, 400, certification_form=form)
    try:
        services.add_certification(lamp_group, _certification_spec(form), current_user)
    except DomainError as error:
        status = _refused(form, error)
        return _lamp_group_page(get_or_404(LampGroup, lamp_group_id), status, certification_form=form)
    return _saved(_("The certification is added."), ".catalog_lamp_group",
                  lamp_group_id=lamp_group_id)


@bp.route("/catalog/certifications/<id:certification_id>", methods=["GET", "POST"])
@requires("catalog.view")
def catalog_certification(certification_id: int):
    certification = get_or_404(Certification, certification_id)
    if request.method != "POST":
        form = CertificationForm(obj=certification).fill_choices()
        return render_template("catalog/certification.html", form=form,
                               certification=certification)
    ensure("catalog.manage")
    form = CertificationForm().fill_choices()
    status = 400
    if form.validate_on_submit():
        try:
            services.update_certification(certification, _certification_spec(form), current_user)
        except DomainError as error:
            status = _refused(form, error)
            certification = get_or_404(Certification, certification_id)
        else:
            return _saved(_("The certification is saved."), ".catalog_lamp_group",
                          lamp_group_id=certification.lamp_group_id)
    return render_template("catalog/certification.html", form=form,
                           certification=certification), status


@bp.route("/catalog/certifications/<id:certification_id>/remove", methods=["POST"])
@requires("catalog.manage")
def catalog_certification_remove(certification_id: int):
    certification = get_or_404(Certification, certification_id)
    require_action_form()
    lamp_group_id = certification.lamp_group_id
    services.remove_certification(certification, current_user)
    return _saved(_("The certification is removed."), ".catalog_lamp_group",
                  lamp_group_id=lamp_group_id)


# --- return inspections and repair ------------------------------------------------------------

@bp.route("/catalog/<id:lamp_group_id>/inspections", methods=["POST"])
@requires("catalog.manage")
def catalog_inspection_add(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    form = InspectionForm().fill_choices()
    if not form.validate_on_submit():
        return _lamp_group_page(lamp_group, 400, inspection_form=form)
    spec = services.InspectionSpec(**{spec_field.name: form[spec_field.name].data
                                      for spec_field in fields(services.InspectionSpec)})
    try:
        services.record_inspection(lamp_group, spec, current_user, _today())
    except DomainError as error:
        status = _refused(form, error)
        return _lamp_group_page(get_or_404(LampGroup, lamp_group_id), status, inspection_form=form)
    message = (_("The damage is recorded: the lamp group is under repair and cannot be booked "
                 "until %(date)s.", date=format_local_date(spec.repair_until))
               if lamp_group.status == LampGroup.UNDER_REPAIR and spec.repair_until
               else _("The inspection is recorded."))
    return _saved(message, ".catalog_lamp_group", lamp_group_id=lamp_group_id)


@bp.route("/catalog/<id:lamp_group_id>/repair-done", methods=["POST"])
@requires("catalog.manage")
def catalog_repair_done(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    require_action_form()
    services.finish_repair(lamp_group, _today(), current_user)
    return _saved(_("The repair is done: the lamp group is available again."),
                  ".catalog_lamp_group", lamp_group_id=lamp_group_id)


# --- service offerings ------------------------------------------------------------------------

def _service_form(service: ServiceOffering | None):
    if service is None or request.method == "POST":
        return service_form(g.org.currency)
    data = {**texts_data("name", service.names), **texts_data("description", service.descriptions)}
    return service_form(g.org.currency, obj=service, **data)


def _service_spec(form) -> services.ServiceSpec:
    return services.ServiceSpec(kind=form.kind.data, names=texts_of(form, "name"),
                                descriptions=texts_of(form, "description"), price=form.price.data,
                                unit=form.unit.data, active=bool(form.active.data))


def _service_page(form, service: ServiceOffering | None, status: int = 200):
    return render_template("catalog/service.html", form=form, service=service), status


@bp.route("/services")
@requires("catalog.view")
def catalog_services():
    return render_template("catalog/services.html", services=services.list_services())


@bp.route("/services/new", methods=["GET", "POST"])
@requires("catalog.manage")
def catalog_service_new():
    form = _service_form(None)
    if request.method != "POST":
        return _service_page(form, None)
    if not form.validate_on_submit():
        return _service_page(form, None, 400)
    try:
        services.create_service(g.org, _service_spec(form), current_user)
    except DomainError as error:
        return _service_page(form, None, _refused(form, error))
    return _saved(_("The service is in your catalog."), ".catalog_services")


@bp.route("/services/<id:service_id>", methods=["GET", "POST"])
@requires("catalog.view")
def catalog_service(service_id: int):
    service = get_or_404(ServiceOffering, service_id)
    form = _service_form(service)
    if request.method != "POST":
        return _service_page(form, service)
    ensure("catalog.manage")
    if not form.validate_on_submit():
        return _service_page(form, service, 400)
    try:
        services.update_service(service, _service_spec(form), current_user)
    except DomainError as error:
        status = _refused(form, error)
        return _service_page(form, get_or_404(ServiceOffering, service_id), status)
    return _saved(_("The service is saved."), ".catalog_services")
