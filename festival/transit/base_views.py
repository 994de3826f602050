"""The base console's transit pages: regions, transport modes and routes, the region of each host
city, and the certifications each destination country requires.

HTTP glue on the base blueprint, operators only, every view in the platform scope "base.console"
(its changes go to the platform's audit log); the rules are in festival/transit/admin.py.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import operator_required
from festival.base.views import bp
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import country_name, current_locale
from festival.core.scope import in_platform_scope
from festival.tenants.models import Tenant
from festival.tenants.services import list_tenants
from festival.transit import admin
from festival.transit.forms import (
    CityRegionForm,
    ModeForm,
    RegionForm,
    RequirementForm,
    RouteFigures,
    RouteForm,
)
from festival.transit.labels import certification_label
from festival.transit.models import CertificationRequirement, Region, TransitRoute, TransportMode
from festival.transit.services import default_region, list_modes, list_regions


def _get(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _check(form) -> None:
    """A form that failed field validation: its first field error, else an expired form."""
    if not form.validate_on_submit():
        errors = [error for name, errors in form.errors.items() if name != "csrf_token"
                  for error in errors]
        raise DomainError(errors[0] if errors else _("Your form expired. Reload the page and try again."))


def _refused(form, error: DomainError) -> int:
    form.form_errors.append(error.message)
    g.rolled_back = True
    return error.status_code


# --- regions, modes and routes ------------------------------------------------------------------

def _transit_page(route_form: RouteForm | None = None, status: int = 200):
    locale = current_locale()
    regions, modes = list_regions(), list_modes(active_only=False)
    route_form = route_form or RouteForm().fill_choices(regions, modes, locale)
    return render_template("transit/base_transit.html", regions=regions, modes=modes,
                           rows=admin.route_matrix(), route_form=route_form, locale=locale), status


@bp.route("/transit/")
@operator_required
@in_platform_scope("base.console")
def transit_home():
    return _transit_page()


@bp.route("/transit/routes", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def transit_route_add():
    locale = current_locale()
    form = RouteForm().fill_choices(list_regions(), list_modes(active_only=False), locale)
    try:
        _check(form)
        route = admin.add_route(form.origin.data, form.destination.data, form.mode.data,
                                admin.parse_transit_days(form.transit_days.data),
                                admin.parse_freight(form.freight_usd.data), current_user, locale)
    except DomainError as error:
        return _transit_page(form, _refused(form, error))
    flash(_("The route between %(origin)s and %(destination)s by %(mode)s is saved.",
            **admin.route_title(route, locale)), "success")
    return redirect(url_for(".transit_home"))


@bp.route("/transit/routes/<id:route_id>", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def transit_route(route_id: int):
    route = _get(TransitRoute, route_id)
    locale = current_locale()
    form = RouteFigures(transit_days=str(route.transit_days),
                        freight_usd=str(route.freight_usd_per_container))
    status = 200
    if request.method == "POST":
        try:
            _check(form)
            admin.change_route(route, admin.parse_transit_days(form.transit_days.data),
                               admin.parse_freight(form.freight_usd.data), current_user)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("The route between %(origin)s and %(destination)s by %(mode)s is saved.",
                    **admin.route_title(route, locale)), "success")
            return redirect(url_for(".transit_home"))
    return render_template("transit/base_route.html", route=route, form=form,
                           title=admin.route_title(route, locale), action_form=ActionForm()), status


@bp.route("/transit/routes/<id:route_id>/delete", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def transit_route_delete(route_id: int):
    route = _get(TransitRoute, route_id)
    require_action_form()
    title = admin.route_title(route, current_locale())
    admin.remove_route(route, current_user)
    flash(_("The route between %(origin)s and %(destination)s by %(mode)s is removed.", **title),
          "success")
    return redirect(url_for(".transit_home"))


@bp.route("/transit/regions/<id:region_id>", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def transit_region(region_id: int):
    region = _get(Region, region_id)
    locale = current_locale()
    form = RegionForm(name_en=region.names.get("en", ""), name_zh=region.names.get("zh_Hans", ""),
                      countries=", ".join(region.countries))
    status = 200
    if request.method == "POST":
        try:
            _check(form)
            admin.change_region(region, admin.parse_names(form.name_en.data, form.name_zh.data),
                                admin.parse_country_list(form.countries.data), current_user, locale)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("The region %(name)s is saved.", name=region.name(locale)), "success")
            return redirect(url_for(".transit_home"))
    return render_template("transit/base_region.html", region=region, form=form, locale=locale), status


@bp.route("/transit/modes/<id:mode_id>", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def transit_mode(mode_id: int):
    mode = _get(TransportMode, mode_id)
    locale = current_locale()
    form = ModeForm(name_en=mode.names.get("en", ""), name_zh=mode.names.get("zh_Hans", ""),
                    active=mode.active)
    status = 200
    if request.method == "POST":
        try:
            _check(form)
            admin.change_mode(mode, admin.parse_names(form.name_en.data, form.name_zh.data),
                              bool(form.active.data), current_user)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("The transport mode %(name)s is saved.", name=mode.name(locale)), "success")
            return redirect(url_for(".transit_home"))
    return render_template("transit/base_mode.html", mode=mode, form=form, locale=locale), status


# --- host cities --------------------------------------------------------------------------------

def _city_row(tenant: Tenant, regions: dict[int, Region]) -> dict:
    """A tenant's city with its region: the base's assignment, or its country's default."""
    return {"tenant": tenant, "assigned": regions.get(tenant.region_id) if tenant.region_id else None,
            "default": default_region(tenant.country)}


