"""The base console's dashboard pages: figures, annual PDF, rate table, country groups (the
CSV is a report export, festival.exports).

HTTP glue on the base blueprint; every view runs in the named platform scope "base.console"
(tenants' data is read only through the dashboard services, which aggregate it).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import operator_required
from festival.base.views import bp
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.core.scope import in_platform_scope
from festival.dashboard import groups, rates
from festival.dashboard.annual import FIRST_YEAR, LAST_YEAR, annual_report_pdf
from festival.dashboard.filters import parse_filters
from festival.dashboard.forms import CountryGroupForm, RateForm, ReportingCurrencyForm
from festival.dashboard.models import CountryGroup
from festival.dashboard.pages import build

BASE_TIMEZONE = "Asia/Shanghai"


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(BASE_TIMEZONE)).date()


@bp.route("/dashboard")
@operator_required
@in_platform_scope("base.console")
def dashboard():
    filters = parse_filters(request.args, _today())
    board, charts = build(filters, current_locale())
    return render_template("dashboard/base.html", board=board, charts=charts,
                           country_groups=groups.list_groups(), year=filters.start.year,
                           export_form=ActionForm())


@bp.route("/dashboard/annual-<int:year>.pdf")
@operator_required
@in_platform_scope("base.console")
def dashboard_annual(year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    pdf = annual_report_pdf(year, request.args.get("lang", "en"))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="lantern-annual-{year}.pdf"'})


def _rates_page(rate_form: RateForm | None = None, currency_form: ReportingCurrencyForm | None = None,
                status: int = 200):
    locale = current_locale()
    rate_form = rate_form or RateForm(valid_from=_today().isoformat()).fill_choices(locale)
    currency = rates.reporting_currency()
    currency_form = currency_form or ReportingCurrencyForm(
        reporting_currency=currency).fill_choices(locale)
    return render_template("dashboard/rates.html", rates=rates.list_rates(), currency=currency,
                           rate_form=rate_form, currency_form=currency_form), status


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


@bp.route("/rates", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def rates_page():
    if request.method == "GET":
        return _rates_page()
    form = RateForm().fill_choices(current_locale())
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Your form expired. Reload the page and try again."))
        rate = rates.parse_rate(form.rate.data)
        rates.set_rate(form.currency.data or "", rate, _parse_day(form.valid_from.data), current_user)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _rates_page(rate_form=form, status=error.status_code)
    flash(_("The rate of %(currency)s is saved.", currency=form.currency.data), "success")
    return redirect(url_for(".rates_page"))


@bp.route("/rates/currency", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def reporting_currency():
    form = ReportingCurrencyForm().fill_choices(current_locale())
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Your form expired. Reload the page and try again."))
        rates.set_reporting_currency(form.reporting_currency.data or "", current_user)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _rates_page(currency_form=form, status=error.status_code)
    flash(_("Figures are now converted into %(currency)s.", currency=form.reporting_currency.data),
          "success")
    return redirect(url_for(".rates_page"))


def _groups_page(form: CountryGroupForm | None = None, status: int = 200):
    form = form or CountryGroupForm().fill_choices(current_locale())
    return render_template("dashboard/country_groups.html", groups=groups.list_groups(), form=form,
                           action_form=ActionForm()), status


@bp.route("/country-groups", methods=["GET", "POST"])
@operator_required
@in_platform_scope("base.console")
def country_groups():
    if request.method == "GET":
        return _groups_page()
    form = CountryGroupForm().fill_choices(current_locale())
    try:
        if not form.validate_on_submit():
            raise DomainError(form.name.errors[0] if form.name.errors else
                              _("Your form expired. Reload the page and try again."))
        group = groups.create_group(form.name.data, groups.parse_countries(form.countries.data or []),
                                    current_user)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _groups_page(form, error.status_code)
    flash(_("The country group %(name)s is saved.", name=group.name), "success")
    return redirect(url_for(".country_groups"))


@bp.route("/country-groups/<id:group_id>/delete", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def country_group_delete(group_id: int):
    group = db.session.get(CountryGroup, group_id)
    if group is None:
        abort(404)
    require_action_form()
    groups.delete_group(group, current_user)
    flash(_("The country group %(name)s is deleted.", name=group.name), "success")
    return redirect(url_for(".country_groups"))

