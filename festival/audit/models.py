"""Audit logs: one per tenant, one per supplier and one for the platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from festival.accounts.models import User
from festival.core.db import PlatformRow, SupplierOwned, TenantOwned, UTCDateTime, db, utcnow


class AuditColumns:
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(80))  # dotted: festival.accounts.member.invited
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    @declared_attr
    def actor_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr
    def actor(cls) -> Mapped[User | None]:
        return relationship(User)


class TenantAuditEntry(TenantOwned, AuditColumns, db.Model):
    __tablename__ = "tenant_audit_entry"


class SupplierAuditEntry(SupplierOwned, AuditColumns, db.Model):
    __tablename__ = "supplier_audit_entry"


class PlatformAuditEntry(PlatformRow, AuditColumns, db.Model):
    __tablename__ = "platform_audit_entry"
