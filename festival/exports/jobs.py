"""Rendering one export, once: the rq job, the inline run without Redis, the hand-off after commit.

The job claims its row with one conditional UPDATE (queued, or running under a claim so old that
its worker must have died) and marks it ready only while it still holds that claim, so a retried
or duplicated job, a second worker and the sweep never write a second file. The mail to the
person who asked (festival.exports.notify) is queued in the transaction that records a final
outcome, so it leaves once too.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import update

from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import current_scope, platform_scope, tenant_scope
from festival.core.storage import delete_file, save_file
from festival.exports.kinds import BASE, KINDS, TENANT
from festival.exports.models import BaseExport, TenantExport
from festival.exports.notify import send_outcome

log = logging.getLogger("festival.exports")

MAX_ATTEMPTS = 3  # then the export is marked failed instead of waiting for another try


def job_key(export_id: int, tenant_id: int | None) -> str:
    """The rq job id: one job per export at a time."""
    return f"export-{tenant_id}-{export_id}" if tenant_id is not None else f"export-base-{export_id}"


def stale_before(now: datetime) -> datetime:
    """Claims made before this (EXPORT_STALE_CLAIM_SECONDS ago) belong to a worker that died."""
    return now - timedelta(seconds=current_app.config["EXPORT_STALE_CLAIM_SECONDS"])


def _scope(tenant_id: int | None) -> AbstractContextManager:
    # A tenant's export is read and written in that tenant's scope only; the base's in the jobs'.
    return tenant_scope(tenant_id) if tenant_id is not None else platform_scope("job")


def _claim(model: type, export_id: int, now: datetime):
    """Take the export for this run: (kind, parameters, locale, attempt) or None if not ours."""
    table = model.__table__.c
    claimed = db.session.execute(
        update(model).where(
            table.id == export_id,
            (table.status == model.QUEUED)
            | ((table.status == model.RUNNING) & (table.claimed_at < stale_before(now))))
        .values(status=model.RUNNING, claimed_at=now, attempts=table.attempts + 1)
        .returning(table.kind, table.parameters, table.locale, table.attempts)).first()
    db.session.commit()
    return claimed


def _finish(model: type, export_id: int, attempt: int, **values) -> bool:
    """Record the outcome while the claim is still ours (``attempt`` is its token)."""
    table = model.__table__.c
    done = db.session.execute(
        update(model).where(table.id == export_id, table.status == model.RUNNING,
                            table.attempts == attempt)
        .values(finished_at=utcnow(), **values)).rowcount
    return bool(done)


def run_export(export_id: int, tenant_id: int | None = None) -> str | None:
    """The rq job: render one export if nobody else has; its new status, or None when it was not
    this run's to render. An unexpected error is raised after the export is put back in the
    queue (or marked failed after MAX_ATTEMPTS), so rq retries it."""
    model = TenantExport if tenant_id is not None else BaseExport
    try:
        with _scope(tenant_id):
            claimed = _claim(model, export_id, utcnow())
            if claimed is None:
                return None
            kind_key, parameters, locale, attempt = claimed
            return _render_and_store(model, export_id, attempt,
                                     KINDS[TENANT if tenant_id is not None else BASE][kind_key],
                                     parameters or {}, locale)
    finally:
        db.session.remove()  # the next job starts with a clean session


def _finish_and_tell(model: type, export_id: int, attempt: int, **values) -> bool:
    """``_finish``, and when the outcome is final and still ours, queue its mail in the same
    transaction (a run that lost its claim sends nothing)."""
    if not _finish(model, export_id, attempt, **values):
        return False
    if values["status"] in (model.READY, model.FAILED):
        send_outcome(model, export_id)
    return True


def _render_and_store(model: type, export_id: int, attempt: int, kind, parameters: dict,
                      locale: str) -> str:
    try:
        with force_locale(locale):
            filename, data, content_type = kind.render(parameters, locale, current_scope())
    except DomainError as error:  # the filters no longer hold (a country group was deleted…)
        db.session.rollback()
        _finish_and_tell(model, export_id, attempt, status=model.FAILED,
                         error=error.message[:2000])
        db.session.commit()
        return model.FAILED
    except Exception:
        db.session.rollback()
        status = model.FAILED if attempt >= MAX_ATTEMPTS else model.QUEUED
        _finish_and_tell(model, export_id, attempt, status=status)
        db.session.commit()
        raise
    key = save_file("exports", data, filename.rsplit(".", 1)[-1])
    if not _finish_and_tell(model, export_id, attempt, status=model.READY, file_key=key,
                            filename=filename, content_type=content_type, size=len(data),
                            error=None):
        # Another run took over a claim it thought stale: its file is the one kept.
        db.session.rollback()
        delete_file(key)
        return model.RUNNING
    db.session.commit()
    return model.READY


def run_inline(export_id: int, tenant_id: int | None = None) -> None:
    """Render now, in this process, with a session of its own (the caller's may have just
    committed); a failure is logged and the export waits for the sweep."""
    with current_app.app_context():
        try:
            run_export(export_id, tenant_id)
        except Exception:
            log.exception("export %s could not be rendered; the sweep tries again", export_id)


def dispatch(export_id: int, tenant_id: int | None = None) -> None:
    """After the commit: hand the export to the worker; without Redis, or while Redis does not
    answer, render it here (the request's answer waits for it, as it did before the queue)."""
    from festival.jobs.queue import enqueue, queue_configured

    if queue_configured() and enqueue(run_export, export_id, tenant_id,
                                      key=job_key(export_id, tenant_id)):
        return
    run_inline(export_id, tenant_id)
