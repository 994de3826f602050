"""The supplier portal (/s/<supplier>/): home, profile, team and audit log."""

from __future__ import annotations

from dataclasses import fields

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import ensure, requires
from festival.accounts.team_views import register_team_routes
from festival.core.errors import DomainError
from festival.core.resolver import install_org_resolver
from festival.core.scope import Scope
from festival.suppliers import services
from festival.suppliers.forms import SupplierProfileForm
from festival.suppliers.models import Supplier

bp = Blueprint("supplier_portal", __name__, url_prefix="/s/<supplier_slug>",
               template_folder="templates")
install_org_resolver(bp, Supplier, "supplier_slug", lambda s: Scope(supplier_id=s.id),
                     lambda s: "Asia/Shanghai")
register_team_routes(bp)


@bp.route("/")
@requires("portal.view")
def home():
    return render_template("suppliers/portal_home.html", supplier=g.org)


def profile_from_form(form: SupplierProfileForm) -> services.SupplierProfile:
    return services.SupplierProfile(**{
        field.name: (getattr(form, field.name).data or "")
        for field in fields(services.SupplierProfile)})


@bp.route("/profile", methods=["GET", "POST"])
@requires("settings.view")
def profile():
    supplier = g.org
    form = SupplierProfileForm(obj=supplier).fill_choices()
    if request.method == "POST":
        ensure("settings.edit")
        if not form.validate_on_submit():
            return render_template("suppliers/profile.html", form=form, supplier=supplier), 400
        try:
            services.update_profile(supplier, profile_from_form(form), current_user)
        except DomainError as error:
            form.form_errors.append(error.message)
            return render_template("suppliers/profile.html", form=form,
                                   supplier=supplier), error.status_code
        flash(_("The profile is saved."), "success")
        return redirect(url_for(".profile"))
    return render_template("suppliers/profile.html", form=form, supplier=supplier)

