"""The Exports pages: request an export (the CSV buttons of the orders list, the dashboards and
the exposure page post here), see the recent ones, download a ready file. Tenant portal and
base console; HTTP glue only (festival/exports/services.py decides)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import can, ensure, operator_required, requires
from festival.base.views import bp as base_bp
from festival.core.forms import require_action_form
from festival.core.i18n import current_locale
from festival.core.scope import in_platform_scope
from festival.exports import services
from festival.exports.kinds import BASE, KINDS, TENANT
from festival.exports.models import BaseExport, ExportColumns, TenantExport
from festival.tenants.views import portal_bp


def _flash_requested() -> None:
    flash(_("Your export is being prepared; it appears here when ready."), "success")


def _download(export: ExportColumns) -> Response:
    data = services.export_file(export)
    return Response(data, content_type=export.content_type, headers={
        "Content-Disposition": f'attachment; filename="{export.filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})  # visitors' data: no copy in any cache


def _list_page(model: type, owner: str, kinds: list[str], endpoint: str,
               download_url: Callable[[ExportColumns], str], layout: str):
    page = services.export_page(model, kinds, request.args.get("page", 1, type=int))
    labels = {key: kind.label for key, kind in KINDS[owner].items()}
    return render_template("exports/list.html", page=page, labels=labels, endpoint=endpoint,
                           download_url=download_url, layout=layout)


# --- tenant portal ---------------------------------------------------------------------------

def _tenant_kinds() -> list[str]:
    """The kinds the signed-in member may request and download."""
    return [key for key, kind in KINDS[TENANT].items() if can(kind.permission)]


@portal_bp.route("/exports")
@requires("reports.view")
def exports():
    return _list_page(TenantExport, TENANT, _tenant_kinds(), "tenant_portal.exports",
                      lambda export: url_for(".export_download", export_id=export.id),
                      "portal_layout.html")


@portal_bp.route("/exports/request", methods=["POST"])
@requires("reports.view")
def export_request():
    require_action_form()
    kind = services.tenant_kind(request.form.get("kind"))
    ensure(kind.permission)
    services.request_tenant_export(g.org, kind, request.form, current_user, current_locale())
    _flash_requested()
    return redirect(url_for(".exports"))


@portal_bp.route("/exports/<id:export_id>/download")
@requires("reports.view")
def export_download(export_id: int):
    return _download(services.get_export(TenantExport, export_id, _tenant_kinds()))


# --- base console ----------------------------------------------------------------------------

@base_bp.route("/exports")
@operator_required
@in_platform_scope("base.console")
def base_exports():
    return _list_page(BaseExport, BASE, list(KINDS[BASE]), "base.base_exports",
                      lambda export: url_for(".base_export_download", base_export_id=export.id),
                      "base_layout.html")


@base_bp.route("/exports/request", methods=["POST"])
@operator_required
@in_platform_scope("base.console")
def base_export_request():
    require_action_form()
    kind = services.base_kind(request.form.get("kind"))
    services.request_base_export(kind, request.form, current_user, current_locale())
    _flash_requested()
    return redirect(url_for(".base_exports"))


@base_bp.route("/exports/<id:base_export_id>/download")
@operator_required
@in_platform_scope("base.console")
def base_export_download(base_export_id: int):
    return _download(services.get_export(BaseExport, base_export_id, list(KINDS[BASE])))
