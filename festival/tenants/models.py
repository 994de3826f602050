"""The tenant: a host city running its lantern festival on Lantern."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import OrganisationColumns, PlatformRow, db


class Tenant(PlatformRow, OrganisationColumns, db.Model):
    __tablename__ = "tenant"

    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    # The transit region the base assigned the city to; None: its country's default region.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    default_locale: Mapped[str] = mapped_column(String(10))
    offered_locales_csv: Mapped[str] = mapped_column("offered_locales", String(80))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#b3261e")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    # Sales rules: whether ticket prices include VAT, and the rate new ticket types start with.
    prices_include_vat: Mapped[bool] = mapped_column(Boolean, default=True)
    default_vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    # Visitors may cancel their own order up to this many hours before their slot; None: never.
    visitor_cancel_hours: Mapped[int | None] = mapped_column(Integer)
    # Visitors may move their paid order to another night up to this many hours before their
    # slot; None: never (festival.ticketing.moves).
    visitor_change_hours: Mapped[int | None] = mapped_column(Integer)
    # A moved order whose ticket types cost less now: "keep" (the booking stays as paid) or
    # "refund" (the difference goes back). A higher price is never charged.
    price_difference_rule: Mapped[str] = mapped_column(String(8), default="keep")
    # Printed on every ticket, per language: {"fr": "…"}.
    ticket_terms: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Stripe Connect: the tenant's own account (direct charges); None sells through the platform.
    stripe_account_id: Mapped[str | None] = mapped_column(String(64))
    # Set by the base: the platform's share of each charge, in percent.
    application_fee_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    # Ed25519 private key (raw 32 bytes) signing this tenant's ticket QR codes.
    ticket_signing_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    # The seller's legal details printed on invoices (festival.groups): postal address and
    # VAT or tax number.
    legal_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # A tour operator's block still unpaid this many days after its reminder is released.
    group_release_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Loaded through the scope filter: from another tenant's scope this list is empty.
    members: Mapped[list[TenantMember]] = relationship(  # noqa: F821
        "TenantMember", viewonly=True, order_by="TenantMember.id")

    def display_name(self, locale: str) -> str:
        return self.name

    @property
    def offered_locales(self) -> list[str]:
        return [code for code in self.offered_locales_csv.split(",") if code]

    @offered_locales.setter
    def offered_locales(self, codes: list[str]) -> None:
        self.offered_locales_csv = ",".join(codes)

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
