"""Pages of festival.privacy: the tenant's data export and a visitor's erasure (tenant portal),
a tenant's deletion (base console). HTTP glue only: export.py, erasure.py and deletion.py decide."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.accounts.access import operator_required, requires
from festival.base.views import bp as base_bp
from festival.core.db import db, utcnow
from festival.core.errors import DomainError, NotFound
from festival.core.forms import ActionForm, require_action_form
from festival.core.scope import in_platform_scope
from festival.privacy.deletion import delete_tenant, running_bookings
from festival.privacy.erasure import erase_visitor
from festival.privacy.export import export_to_temporary_file
from festival.privacy.forms import ErasureForm, TenantDeletionForm
from festival.tenants.models import Tenant
from festival.tenants.views import portal_bp

# --- tenant portal: export and erasure ----------------------------------------------------------


def _privacy_page(form: ErasureForm, status: int = 200):
    return render_template("privacy/portal.html", form=form, action_form=ActionForm()), status


@portal_bp.route("/privacy", methods=["GET", "POST"])
@requires("visitors.erase")
def privacy():
    """The tenant's data: download it all (owner), erase one visitor's personal data."""
    form = ErasureForm()
    if request.method == "GET":
        return _privacy_page(form)
    if not form.validate_on_submit():
        g.rolled_back = True
        return _privacy_page(form, 400)
    try:
        report = erase_visitor(g.org, form.email.data, current_user, request.remote_addr)
    except DomainError as error:
        form.email.errors = [error.message]
        g.rolled_back = True
        return _privacy_page(form, error.status_code)
    if not report.found:
        flash(_("No order, waiting-list request or pass of this address was found. "
                "Nothing was changed."), "info")
    else:
        flash(ngettext("The personal data of %(num)d order was erased; its tickets and "
                       "figures stay.",
                       "The personal data of %(num)d orders was erased; their tickets and "
                       "figures stay.", report.orders)
              + " " + _("Waiting-list requests: %(waiting)d. Passes: %(passes)d.",
                        waiting=report.waiting_requests, passes=report.passes), "success")
    return redirect(url_for(".privacy"))


@portal_bp.route("/privacy/export", methods=["POST"])
@requires("data.export")
def privacy_export():
    """Every row the tenant owns and its files, as a zip (recorded in the audit log)."""
    require_action_form()
    tenant = g.org
    archive = export_to_temporary_file(tenant, current_user, request.remote_addr)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=f"{tenant.slug}-{utcnow().date().isoformat()}.zip")
    response.headers["Cache-Control"] = "no-store"  # personal data: no copy in any cache
    return response


# --- base console: deleting a tenant --------------------------------------------------------------


def _deletion_page(tenant: Tenant, form: TenantDeletionForm, status: int = 200):
    return render_template("privacy/base_delete.html", tenant=tenant, form=form,
                           running=running_bookings(tenant)), status


@base_bp.route("/tenants/<id:leaving_tenant_id>/delete", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def tenant_delete(leaving_tenant_id: int):
    """Delete a tenant with everything it owns, after its slug is typed to confirm."""
    tenant = db.session.get(Tenant, leaving_tenant_id)
    if tenant is None:
        raise NotFound(_("This tenant does not exist."))
    form = TenantDeletionForm()
    if request.method == "GET":
        return _deletion_page(tenant, form)
    if not form.validate_on_submit():
        g.rolled_back = True
        return _deletion_page(tenant, form, 400)
    try:
        delete_tenant(tenant, form.confirmation.data, current_user, request.remote_addr)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _deletion_page(tenant, form, error.status_code)
    flash(_("%(name)s and everything it owned are deleted. The platform audit log keeps the "
            "record.", name=tenant.name), "success")
    return redirect(url_for("base.tenants_list"))