@bp.route("/transit/cities")
@operator_required
@in_platform_scope("base.console")
def transit_cities():
    regions = {region.id: region for region in list_regions()}
    return render_template("transit/base_cities.html", locale=current_locale(),
                           cities=[_city_row(tenant, regions) for tenant in list_tenants()])


@bp.route("/transit/cities/<id:tenant_id>", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def transit_city(tenant_id: int):
    tenant = _get(Tenant, tenant_id)
    locale = current_locale()
    regions = list_regions()
    row = _city_row(tenant, {region.id: region for region in regions})
    default_label = (_("Default for %(country)s: %(region)s", country=country_name(tenant.country),
                       region=row["default"].name(locale)) if row["default"] else
                     _("Default for %(country)s: none yet", country=country_name(tenant.country)))
    form = CityRegionForm(region=row["assigned"].code if row["assigned"] else "")
    form.fill_choices(regions, locale, default_label)
    status = 200
    if request.method == "POST":
        try:
            _check(form)
            region = admin.region_by_code(form.region.data) if form.region.data else None
            admin.assign_city_region(tenant, region, current_user)
        except DomainError as error:
            status = _refused(form, error)
        else:
            flash(_("%(city)s is now in %(region)s.", city=tenant.city, region=region.name(locale))
                  if region else _("%(city)s is back in its country's default region.", city=tenant.city),
                  "success")
            return redirect(url_for(".transit_cities"))
    return render_template("transit/base_city.html", row=row, form=form, locale=locale), status


# --- certification requirements -----------------------------------------------------------------

def _requirements_page(form: RequirementForm | None = None, status: int = 200):
    form = form or RequirementForm().fill_choices(current_locale())
    return render_template("transit/base_certifications.html", form=form,
                           requirements=admin.list_requirements(), action_form=ActionForm(),
                           certification_label=certification_label), status


@bp.route("/certifications", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def base_certifications():
    if request.method == "GET":
        return _requirements_page()
    form = RequirementForm().fill_choices(current_locale())
    try:
        _check(form)
        admin.add_requirement(form.country.data, form.kind.data, current_user, current_locale())
    except DomainError as error:
        return _requirements_page(form, _refused(form, error))
    flash(_("%(country)s now requires %(kind)s.", country=country_name(form.country.data),
            kind=certification_label(form.kind.data)), "success")
    return redirect(url_for(".base_certifications"))


@bp.route("/certifications/<id:requirement_id>/delete", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def base_certification_delete(requirement_id: int):
    requirement = _get(CertificationRequirement, requirement_id)
    require_action_form()
    country, kind = requirement.country, requirement.kind
    admin.remove_requirement(requirement, current_user)
    flash(_("%(country)s no longer requires %(kind)s.", country=country_name(country),
            kind=certification_label(kind)), "success")
    return redirect(url_for(".base_certifications"))
