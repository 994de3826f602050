"""Mail to the person who asked for an export, in the export's language, once it is ready or has
failed for good. The mail links to the Exports page, never to the file: a download needs a
sign-in anyway, and the page shows every export of the team.

The job queues it in the transaction that records the outcome (festival.exports.jobs), so it
leaves once, after that commit; a retried or duplicated run finds the export done and sends
nothing.
"""

from __future__ import annotations

import logging

from festival.accounts.models import User
from festival.core.db import db
from festival.core.mail import compose_mail, queue_mail
from festival.core.urls import external_url
from festival.exports.kinds import BASE, KINDS, TENANT
from festival.exports.models import KEEP, ExportColumns, TenantExport
from festival.tenants.models import Tenant

log = logging.getLogger("festival.exports")

TEMPLATES = {ExportColumns.READY: "export_ready", ExportColumns.FAILED: "export_failed"}


def exports_page_url(tenant: Tenant | None) -> str:
    """The Exports page the export is listed on, as a full address (the job has no request)."""
    if tenant is not None:
        return external_url("tenant_portal.exports", tenant_slug=tenant.slug)
    return external_url("base.base_exports")


def recipient(export: ExportColumns) -> User | None:
    """Who asked for ``export``, while their account still exists and is active."""
    if export.requested_by_id is None:
        return None
    # Users are platform rows: read in the tenant's scope as in the job's.
    person = db.session.get(User, export.requested_by_id)
    return person if person is not None and person.active else None


def send_outcome(model: type, export_id: int) -> None:
    """Queue the "ready" or "failed" mail of the export just finished, if anyone is to get it.

    Never raises: the mail is a courtesy, and a mail that cannot be written must not undo the
    export's outcome (the Exports page shows it either way)."""
    try:
        # In a savepoint: a failed write here leaves the outcome's transaction usable.
        with db.session.begin_nested():
            _queue_outcome(db.session.get(model, export_id))
    except Exception:
        log.exception("the outcome mail of export %s could not be queued", export_id)


def _queue_outcome(export: ExportColumns) -> None:
    person = recipient(export)
    template = TEMPLATES.get(export.status)
    if person is None or template is None:
        return
    tenant = db.session.get(Tenant, export.tenant_id) if isinstance(export, TenantExport) else None
    kind = KINDS[TENANT if tenant is not None else BASE].get(export.kind)
    queue_mail(compose_mail(
        person.email, template, export.locale, export=export, person=person, tenant=tenant,
        title=kind.label if kind is not None else export.kind, keep_days=KEEP.days,
        link=exports_page_url(tenant)))
