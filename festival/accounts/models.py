"""Users, their memberships in tenants and suppliers, and invitations to join them."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from festival.core.db import PlatformRow, SupplierOwned, TenantOwned, UTCDateTime, db, utcnow

TENANT_ROLES = ("owner", "manager", "box_office", "gate")
SUPPLIER_ROLES = ("owner", "staff")


class User(PlatformRow, UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    is_base_operator: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class MemberColumns:
    """What a membership in any organisation holds."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def user_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def user(cls) -> Mapped[User]:
        return relationship(User)


class TenantMember(TenantOwned, MemberColumns, db.Model):
    __tablename__ = "tenant_member"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)


class SupplierMember(SupplierOwned, MemberColumns, db.Model):
    __tablename__ = "supplier_member"
    __table_args__ = (UniqueConstraint("supplier_id", "user_id"),)


class InvitationColumns:
    """An invitation by email, accepted once through a link before it expires."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def invited_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr
    def invited_by(cls) -> Mapped[User | None]:
        return relationship(User)

    def status(self, now: datetime) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class TenantInvitation(TenantOwned, InvitationColumns, db.Model):
    __tablename__ = "tenant_invitation"


class SupplierInvitation(SupplierOwned, InvitationColumns, db.Model):
    __tablename__ = "supplier_invitation"
