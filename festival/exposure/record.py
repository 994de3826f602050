"""The lamp group record: a PDF a supplier sends to future clients, with a Chinese and an English
section (like the contract, festival/contracts/document.py): the lamp group's name, code, photo
and specifications, every exhibition it stood at with its dates and visitors, the total exposure
and the day it was generated."""

from __future__ import annotations

import base64
from datetime import date

from festival.catalog.forms import THEME_LABELS
from festival.catalog.models import LampGroup
from festival.core.errors import DomainError
from festival.core.i18n import NATIVE_NAMES
from festival.core.storage import read_file
from festival.documents.pdf import html_to_pdf, render_html, render_sections
from festival.exposure.services import Exposure
from festival.suppliers.models import Supplier

RECORD_LANGUAGES = ("zh_Hans", "en")


def record_languages(supplier: Supplier) -> list[str]:
    """Chinese and English, the supplier's own language first."""
    first = supplier.default_locale if supplier.default_locale in RECORD_LANGUAGES else "zh_Hans"
    return [first, *(locale for locale in RECORD_LANGUAGES if locale != first)]


def _photo_uri(lamp_group: LampGroup) -> str | None:
    """The first photo, inlined: the document must not depend on the file store when printed."""
    if not lamp_group.photos:
        return None
    photo = lamp_group.photos[0]
    try:
        data = read_file(photo.storage_key)
    except (OSError, DomainError):  # a photo lost from the store: the record prints without it
        return None
    return f"data:{photo.content_type};base64,{base64.b64encode(data).decode('ascii')}"


def record_pdf(lamp_group: LampGroup, exposure: Exposure | None, supplier: Supplier,
               generated_on: date) -> bytes:
    """The record of ``lamp_group`` (``exposure`` None: it has stood nowhere yet)."""
    languages = record_languages(supplier)
    context = dict(lamp_group=lamp_group, exposure=exposure, supplier=supplier,
                   stands=exposure.stands if exposure else [], generated_on=generated_on,
                   photo=_photo_uri(lamp_group), theme_labels=THEME_LABELS)
    sections = render_sections("exposure/record_section.html", languages,
                               lambda locale: {"language_name": NATIVE_NAMES.get(locale, locale)},
                               **context)
    return html_to_pdf(render_html("exposure/record.html", languages[0], sections=sections,
                                   **context))
