"""Lamp-group photos: an upload checked by its magic number, then decoded and re-encoded with
Pillow into the stored image and a thumbnail. Re-encoding drops whatever the file carried beside
the picture (EXIF with the phone's GPS position, comments, trailing bytes)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from festival.core.errors import DomainError
from festival.core.storage import sniff_image

THUMBNAIL_WIDTH = 320
# A 1 MB PNG of one colour can decode to billions of pixels: refuse before decoding it.
MAX_PIXELS = 40_000_000
_PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG"}
SAFE_CONTENT_TYPES = frozenset({"image/png", "image/jpeg"})


@dataclass(frozen=True)
class PreparedPhoto:
    extension: str
    content_type: str
    image: bytes
    thumbnail: bytes


def _unreadable() -> DomainError:
    return DomainError(str(_l("This image could not be read. Upload another PNG or JPEG image.")), 415)


def _encode(picture: Image.Image, pillow_format: str) -> bytes:
    out = io.BytesIO()
    if pillow_format == "JPEG":
        picture.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def prepare_photo(data: bytes) -> PreparedPhoto:
    """The upload as stored: a PNG or JPEG of at most 1 MB (413/415 otherwise), re-encoded, with a
    thumbnail THUMBNAIL_WIDTH pixels wide (never enlarged)."""
    extension, content_type = sniff_image(data)
    pillow_format = _PILLOW_FORMATS[extension]
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(str(_l("The image has too many pixels. Upload a smaller one.")), 413)
            opened.load()
            # A phone's portrait photo is stored sideways with an EXIF turn: apply it before the
            # EXIF goes.
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _unreadable() from None
    if picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        picture = picture.convert("RGBA" if pillow_format == "PNG" else "RGB")
    thumbnail = picture.copy()
    if thumbnail.width > THUMBNAIL_WIDTH:
        height = max(1, round(thumbnail.height * THUMBNAIL_WIDTH / thumbnail.width))
        thumbnail = thumbnail.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
    return PreparedPhoto(extension, content_type, _encode(picture, pillow_format),
                         _encode(thumbnail, pillow_format))
