"""The tenant's view of the dashboard (/<tenant>/manage/dashboard): the same figures, breakdowns
and charts, limited by the tenant's scope to its own exhibitions, in its own currency (its CSV
is a report export, festival.exports)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import g, render_template, request

from festival.accounts.access import requires
from festival.core.db import utcnow
from festival.core.forms import ActionForm
from festival.core.i18n import current_locale
from festival.dashboard.filters import parse_filters
from festival.dashboard.pages import build
from festival.tenants.views import portal_bp


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(g.org.timezone)).date()


@portal_bp.route("/dashboard")
@requires("reports.view")
def dashboard():
    filters = parse_filters(request.args, _today(), with_countries=False)
    board, charts = build(filters, current_locale(), tenant=g.org)
    return render_template("dashboard/tenant.html", board=board, charts=charts,
                           export_form=ActionForm())
