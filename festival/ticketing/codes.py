"""Unguessable codes: order numbers visitors quote, ticket codes, order page secrets."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: codes are read aloud at the gate and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def order_code() -> str:
    """Eight characters shown as two groups: ``K7Q2-M9XD``."""
    raw = _random(8)
    return f"{raw[:4]}-{raw[4:]}"


def ticket_code() -> str:
    """Sixteen characters, about 79 bits: not guessable even with the QR signature ignored."""
    return _random(16)


def order_secret() -> str:
    return secrets.token_urlsafe(32)
