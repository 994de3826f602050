"""Paid orders to print, what a person sees in a PDF, and a mail server that refuses some mail."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from festival.ticketing import orders
from festival.ticketing.models import Order
from tests.conftest import Mailbox, _free_port
from tests.ticketing.world import SalesWorld, build_sales_world

BUYERS = {"paris": ("Marie Curie", "fr"), "tokyo": ("山田 花子", "ja"), "dubai": ("ليلى أحمد", "ar"),
          "houston": ("Ada Lovelace", "en")}


# --- reading PDFs as a person would --------------------------------------------------------------

def _tool(args: list[str], pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run([*args, str(path), *(["-"] if args[0] == "pdftotext" else [])],
                              check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF with every kind of space made a plain space (Babel uses no-break ones)."""
    return normalize_spaces(_tool(["pdftotext", "-layout", "-enc", "UTF-8"], pdf))


def shows_across_lines(needle: str, text: str) -> bool:
    """Whether the text shows the needle, wherever the layout broke its lines.

    Spaces and line breaks are ignored on both sides: a long date wraps at a place that depends on
    which day the test runs, and Chinese or Japanese lines break without a space.
    """
    return "".join(needle.split()) in "".join(text.split())


def normalize_spaces(text: str) -> str:
    """Babel's no-break and narrow no-break spaces as plain ones, to compare amounts and dates."""
    for space in ("\u00a0", "\u202f", "\u2009"):
        text = text.replace(space, " ")
    return text


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name (subset prefix removed), type and whether it is embedded."""
    lines = _tool(["pdffonts"], pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        # columns from the end: emb sub uni object-id generation
        fonts.append({"name": name, "emb": parts[-5], "uni": parts[-3]})
    return fonts


def pdf_pages(pdf: bytes) -> int:
    info = _tool(["pdfinfo"], pdf)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def dark_pixel_share(pdf: bytes, page: int = 1, crop: tuple[int, int, int, int] | None = None) -> float:
    """Share of dark pixels on a page rendered at 40 dpi (grey PGM); ``crop`` = x, y, w, h."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        args = ["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page)]
        if crop:
            x, y, w, h = crop
            args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
        subprocess.run([*args, str(source), str(Path(folder) / "page")], check=True)
        image = next(Path(folder).glob("page*.pgm")).read_bytes()
    # Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
    header_end = 0
    for _ in range(3):
        header_end = image.index(b"\n", header_end) + 1
    pixels = image[header_end:]
    return sum(1 for value in pixels if value < 128) / len(pixels)


# --- paid orders -----------------------------------------------------------------------------------

@contextmanager
def shop(app, world: SalesWorld):
    """A request of the tenant's storefront (links are external URLs), in the tenant's scope."""
    with app.test_request_context(), tenant_scope(world.tenant_id):
        try:
            yield db.session.get(Tenant, world.tenant_id)
        finally:
            db.session.rollback()


def buy(tenant: Tenant, world: SalesWorld, quantities: dict[int, int], email: str | None = None,
        locale: str | None = None, notify: bool = True) -> Order:
    """A paid order of the first slot, through the same services as the shop."""
    name, default_locale = BUYERS[world.slug]
    order = orders.create_order(tenant, orders.OrderRequest(
        slot_id=world.slot_ids[0], quantities=quantities, email=email or f"buyer@{world.slug}.example",
        name=name, locale=locale or default_locale))
    outcome = orders.confirm_payment(order, tenant, "test", f"test-{order.code}", order.total, notify=notify)
    assert outcome is orders.PaymentOutcome.PAID
    return order


@pytest.fixture
def sales_world(app, factory) -> Callable[..., SalesWorld]:
    return lambda slug="paris", **kw: build_sales_world(app, factory, slug, capacity=kw.pop("capacity", 200),
                                                        **kw)


# --- a mail server that refuses some recipients --------------------------------------------------

REFUSED_RECIPIENT = "nobody@refused.example"
REFUSED_CONTENT = "spam-trap@refused.example"
RCPT_ANSWER = "550 5.1.1 <nobody@refused.example>: Recipient address rejected: User unknown"
DATA_ANSWER = "554 5.7.1 Message rejected: content looks like spam"


class RefusingMailbox(Mailbox):
    """Refuses one address at RCPT and another at DATA, like a real server does; keeps the rest."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() == REFUSED_RECIPIENT:
            return RCPT_ANSWER
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if REFUSED_CONTENT in [r.lower() for r in envelope.rcpt_tos]:
            return DATA_ANSWER
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_mailbox(app):
    """The app sends through a server that refuses REFUSED_RECIPIENT and REFUSED_CONTENT."""
    mailbox = RefusingMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    previous = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = controller.port
    try:
        yield mailbox
    finally:
        app.config["MAIL_PORT"] = previous
        controller.stop()
