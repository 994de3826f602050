"""The tenant's payment settings (/<tenant>/manage/payments): its Stripe connected account."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import requires
from festival.core.errors import DomainError
from festival.payments import services
from festival.payments.forms import StripeAccountForm
from festival.payments.gateways import stripe_configured
from festival.tenants.views import portal_bp


def _page(form: StripeAccountForm, status: int = 200):
    return render_template("payments/settings.html", form=form, tenant=g.org,
                           stripe_ready=stripe_configured()), status


@portal_bp.route("/payments", methods=["GET", "POST"])
@requires("payments.manage")
def payment_settings():
    tenant = g.org
    form = StripeAccountForm()
    if request.method == "GET":
        form.stripe_account_id.data = tenant.stripe_account_id or ""
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        changed = services.set_connected_account(tenant, form.stripe_account_id.data, current_user)
    except DomainError as error:
        form.stripe_account_id.errors.append(error.message)
        g.rolled_back = True
        return _page(form, error.status_code)
    if changed:
        flash(_("Sales are now paid into the Stripe account %(account)s.",
                account=tenant.stripe_account_id) if tenant.stripe_account_id else
              _("The Stripe account is removed: sales go through the platform's account."),
              "success")
    return redirect(url_for(".payment_settings"))
