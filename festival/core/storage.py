"""One interface for stored files (logos, photos, PDFs): a folder under instance/ by default."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError

# Magic numbers of the image types we accept; SVG is refused (it can carry scripts).
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
}
MAX_IMAGE_BYTES = 1024 * 1024


def _root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def sniff_image(data: bytes) -> tuple[str, str]:
    """The extension and content type of a PNG or JPEG image, or a DomainError."""
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(str(_l("The image is larger than 1 MB. Choose a smaller one.")), 413)
    for signature, kind in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    raise DomainError(str(_l("Upload a PNG or JPEG image.")), 415)


def save_file(folder: str, data: bytes, extension: str) -> str:
    """Store bytes under a random name; returns the key to read them back."""
    key = f"{folder}/{secrets.token_hex(16)}.{extension}"
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key


def read_file(key: str) -> bytes:
    path = (_root() / key).resolve()
    if _root().resolve() not in path.parents:
        raise DomainError(str(_l("This file does not exist.")), 404)
    return path.read_bytes()
