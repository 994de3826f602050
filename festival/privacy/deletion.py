"""Deleting a tenant for good: every row it owns, its stored files, and a platform audit record
of who did it, when, which tenant and how many rows went.

Runs in a platform scope (the base console or an operator command), so every statement names
the tenant itself. Tables are emptied children first, in one transaction: a failure leaves the
tenant whole. Bookings shared with a supplier hold the supplier's business too (lamp groups on
their way, payments due): while one is still running, the tenant cannot be deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.booking.models import Booking
from festival.core.db import db
from festival.core.errors import Conflict, DomainError
from festival.core.storage import delete_file
from festival.privacy.tables import file_key_attributes, owned_tables
from festival.tenants.models import Tenant

# Bookings in these states ask nothing more of either party: a draft the supplier never saw,
# a request that ended without a deal, or a rental done and closed. Any other state (requested,
# contracted, in transit, on site, returned…) still binds the supplier, and blocks the deletion.
SETTLED_BOOKINGS = frozenset({Booking.DRAFT, Booking.CLOSED}) | Booking.RELEASED

MESSAGES = {
    "confirm": _l("Type the tenant's address name (slug) exactly to confirm the deletion."),
}


@dataclass(frozen=True)
class DeletionReport:
    """What a deletion removed: rows per table (only tables that had some) and files."""

    slug: str
    rows: dict[str, int]
    files: int


def running_bookings(tenant: Tenant) -> int:
    """Bookings of the tenant that still bind a supplier."""
    return db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.tenant_id == tenant.id, Booking.status.not_in(SETTLED_BOOKINGS))) or 0


def check_deletable(tenant: Tenant, confirmation: str) -> None:
    """Refuse a deletion whose confirmation does not name the tenant, or that would take a
    supplier's running booking with it."""
    if (confirmation or "").strip().lower() != tenant.slug:
        raise DomainError(str(MESSAGES["confirm"]))
    running = running_bookings(tenant)
    if running:
        raise Conflict(ngettext(
            "%(num)d booking with a supplier is still running. Close or cancel it first.",
            "%(num)d bookings with suppliers are still running. Close or cancel them first.",
            running))


def _file_keys(tenant: Tenant) -> set[str]:
    keys = {getattr(tenant, attr) for attr in file_key_attributes(Tenant)}
    for table in owned_tables():
        for attr in file_key_attributes(table.model):
            column = getattr(table.model, attr)
            keys.update(db.session.scalars(select(column).where(
                table.model.tenant_id == tenant.id, column.is_not(None))))
    return {key for key in keys if key}


def delete_tenant(tenant: Tenant, confirmation: str, actor: User | None,
                  ip_address: str | None = None) -> DeletionReport:
    """Delete ``tenant`` with everything it owns (platform scope only); flushes, the caller
    commits. The platform audit log keeps the tenant's name, slug, country and row counts."""
    check_deletable(tenant, confirmation)
    keys = _file_keys(tenant)
    rows: dict[str, int] = {}
    for table in reversed(owned_tables()):  # children before the rows they point to
        result = db.session.execute(
            delete(table.model).where(table.model.tenant_id == tenant.id)
            .execution_options(synchronize_session=False))
        if result.rowcount:
            rows[table.name] = result.rowcount
    report = DeletionReport(tenant.slug, rows, len(keys))
    record_event("festival.privacy.tenant.deleted", actor=actor, ip_address=ip_address,
                 tenant={"id": tenant.id, "name": tenant.name, "slug": tenant.slug,
                         "city": tenant.city, "country": tenant.country},
                 rows=rows, files=len(keys))
    db.session.delete(tenant)
    db.session.flush()
    for key in sorted(keys):  # last: a refusal above keeps every file
        delete_file(key)
    return report
