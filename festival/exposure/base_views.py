"""The base console's exposure page (/base/exposure): every supplier's lamp groups, most seen
first, filterable by year and supplier; its CSV is a report export (festival.exports). Runs in
the named platform scope "base.console"; tenants' figures are read only as sums per exhibition
night (festival/exposure/services.py)."""

from __future__ import annotations

from flask import render_template, request

from festival.accounts.access import operator_required
from festival.base.views import bp
from festival.core.db import utcnow
from festival.core.forms import ActionForm
from festival.core.scope import in_platform_scope
from festival.exposure.export import exposures_of, suppliers_by_id
from festival.exposure.filters import parse_filters

TOP = 50  # lamp groups on the page; the CSV has them all
YEARS_BACK = 5


@bp.route("/exposure")
@operator_required
@in_platform_scope("base.console")
def exposure():
    filters = parse_filters(request.args)
    exposures = exposures_of(filters, utcnow())
    this_year = utcnow().year
    return render_template("exposure/base.html", filters=filters, exposures=exposures[:TOP],
                           total=len(exposures), suppliers=suppliers_by_id(),
                           years=list(range(this_year + 1, this_year - YEARS_BACK - 1, -1)),
                           export_form=ActionForm())
