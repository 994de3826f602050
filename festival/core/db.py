"""The database handle, the declarative base and the three kinds of data (DESIGN.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Boolean, DateTime, ForeignKey, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; naive values are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        # SQLite hands back naive values: they were stored as UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class PlatformRow:
    """Marker: a platform row (tenants, suppliers, users, reference tables), no owner scope."""


class TenantOwned:
    """Mixin: a row owned by one tenant, seen only inside that tenant's scope."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)


class SupplierOwned:
    """Mixin: a row owned by one supplier, seen only inside that supplier's scope."""

    @declared_attr
    def supplier_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)


class PartyShared:
    """Mixin: a row shared by exactly two parties, one tenant and one supplier (a booking and
    what hangs off it); each sees it in its own scope, nobody else does."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def supplier_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)


SCOPE_KINDS = (TenantOwned, SupplierOwned, PartyShared, PlatformRow)


def scope_kind(cls: type) -> type:
    """Which of the three kinds of data a mapped class is; raises unless exactly one."""
    kinds = [kind for kind in SCOPE_KINDS if issubclass(cls, kind)]
    if len(kinds) != 1:
        raise TypeError(f"{cls.__name__} must be exactly one of tenant-owned, supplier-owned, "
                        "party-shared, platform")
    return kinds[0]


class OrganisationColumns:
    """What tenants and suppliers share: a URL slug, a status, the two-factor rule."""

    STATUS_ACTIVE = "active"
    STATUS_SUSPENDED = "suspended"
    STATUSES = (STATUS_ACTIVE, STATUS_SUSPENDED)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_ACTIVE)
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.status == self.STATUS_ACTIVE
