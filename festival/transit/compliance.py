"""Which certifications a destination country requires, and what a lamp group lacks for it.

The base keeps the table (festival/transit/admin.py edits it); bookings call
``compliance_issues`` to flag a lamp group to both sides before it can be contracted.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from festival.catalog.models import CERTIFICATION_KINDS
from festival.core.db import db
from festival.core.i18n import format_local_date
from festival.transit.labels import certification_label
from festival.transit.models import CertificationRequirement

MISSING = "missing"
_NOT_HELD = object()
EXPIRES = "expires"

_EUROPEAN = ("FR", "DE", "NL", "BE", "ES", "IT")
# A small plausible starting table: electrical safety marks and the fabric certificate the
# regulators of the demo's host countries ask for. The base edits it afterwards.
DEFAULT_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "GB": ("UKCA", "FLAME_RETARDANT"),
    **{country: ("CE", "FLAME_RETARDANT") for country in _EUROPEAN},
    "US": ("UL",),
    "CA": ("UL",),
    "AU": ("SAA",),
    "NZ": ("SAA",),
}


def kind_order(kind: str) -> int:
    """Sort key: certification kinds in the catalog's order."""
    return CERTIFICATION_KINDS.index(kind) if kind in CERTIFICATION_KINDS else len(CERTIFICATION_KINDS)


def required_kinds(country: str) -> list[str]:
    """The certification kinds a lamp group must hold to be shown in ``country``."""
    kinds = db.session.scalars(select(CertificationRequirement.kind).where(
        CertificationRequirement.country == (country or "").upper()))
    return sorted(kinds, key=kind_order)


def compliance_issues(certifications: list[tuple[str, date | None]], country: str,
                      season_end: date) -> list[dict]:
    """Each kind ``country`` requires that one lamp group's ``certifications`` [(kind, expires_on)]
    lack, or hold only until before ``season_end``. A certificate valid on the closing day is
    fine; one without an expiry date never expires."""
    best: dict[str, date | None] = {}  # kind -> the latest expiry held (None: never expires)
    for kind, expires_on in certifications:
        held = best.get(kind, _NOT_HELD)
        if held is _NOT_HELD or (held is not None and (expires_on is None or expires_on > held)):
            best[kind] = expires_on
    issues: list[dict] = []
    for kind in required_kinds(country):
        if kind not in best:
            issues.append({"kind": kind, "problem": MISSING})
        elif best[kind] is not None and best[kind] < season_end:
            issues.append({"kind": kind, "problem": EXPIRES, "expires_on": best[kind].isoformat()})
    return issues


def describe_issue(issue: dict, locale: str) -> str:
    """One issue of ``compliance_issues`` as a sentence in ``locale``."""
    with force_locale(locale):
        label = certification_label(issue["kind"])
        if issue.get("problem") == EXPIRES:
            expires_on = date.fromisoformat(issue["expires_on"])
            return _("%(kind)s certificate expires on %(date)s, before the exhibition closes",
                     kind=label, date=format_local_date(expires_on, locale=locale))
        return _("%(kind)s certificate missing", kind=label)


def seed_certification_requirements(connection: Connection) -> None:
    """Insert the default requirements where they are missing (idempotent)."""
    table = CertificationRequirement.__table__
    have = {tuple(row) for row in connection.execute(select(table.c.country, table.c.kind))}
    rows = [{"country": country, "kind": kind}
            for country, kinds in DEFAULT_REQUIREMENTS.items() for kind in kinds
            if (country, kind) not in have]
    if rows:
        connection.execute(insert(table), rows)
