"""The base console (/base/): tenants, suppliers, operators, support visits."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts import services as accounts
from festival.accounts.access import operator_required
from festival.accounts.forms import InviteForm
from festival.base import services
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale, format_number
from festival.payments import services as payments
from festival.payments.forms import ApplicationFeeForm
from festival.suppliers import services as suppliers
from festival.suppliers.forms import NewSupplierForm
from festival.suppliers.models import Supplier
from festival.suppliers.views import profile_from_form
from festival.tenants import services as tenants
from festival.tenants.forms import NewTenantForm
from festival.tenants.models import Tenant
from festival.tenants.views import settings_from_form

bp = Blueprint("base", __name__, url_prefix="/base", template_folder="templates")


@bp.before_request
def base_timezone() -> None:
    g.display_timezone = "Asia/Shanghai"


def _accept_url(token: str) -> str:
    return url_for("accounts.accept_invitation", token=token, _external=True)


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _form_failed(template: str, form, error: DomainError, **context):
    form.form_errors.append(error.message)
    g.rolled_back = True
    return render_template(template, form=form, **context), error.status_code


@bp.route("/")
@operator_required
def home():
    return render_template("base/home.html", counts=services.platform_counts())


@bp.route("/tenants")
@operator_required
def tenants_list():
    return render_template("base/tenants.html", tenants=tenants.list_tenants())


@bp.route("/tenants/new", methods=["GET", "POST"])
@operator_required
def tenant_new():
    form = NewTenantForm().fill_choices(current_locale())
    if request.method == "GET":
        form.offered_locales.data = ["en"]
        form.default_locale.data = "en"
        form.timezone.data = "UTC"
    return _onboard(form, "base/tenant_new.html", lambda: tenants.create_tenant(
        form.slug.data.strip().lower(), settings_from_form(form), current_user),
        ".tenant_detail", "tenant_id")


@bp.route("/tenants/<id:tenant_id>")
@operator_required
def tenant_detail(tenant_id: int):
    return _org_detail(_get(Tenant, tenant_id), "tenant")


@bp.route("/tenants/<id:tenant_id>/invite", methods=["POST"])
@operator_required
def tenant_invite(tenant_id: int):
    return _invite(_get(Tenant, tenant_id), ".tenant_detail", tenant_id=tenant_id)


@bp.route("/tenants/<id:tenant_id>/status", methods=["POST"])
@operator_required
def tenant_status(tenant_id: int):
    tenant = _get(Tenant, tenant_id)
    require_action_form()
    status = request.form.get("status", "")
    tenants.set_status(tenant, status, current_user)
    flash(_("The tenant is suspended.") if status == Tenant.STATUS_SUSPENDED
          else _("The tenant is active."), "success")
    return redirect(url_for(".tenant_detail", tenant_id=tenant_id))


@bp.route("/tenants/<id:tenant_id>/support", methods=["POST"])
@operator_required
def tenant_support(tenant_id: int):
    tenant = _get(Tenant, tenant_id)
    require_action_form()
    services.start_support_visit(tenant, current_user, request.remote_addr)
    session["support_tenant_id"] = tenant.id
    flash(_("Support visit: you see this portal read-only. Every page you open is recorded "
            "in the tenant's audit log."), "warning")
    return redirect(url_for("tenant_portal.home", tenant_slug=tenant.slug))


@bp.route("/support/end", methods=["POST"])
@operator_required
def support_end():
    require_action_form()
    session.pop("support_tenant_id", None)
    return redirect(url_for(".tenants_list"))


@bp.route("/suppliers")
@operator_required
def suppliers_list():
    return render_template("base/suppliers.html", suppliers=suppliers.list_suppliers())


@bp.route("/suppliers/new", methods=["GET", "POST"])
@operator_required
def supplier_new():
    form = NewSupplierForm().fill_choices()
    if request.method == "GET":
        form.default_locale.data = "zh_Hans"
    return _onboard(form, "base/supplier_new.html", lambda: suppliers.create_supplier(
        form.slug.data.strip().lower(), profile_from_form(form), current_user),
        ".supplier_detail", "supplier_id")


def _onboard(form, template: str, create, detail_endpoint: str, id_arg: str):
    """Put an organisation on the platform and invite its first owner, in one transaction."""
    if form.validate_on_submit():
        try:
            org = create()
            services.invite_owner(org, form.owner_email.data, current_user, _accept_url)
        except DomainError as error:
            return _form_failed(template, form, error)
        flash(_("%(name)s is on Lantern. We have invited its owner.",
                name=org.display_name(current_locale())), "success")
        return redirect(url_for(detail_endpoint, **{id_arg: org.id}))
    return render_template(template, form=form), 400 if form.errors else 200


@bp.route("/suppliers/<id:supplier_id>")
@operator_required
def supplier_detail(supplier_id: int):
    return _org_detail(_get(Supplier, supplier_id), "supplier")


def _org_detail(org, kind: str, fee_form: ApplicationFeeForm | None = None):
    if kind == "tenant" and fee_form is None:
        fee_form = ApplicationFeeForm(application_fee_percent=str(org.application_fee_percent))
    return render_template("base/org_detail.html", org=org, kind=kind,
                           overview=services.org_overview(org), invite_form=InviteForm(),
                           action_form=ActionForm(), fee_form=fee_form, now=utcnow())


@bp.route("/tenants/<id:tenant_id>/fee", methods=["POST"])
@operator_required
def tenant_fee(tenant_id: int):
    """The platform's share of the tenant's Stripe sales (direct charges on its account)."""
    tenant = _get(Tenant, tenant_id)
    form = ApplicationFeeForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(next(iter(form.application_fee_percent.errors), None)
                              or _("Your form expired. Reload the page and try again."))
        percent = payments.parse_fee_percent(form.application_fee_percent.data)
        payments.set_application_fee(tenant, percent, current_user)
    except DomainError as error:
        form.application_fee_percent.errors = [error.message]
        g.rolled_back = True
        return _org_detail(tenant, "tenant", form), error.status_code
    flash(_("The application fee of %(name)s is now %(percent)s %%.", name=tenant.name,
            percent=format_number(percent)), "success")
    return redirect(url_for(".tenant_detail", tenant_id=tenant_id))


@bp.route("/suppliers/<id:supplier_id>/invite", methods=["POST"])
@operator_required
def supplier_invite(supplier_id: int):
    return _invite(_get(Supplier, supplier_id), ".supplier_detail", supplier_id=supplier_id)


def _invite(org, endpoint: str, **values):
    form = InviteForm()
    form.role.choices = [("owner", "owner")]
    form.role.data = "owner"
    if not form.validate_on_submit():
        raise DomainError(form.email.errors[0] if form.email.errors else
                          _("Enter a valid email address."))
    services.invite_owner(org, form.email.data, current_user, _accept_url)
    flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    return redirect(url_for(endpoint, **values))


@bp.route("/operators", methods=["GET", "POST"])
@operator_required
def operators():
    form = InviteForm()
    form.role.choices = [("operator", _("Base operator"))]
    if request.method == "GET":
        form.role.data = "operator"
    if request.method == "POST":
        form.role.data = "operator"
        if form.validate_on_submit():
            try:
                accounts.invite_operator(
                    form.email.data, current_user, current_locale(),
                    lambda token: url_for("accounts.reset_password", token=token,
                                          purpose="welcome", _external=True))
            except DomainError as error:
                return _form_failed("base/operators.html", form, error,
                                    operators=accounts.list_operators())
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for(".operators"))
    return render_template("base/operators.html", form=form,
                           operators=accounts.list_operators()), 400 if form.errors else 200

