"""Idempotency-Key on every POST: a retried request gets the first answer back, never a second order.

The answer is inserted after the work, in the same transaction, and the database's unique
index on (tenant, token, key) decides between two requests with one key: the second one's
insert waits until the first commits, then fails; the second rolls all its work back and
replays the first answer. (Inserting the answer once, at the end, rather than a placeholder
first and the answer later, saves a write on every order.) Only successful answers are
stored: a refused request wrote nothing, so retrying it with the same key runs it again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Response, jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from festival.api.models import ApiToken, IdempotencyRecord
from festival.api.schemas import NOT_JSON, load_json
from festival.core import rows
from festival.core.db import db, utcnow
from festival.core.errors import DomainError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII, as HTTP header values are safely written; the column holds 255 characters.
KEY_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")

MESSAGES = {
    "key": _l("The Idempotency-Key header takes 1 to 255 printable ASCII characters."),
    "reused": _l("This Idempotency-Key was used for a different request. "
                 "Use a new key for a new request."),
}

Work = Callable[[], tuple[dict, int]]


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and body (JSON compared by meaning)."""
    value = load_json(body) if body else NOT_JSON
    canonical = body if value is NOT_JSON else json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise DomainError(str(MESSAGES["key"]))
    return key


def _stored(token_id: int, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.token_id == token_id, IdempotencyRecord.key == key))


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise DomainError(str(MESSAGES["reused"]), 422)
    response = jsonify(record.response)
    response.status_code = record.status_code
    response.headers[REPLAYED_HEADER] = "true"
    return response


def run_once(token: ApiToken, key: str | None, fingerprint: str, work: Work) -> Response:
    """Run ``work`` (returning a JSON-ready body and a status) once per key of this token."""
    if key is None:
        body, status = work()
        return _json(body, status)
    key = check_key(key)
    # Read before the work: a rollback below expires every loaded row.
    token_id, tenant_id = token.id, token.tenant_id
    try:
        body, status = work()
        # A plain INSERT, not a unit-of-work flush: it is written on every order of a rush.
        rows.insert_rows(IdempotencyRecord, [dict(
            tenant_id=tenant_id, token_id=token_id, key=key, request_hash=fingerprint,
            status_code=status, response=body)])
    except (IntegrityError, DomainError):
        # Either another request with this key committed first (the unique index refused our
        # record), or ours was refused because that request took the places: undo ours and,
        # when the first answer exists, give it again. Otherwise the error stands.
        db.session.rollback()
        record = _stored(token_id, key)
        if record is None:
            raise
        return _replay(record, fingerprint)
    return _json(body, status)


def _json(body: dict, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def purge_records(older_than: timedelta, now: datetime | None = None) -> int:
    """Forget stored answers older than ``older_than`` (a device retries within minutes, not days);
    returns how many went. Runs in whatever scope is open: the platform scope of a job purges all."""
    cutoff = (now or utcnow()) - older_than
    return db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount
