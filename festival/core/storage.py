"""One interface for stored files (logos, photos, PDFs, shipping documents).

Where the bytes live is the business of ``STORAGE_BACKEND`` alone: ``folder`` (the default) keeps
them in a folder under instance/ (``STORAGE_PATH``), ``database`` keeps them as rows of the
``stored_file`` table (festival.core.stored_files), which every web instance and worker on any
machine sees without a shared disk. Callers only ever hold the key ``save_file`` returned.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.core import stored_files
from festival.core.errors import DomainError

# Magic numbers of the image types we accept; SVG is refused (it can carry scripts).
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
}
MAX_IMAGE_BYTES = 1024 * 1024


def sniff_image(data: bytes) -> tuple[str, str]:
    """The extension and content type of a PNG or JPEG image, or a DomainError."""
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(str(_l("The image is larger than 1 MB. Choose a smaller one.")), 413)
    for signature, kind in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    raise DomainError(str(_l("Upload a PNG or JPEG image.")), 415)


def save_file(folder: str, data: bytes, extension: str) -> str:
    """Store bytes under a random name; returns the key to read them back.

    With the database backend the file is a row of the caller's transaction: a rolled-back
    request leaves no file behind.
    """
    key = f"{folder}/{secrets.token_hex(16)}.{extension}"
    if _backend() == "database":
        stored_files.add(key, data)
    else:
        path = _root() / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return key


def read_file(key: str) -> bytes:
    """The bytes stored under ``key``; a 404 DomainError when there are none."""
    data = stored_files.read(key) if _backend() == "database" else _read_from_folder(key)
    if data is None:
        raise DomainError(str(_l("This file does not exist.")), 404)
    return data


def delete_file(key: str) -> None:
    """Forget the file under ``key``; nothing happens when there is none (festival.privacy).

    With the database backend the row goes with the caller's transaction; a folder's file goes
    at once, so delete it after the rows that name it.
    """
    if _backend() == "database":
        stored_files.remove(key)
        return
    root = _root().resolve()
    path = (root / key).resolve()
    if root in path.parents and path.is_file():
        path.unlink()


def _backend() -> str:
    return current_app.config.get("STORAGE_BACKEND", "folder")


def _root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def _read_from_folder(key: str) -> bytes | None:
    root = _root().resolve()
    path = (root / key).resolve()
    # A key is ours only below the root: "../" in a stored key never reaches another file.
    if root not in path.parents or not path.is_file():
        return None
    return path.read_bytes()
