"""QR images of signed ticket payloads, as data URIs that WeasyPrint and web pages embed.

A small greyscale PNG rather than SVG: WeasyPrint parses and strokes an SVG path of a
thousand segments per code (about 40 ms a ticket, most of a 100-ticket order's time), while it
embeds a greyscale PNG almost as it is (a 1-bit one it would first widen to RGB). The PNG is
drawn 4 pixels per module and shown with ``image-rendering: pixelated``, so it stays sharp
even in viewers that smooth images.
"""

from __future__ import annotations

import base64
import io

import segno
from PIL import Image, ImageOps

SCALE = 4  # pixels per module
# A fixed mask pattern. Choosing the best of the eight by penalty score is 80 % of segno's time
# (about 8 ms a code, close to a second for a 100-ticket order). Every mask gives a valid code
# that any reader decodes; the score only avoids unlucky patterns, which the random-looking
# signed payloads hardly produce and error level M absorbs.
MASK = 4
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# segno's matrix holds 1 for a dark module: dark becomes black (0), light white (255).
_GREY = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def qr_code(payload: str) -> segno.QRCode:
    """The QR code of ``payload`` (error level M: survives a creased print or a dim screen)."""
    return segno.make(payload, error="m", micro=False, mask=MASK)


def qr_png(payload: str) -> bytes:
    """The QR code of ``payload`` as greyscale PNG bytes, with its quiet zone."""
    matrix = qr_code(payload).matrix
    size = len(matrix)
    image = Image.frombytes("L", (size, size), b"".join(bytes(row) for row in matrix).translate(_GREY))
    image = ImageOps.expand(image, border=QUIET_ZONE, fill=255)
    image = image.resize((image.width * SCALE, image.height * SCALE), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def qr_data_uri(payload: str) -> str:
    """A ``data:image/png`` URI of the QR code carrying ``payload`` (the CSP allows data: images)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode("ascii")
