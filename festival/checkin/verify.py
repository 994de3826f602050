"""What a gate was shown: a QR payload or a typed ticket code, read without any database access.

A payload of another tenant ("foreign") or with a bad signature ("forged") is refused here,
before any lookup (issue 5: "refused without touching the database").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from festival.tenants.models import Tenant
from festival.ticketing import signing
from festival.ticketing.codes import ALPHABET

FOREIGN = "foreign"
FORGED = "forged"
# Typed codes are read aloud and typed from paper: spaces and dashes are only grouping.
_GROUPING = re.compile(r"[\s\-]+")
_CODE = re.compile(f"[{ALPHABET}]{{1,32}}")


@dataclass(frozen=True)
class Reading:
    """A ticket code to look up (``code``), or a refusal made without a lookup (``refusal``)."""

    code: str | None = None
    refusal: str | None = None


def read(raw: str, tenant: Tenant) -> Reading:
    """Read a scanned payload or a typed code; payloads are checked against the tenant's key.

    Reads only attributes of ``tenant`` already loaded; a code that cannot be a ticket code
    becomes the empty code, which no ticket has.
    """
    text = raw.strip()
    if text.upper().startswith(signing.PAYLOAD_VERSION + "."):
        return _read_payload(text, tenant)
    code = _GROUPING.sub("", text).upper()
    return Reading(code=code if _CODE.fullmatch(code) else "")


def _read_payload(text: str, tenant: Tenant) -> Reading:
    payload = signing.parse_payload(text)
    if payload is None:
        return Reading(refusal=FORGED)
    if payload.tenant_slug != tenant.slug:
        return Reading(refusal=FOREIGN)
    # No key yet means no ticket was ever signed: whatever this is, we did not sign it.
    if tenant.ticket_signing_key is None or not signing.verify_payload(
            payload, signing.public_key_b64(tenant)):
        return Reading(refusal=FORGED)
    return Reading(code=payload.code)
