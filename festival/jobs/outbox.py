"""The mail outbox: every message is a row, written with the data it speaks of, delivered once.

``queue_mail`` (festival.core.mail) collects messages during a transaction; just before it
commits they become ``mail_outbox`` rows in it (a rollback drops them with the rest). After the
commit each row goes to the rq worker, or is delivered inline without Redis; a row whose
enqueue failed (Redis down) or whose server was unreachable stays pending, and the scheduler's
``festival deliver-mail`` sweep sends it later. Delivery claims the row with one conditional
UPDATE, so a retried job, a second worker and the sweep never send it twice.
"""

from __future__ import annotations

import importlib
import logging
import smtplib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, Integer, LargeBinary, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow

log = logging.getLogger("festival.mail")

# Rows younger than MAIL_SWEEP_GRACE_SECONDS (30 by default) are still on their way through the
# queue: the sweep leaves them.
KEEP_DELIVERED = timedelta(days=30)


class OutboxMail(PlatformRow, db.Model):
    """One message to send; its body is cleared once the server took or refused it."""

    __tablename__ = "mail_outbox"

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    REFUSED = "refused"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[bytes | None] = mapped_column(LargeBinary)  # the whole MIME message
    # A message whose rendering is slow (ticket PDFs) is written by the worker:
    # {"callback": "module:function", "args": [...]} returns its OutgoingMail.
    compose: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(8), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Who learns how it went: {"callback": "module:function", "args": [...]}; called with the
    # status ("sent" or "refused") and the server's refusal.
    track: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


TABLE = OutboxMail.__table__.c


def _stale_claim() -> timedelta:
    """A claim older than this (MAIL_STALE_CLAIM_SECONDS) belongs to a worker that died mid-send:
    the row may be sent again."""
    return timedelta(seconds=current_app.config["MAIL_STALE_CLAIM_SECONDS"])


def _claim(row_id: int, now: datetime) -> tuple[bytes | None, dict | None, str, dict | None] | None:
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(OutboxMail).where(
                TABLE.id == row_id,
                (TABLE.status == OutboxMail.PENDING)
                | ((TABLE.status == OutboxMail.SENDING) & (TABLE.claimed_at < now - _stale_claim())))
            .values(status=OutboxMail.SENDING, claimed_at=now, attempts=TABLE.attempts + 1)
            .returning(TABLE.message, TABLE.track, TABLE.recipient, TABLE.compose)).first()
    return tuple(claimed) if claimed is not None else None


def _finish(row_id: int, status: str, error: str | None = None) -> None:
    values = {"status": status, "error": error[:2000] if error else None}
    if status in (OutboxMail.SENT, OutboxMail.REFUSED):
        values.update(message=None, sent_at=utcnow())
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMail).where(TABLE.id == row_id).values(**values))


def _call(spec: dict):
    module, _, name = spec["callback"].partition(":")
    return getattr(importlib.import_module(module), name)(*spec.get("args", []))


def _tell(track: dict | None, status: str, refusal: str | None = None) -> None:
    if not track:
        return
    # The commit has happened: a failing callback must not undo or repeat the delivery.
    try:
        _call({"callback": track["callback"], "args": [*track.get("args", []), status, refusal]})
    except Exception:
        log.exception("mail delivery callback failed")


class DeliveryPostponed(Exception):
    """The mail server could not be reached: the row is pending again (rq retries the job)."""


def deliver_row(row_id: int, now: datetime | None = None) -> str | None:
    """Send one outbox row if nobody else has; returns its new status (None: not ours to send).

    Raises DeliveryPostponed when the server cannot be reached (the row stays pending)."""
    from festival.core.mail import refusal_text, send_message

    claimed = _claim(row_id, now or utcnow())
    if claimed is None:
        return None
    message, track, recipient, compose = claimed
    if message is None and compose:
        try:
            message = _composed(compose)
        except Exception as error:
            _finish(row_id, OutboxMail.PENDING, f"not composed: {error}")  # rq retries the job
            raise
    try:
        send_message(message, recipient)
    except smtplib.SMTPException as error:
        refusal = refusal_text(error)
        if refusal is None:
            _finish(row_id, OutboxMail.PENDING, str(error))
            raise DeliveryPostponed(str(error)) from error
        log.warning("mail to %s refused: %s", recipient, refusal)
        _finish(row_id, OutboxMail.REFUSED, refusal)
        _tell(track, OutboxMail.REFUSED, refusal)
        return OutboxMail.REFUSED
    except OSError as error:
        _finish(row_id, OutboxMail.PENDING, str(error))
        raise DeliveryPostponed(str(error)) from error
    _finish(row_id, OutboxMail.SENT)
    _tell(track, OutboxMail.SENT)
    return OutboxMail.SENT


def _composed(compose: dict) -> bytes:
    """Write a deferred message now, in the worker (its PDFs rendered off the web request)."""
    from festival.core.mail import build_message

    try:
        return bytes(build_message(_call(compose)))
    finally:
        db.session.remove()  # the composer's reads end here; the next job starts clean


def deliver_job(row_id: int) -> str | None:
    """The rq job: deliver one row (an unreachable server raises, so rq retries later)."""
    return deliver_row(row_id)


def dispatch(row_id: int) -> None:
    """After the commit (festival.jobs.handoff): hand the new row to the worker, or deliver it
    now without Redis."""
    from festival.jobs.queue import enqueue, queue_configured

    if queue_configured():
        enqueue(deliver_job, row_id, key=f"mail-{row_id}")  # on failure the sweep sends it
        return
    try:
        deliver_row(row_id)
    except DeliveryPostponed:
        log.exception("mail %s could not be delivered yet; the sweep retries it", row_id)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Deliver what the queue did not (Redis was down, the server unreachable, a worker died)."""
    now = now or utcnow()
    grace = timedelta(seconds=current_app.config["MAIL_SWEEP_GRACE_SECONDS"])
    due = list(db.session.scalars(select(OutboxMail.id).where(
        ((TABLE.status == OutboxMail.PENDING) & (TABLE.created_at < now - grace))
        | ((TABLE.status == OutboxMail.SENDING) & (TABLE.claimed_at < now - _stale_claim())))
        .order_by(OutboxMail.id)))
    db.session.rollback()  # end the read before the deliveries' own transactions
    outcome = {"sent": 0, "refused": 0, "postponed": 0}
    for row_id in due:
        try:
            status = deliver_row(row_id, now)
        except DeliveryPostponed:
            outcome["postponed"] += 1
            continue
        if status is not None:
            outcome[status] += 1
    return outcome


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        TABLE.status.in_((OutboxMail.PENDING, OutboxMail.SENDING))))


def purge_delivered(now: datetime | None = None) -> int:
    """Forget delivered and refused rows after a month (their bodies are gone already)."""
    cutoff = (now or utcnow()) - KEEP_DELIVERED
    return db.session.execute(
        OutboxMail.__table__.delete().where(TABLE.status.in_((OutboxMail.SENT, OutboxMail.REFUSED)),
                                            TABLE.sent_at < cutoff)).rowcount
