"""What the check-in endpoints accept (portal and API share the bodies): checked field by
field before any service runs, so a bad request answers 4xx with the field named and writes
nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from festival.api.schemas import NOT_JSON, Unprocessable, load_json
from festival.checkin.services import DEVICE_LENGTH, MAX_SYNC, OFFLINE_RESULTS, OfflineScan
from festival.core.errors import DomainError

# A signed payload is about 150 characters; anything much longer is not a ticket.
CODE_LENGTH = 400


def body_of(raw: bytes, allowed: set[str]) -> dict:
    """The request's JSON object; unknown fields are refused so a typo is never ignored."""
    body = load_json(raw) if raw else NOT_JSON
    if not isinstance(body, dict):
        raise DomainError(_("The body must be a JSON object."))
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise Unprocessable(_("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    return body


def text(body: dict, field: str, limit: int, required: bool = True, name: str = "") -> str:
    value = body.get(field)
    field = name or field
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > limit or "\x00" in value:
        raise Unprocessable(_("%(field)s must be a text of 1 to %(limit)d characters.",
                              field=field, limit=limit))
    return value


def whole(body: dict, field: str) -> int:
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise Unprocessable(_("%(field)s must be a whole number of at least %(minimum)d.",
                              field=field, minimum=1))
    return value


def device(body: dict, default: str) -> str:
    """The scanner's label for itself; a device that sends none is named by the caller."""
    return text(body, "device", DEVICE_LENGTH, required=False).strip() or default


def _instant(value: object, field: str) -> datetime:
    """An ISO 8601 time with its offset: a device's clock without a zone cannot be placed."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 \
            else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Unprocessable(_("%(field)s must be a time written in ISO 8601 with its offset, "
                              "e.g. 2026-11-23T19:42:05+01:00.", field=field))
    return parsed


@dataclass
class SyncBody:
    device: str
    scans: list[OfflineScan]


def parse_sync(body: dict, default_device: str) -> SyncBody:
    """The queued scans of a device, at most MAX_SYNC."""
    scans = body.get("scans")
    if not isinstance(scans, list):
        raise Unprocessable(_("scans must be a list of {code, scanned_at, offline_result}."))
    if len(scans) > MAX_SYNC:
        raise Unprocessable(_("Send at most %(count)d scans at a time.", count=MAX_SYNC))
    parsed = []
    for index, item in enumerate(scans):
        field = f"scans[{index}]"
        if not isinstance(item, dict) or not {"code", "scanned_at"} <= set(item) or \
                not set(item) <= {"code", "scanned_at", "offline_result"}:
            raise Unprocessable(_("%(field)s must be an object with code, scanned_at and "
                                  "offline_result.", field=field))
        result = item.get("offline_result", "queued")
        if result not in OFFLINE_RESULTS:
            raise Unprocessable(_("%(field)s must be one of %(choices)s.",
                                  field=f"{field}.offline_result", choices=", ".join(OFFLINE_RESULTS)))
        parsed.append(OfflineScan(code=text(item, "code", CODE_LENGTH, name=f"{field}.code"),
                                  scanned_at=_instant(item["scanned_at"], f"{field}.scanned_at"),
                                  offline_result=result))
    return SyncBody(device=device(body, default_device), scans=parsed)
