"""How certification kinds read to people: one place, imported by the base console, the supplier
catalog, bookings and contracts, so a kind is never shown by its stored code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.catalog.models import CERTIFICATION_KINDS

# Safety marks are proper names, the same in every language; the fabric certificate is a phrase.
_LABELS = {
    "CE": "CE",
    "UKCA": "UKCA",
    "UL": "UL",
    "CCC": "CCC",
    "SAA": "SAA",
    "FLAME_RETARDANT": _l("Flame-retardant fabric"),
}
if set(_LABELS) != set(CERTIFICATION_KINDS):
    raise RuntimeError("every certification kind needs a label")


def certification_label(kind: str) -> str:
    """The name of a certification kind in the reader's language (the code if it is unknown)."""
    return str(_LABELS.get(kind, kind))


def certification_choices() -> list[tuple[str, str]]:
    """(kind, label) of every certification kind, in the catalog's order, for a select."""
    return [(kind, certification_label(kind)) for kind in CERTIFICATION_KINDS]
