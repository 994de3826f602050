"""The base console's exposure page and CSV (/base/exposure): every supplier's lamp groups, most
seen first, filterable by year and supplier. Runs in the named platform scope "base.console";
tenants' figures are read only as sums per exhibition night (festival/exposure/services.py)."""

from __future__ import annotations

from flask import Response, render_template, request
from sqlalchemy import select

from festival.accounts.access import operator_required
from festival.base.views import bp
from festival.core.db import db, utcnow
from festival.core.scope import in_platform_scope
from festival.exposure.export import exposure_csv
from festival.exposure.filters import parse_filters
from festival.exposure.services import base_exposure
from festival.suppliers.models import Supplier

TOP = 50  # lamp groups on the page; the CSV has them all
YEARS_BACK = 5


def _suppliers() -> dict[int, Supplier]:
    return {supplier.id: supplier for supplier in db.session.scalars(
        select(Supplier).order_by(Supplier.name_en))}


def _exposures(filters):
    return base_exposure(utcnow(), filters.year,
                         filters.supplier.id if filters.supplier is not None else None)


@bp.route("/exposure")
@operator_required
@in_platform_scope("base.console")
def exposure():
    filters = parse_filters(request.args)
    exposures = _exposures(filters)
    this_year = utcnow().year
    return render_template("exposure/base.html", filters=filters, exposures=exposures[:TOP],
                           total=len(exposures), suppliers=_suppliers(),
                           years=list(range(this_year + 1, this_year - YEARS_BACK - 1, -1)))


@bp.route("/exposure.csv")
@operator_required
@in_platform_scope("base.console")
def exposure_export():
    filters = parse_filters(request.args)
    name = "-".join(["lantern-exposure", *filters.query().values()])
    return Response(exposure_csv(_exposures(filters), _suppliers()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
