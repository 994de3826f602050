"""Requesting, listing, downloading, sweeping and purging report exports.

A request checks the kind and its filters, then writes the export row in the caller's
transaction; the row reaches the worker (or is rendered inline) only after that commits
(festival.jobs.handoff). Nothing here reads the request: the views pass the submitted values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import null, select

from festival.accounts.models import User
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, NotFound
from festival.core.storage import delete_file, read_file
from festival.exports import jobs
from festival.exports.kinds import BASE, TENANT, ExportKind, kind_of
from festival.exports.models import KEEP, BaseExport, ExportColumns, TenantExport
from festival.jobs.handoff import after_commit
from festival.tenants.models import Tenant

PER_PAGE = 20
MAX_PAGE = 10_000

MESSAGES = {
    "missing": _l("This export does not exist."),
    "not_ready": _l("This export is not ready yet. Reload the page in a moment."),
}


def request_tenant_export(tenant: Tenant, kind: ExportKind, args: Mapping[str, str],
                          requester: User, locale: str) -> TenantExport:
    """Write ``tenant``'s export of ``kind`` with the filters in ``args`` (a DomainError for bad
    filters, before anything is written); it is rendered once the transaction commits."""
    export = TenantExport(tenant_id=tenant.id, kind=kind.key, parameters=kind.parse(args, tenant),
                          requested_by_id=requester.id, locale=locale, status=TenantExport.QUEUED)
    after_commit(export, jobs.dispatch, tenant.id)
    return export


def request_base_export(kind: ExportKind, args: Mapping[str, str], requester: User,
                        locale: str) -> BaseExport:
    """Write a base export of ``kind`` (see ``request_tenant_export``)."""
    export = BaseExport(kind=kind.key, parameters=kind.parse(args, None),
                        requested_by_id=requester.id, locale=locale, status=BaseExport.QUEUED)
    after_commit(export, jobs.dispatch, None)
    return export


def tenant_kind(key: str | None) -> ExportKind:
    return kind_of(TENANT, key)


def base_kind(key: str | None) -> ExportKind:
    return kind_of(BASE, key)


def export_page(model: type, kinds: Iterable[str], page: int):
    """One page of the recent exports of ``kinds``, newest first (in the open scope)."""
    statement = (select(model).where(model.kind.in_(list(kinds)))
                 .order_by(model.created_at.desc(), model.id.desc()))
    return db.paginate(statement, page=min(max(page, 1), MAX_PAGE), per_page=PER_PAGE,
                       error_out=False)


def get_export(model: type, export_id: int, kinds: Iterable[str]) -> ExportColumns:
    """The export ``export_id`` of the open scope, of one of ``kinds``; a 404 otherwise."""
    export = db.session.get(model, export_id)
    if export is None or export.kind not in set(kinds):
        raise NotFound(str(MESSAGES["missing"]))
    return export


def export_file(export: ExportColumns) -> bytes:
    """The bytes of a ready export; 409 while it is being prepared or when it failed."""
    if export.status != export.READY or not export.file_key:
        raise Conflict(str(MESSAGES["not_ready"]))
    return read_file(export.file_key)


def _grace() -> timedelta:
    """Queued exports younger than this (EXPORT_SWEEP_GRACE_SECONDS) are still on their way to a
    worker: the sweep leaves them."""
    return timedelta(seconds=current_app.config["EXPORT_SWEEP_GRACE_SECONDS"])


def _due(model: type, now: datetime) -> list[tuple[int, int | None]]:
    """(id, tenant id) of the exports of ``model`` that the queue should have run by now."""
    table = model.__table__.c
    owner = table.tenant_id if model is TenantExport else null()
    return [(export_id, tenant_id) for export_id, tenant_id in db.session.execute(
        select(table.id, owner).where(
            ((table.status == model.QUEUED) & (table.created_at < now - _grace()))
            | ((table.status == model.RUNNING) & (table.claimed_at < jobs.stale_before(now))))
        .order_by(table.id))]


def sweep(now: datetime | None = None) -> int:
    """Hand on the exports the queue did not run (Redis lost the job, a worker died mid-export,
    an inline run failed): to the worker, or rendered here without Redis. Platform scope."""
    now = now or utcnow()
    due = _due(TenantExport, now) + _due(BaseExport, now)
    db.session.rollback()  # end the read before the runs' own transactions
    for export_id, tenant_id in due:
        jobs.dispatch(export_id, tenant_id)
    return len(due)


def purge(now: datetime | None = None) -> int:
    """Forget exports (rows and files) requested more than KEEP ago. Platform scope."""
    cutoff = (now or utcnow()) - KEEP
    return sum(_forget(select(model).where(model.created_at < cutoff))
               for model in (TenantExport, BaseExport))


# The tenant export kinds whose files quote visitors' personal data.
VISITOR_EXPORTS = ("orders",)


def forget_tenant_exports(kinds: Iterable[str]) -> int:
    """Forget the open tenant's exports of ``kinds`` (rows and files): a visitor's erasure drops
    the files that may quote them (they can be requested again); how many went."""
    return _forget(select(TenantExport).where(TenantExport.kind.in_(list(kinds))))


def _forget(query) -> int:
    exports = list(db.session.scalars(query))
    keys = [export.file_key for export in exports if export.file_key]
    for export in exports:
        db.session.delete(export)
    db.session.flush()
    for key in keys:  # after the rows that name them (a folder's file goes at once)
        delete_file(key)
    return len(exports)
