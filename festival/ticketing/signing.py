"""Ticket QR payloads signed with the tenant's Ed25519 key (DESIGN.md, "Tickets").

Payload: ``LNT1.<tenant-slug>.<ticket-code>.<signature>``, the signature (base64url, no
padding) over ``LNT1.<tenant-slug>.<ticket-code>``. A scanner holding the tenant's public
key verifies it offline and tells another tenant's ticket from its slug, without a read.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import update

from festival.core.db import db
from festival.tenants.models import Tenant

PAYLOAD_VERSION = "LNT1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(tenant: Tenant) -> Ed25519PrivateKey:
    """The tenant's private key, created the first time a ticket needs it."""
    if tenant.ticket_signing_key is None:
        # Two first sales at once (or a tenant row remembered by the API's token cache) must
        # not each make a key: the first write wins and everyone signs with the stored key.
        db.session.execute(
            update(Tenant).where(Tenant.id == tenant.id, Tenant.ticket_signing_key.is_(None))
            .values(ticket_signing_key=Ed25519PrivateKey.generate().private_bytes_raw())
            .execution_options(synchronize_session=False))
        db.session.refresh(tenant, ["ticket_signing_key"])
    return Ed25519PrivateKey.from_private_bytes(tenant.ticket_signing_key)


def public_key_b64(tenant: Tenant) -> str:
    """The raw public key, base64url: what a gate device downloads to verify offline."""
    public = signing_key(tenant).public_key()
    return _b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign_ticket(tenant: Tenant, code: str) -> str:
    message = f"{PAYLOAD_VERSION}.{tenant.slug}.{code}"
    return f"{message}.{_b64(signing_key(tenant).sign(message.encode('ascii')))}"


@dataclass(frozen=True)
class QrPayload:
    tenant_slug: str
    code: str
    signature: bytes

    @property
    def message(self) -> bytes:
        return f"{PAYLOAD_VERSION}.{self.tenant_slug}.{self.code}".encode("ascii")


def parse_payload(payload: str) -> QrPayload | None:
    """The parts of a QR payload, or None when it is not one of ours."""
    parts = payload.strip().split(".")
    if len(parts) != 4 or parts[0] != PAYLOAD_VERSION:
        return None
    try:
        return QrPayload(parts[1], parts[2], _unb64(parts[3]))
    except (ValueError, UnicodeEncodeError):
        return None


def verify_payload(payload: QrPayload, public_key_b64_text: str) -> bool:
    """True when the signature was made by the holder of this public key."""
    try:
        key = Ed25519PublicKey.from_public_bytes(_unb64(public_key_b64_text))
        key.verify(payload.signature, payload.message)
    except (InvalidSignature, ValueError, UnicodeEncodeError):
        return False
    return True
