"""Pages of festival.exposure: the supplier's exposure pages and lamp group record
(/s/<supplier>/exposure/…), and the base's exposure page and CSV (base_views). HTTP glue only:
the rules are in festival/exposure/services.py."""

from __future__ import annotations

from flask import Response, g, render_template
from sqlalchemy import select

from festival.accounts.access import requires
from festival.catalog.models import LampGroup
from festival.core.db import db, utcnow
from festival.core.i18n import display_timezone
from festival.exposure import base_views as _base_pages  # noqa: F401  adds the base's routes
from festival.exposure.record import record_pdf
from festival.exposure.services import Exposure, supplier_exposure
from festival.suppliers.models import Supplier
from festival.suppliers.views import bp
from festival.ticketing.portal import get_or_404


def _exposure_of(lamp_group: LampGroup) -> Exposure | None:
    found = supplier_exposure([lamp_group], utcnow())
    return found[0] if found else None


@bp.route("/exposure")
@requires("catalog.view")
def exposure():
    lamp_groups = list(db.session.scalars(select(LampGroup).order_by(LampGroup.code)))
    return render_template("exposure/supplier.html",
                           exposures=supplier_exposure(lamp_groups, utcnow()))


@bp.route("/exposure/<id:lamp_group_id>")
@requires("catalog.view")
def exposure_lamp_group(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    return render_template("exposure/lamp_group.html", lamp_group=lamp_group,
                           exposure=_exposure_of(lamp_group))


@bp.route("/exposure/<id:lamp_group_id>/record.pdf")
@requires("catalog.view")
def exposure_record(lamp_group_id: int):
    lamp_group = get_or_404(LampGroup, lamp_group_id)
    supplier: Supplier = g.org
    pdf = record_pdf(lamp_group, _exposure_of(lamp_group), supplier,
                     utcnow().astimezone(display_timezone()).date())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="lamp-group-record-{lamp_group.code}.pdf"'})
