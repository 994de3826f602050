"""The tenant's storefront (/<tenant>/) and its staff portal (/<tenant>/manage/)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import SUPPORT_ROLE, current_role, ensure, requires
from festival.accounts.team_views import register_team_routes
from festival.audit.services import record_event
from festival.core.errors import DomainError
from festival.core.i18n import current_locale
from festival.core.reference import readable_text_colour
from festival.core.resolver import install_org_resolver
from festival.core.scope import Scope
from festival.core.storage import read_file, sniff_image
from festival.tenants import services
from festival.tenants.forms import TenantSettingsForm
from festival.tenants.models import Tenant

storefront_bp = Blueprint("storefront", __name__, url_prefix="/<tenant_slug>",
                          template_folder="templates")
portal_bp = Blueprint("tenant_portal", __name__, url_prefix="/<tenant_slug>/manage",
                      template_folder="templates")

install_org_resolver(storefront_bp, Tenant, "tenant_slug", lambda t: Scope(tenant_id=t.id),
                     lambda t: t.timezone, offered_locales=lambda t: t.offered_locales)
install_org_resolver(portal_bp, Tenant, "tenant_slug", lambda t: Scope(tenant_id=t.id),
                     lambda t: t.timezone)
register_team_routes(portal_bp)


@storefront_bp.route("/")
def index():
    return render_template("tenants/storefront.html", tenant=g.org)


@storefront_bp.route("/brand.css")
def brand_css():
    """The tenant's colours as a stylesheet (the CSP allows no inline styles)."""
    colour = g.org.brand_colour
    css = (f":root{{--brand:{colour};--on-brand:{readable_text_colour(colour)};}}\n")
    return Response(css, content_type="text/css", headers={"Cache-Control": "max-age=300"})


@storefront_bp.route("/logo")
def logo():
    if not g.org.logo_path:
        abort(404)
    data = read_file(g.org.logo_path)
    _extension, content_type = sniff_image(data)
    return Response(data, content_type=content_type,
                    headers={"Cache-Control": "public, max-age=3600"})


@portal_bp.before_request
def record_support_visit() -> None:
    """Every page a base operator opens on a support visit lands in the tenant's audit log."""
    if current_user.is_authenticated and current_role() == SUPPORT_ROLE:
        record_event("festival.support.page_viewed", actor=current_user,
                     ip_address=request.remote_addr, path=request.path)


@portal_bp.route("/")
@requires("portal.view")
def home():
    return render_template("tenants/portal_home.html", tenant=g.org)


@portal_bp.route("/settings", methods=["GET", "POST"])
@requires("settings.view")
def settings():
    tenant = g.org
    form = TenantSettingsForm(obj=tenant).fill_choices(current_locale())
    if request.method == "GET":
        form.offered_locales.data = tenant.offered_locales
    if request.method == "POST":
        ensure("settings.edit")
        if form.validate_on_submit():
            try:
                services.update_settings(tenant, settings_from_form(form), current_user)
                upload = form.logo.data
                if upload and getattr(upload, "filename", ""):
                    services.set_logo(tenant, upload.read(), current_user)
            except DomainError as error:
                form.form_errors.append(error.message)
                g.rolled_back = True
                return render_template("tenants/settings.html", form=form,
                                       tenant=tenant), error.status_code
            flash(_("The settings are saved."), "success")
            return redirect(url_for(".settings"))
        return render_template("tenants/settings.html", form=form, tenant=tenant), 400
    return render_template("tenants/settings.html", form=form, tenant=tenant)


def settings_from_form(form: TenantSettingsForm) -> services.TenantSettings:
    return services.TenantSettings(
        name=form.name.data, city=form.city.data, country=form.country.data,
        timezone=form.timezone.data, currency=form.currency.data,
        default_locale=form.default_locale.data, offered_locales=list(form.offered_locales.data),
        brand_colour=form.brand_colour.data)
