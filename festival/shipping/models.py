"""Getting a booking's lamp groups there: shipment legs, milestones on one timeline, documents
(certificate of origin, IP records, others) and the ATA carnet for temporary import."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PartyShared, UTCDateTime, db, utcnow

MILESTONES = ("packed", "container_sealed", "departed", "arrived_at_port", "customs_cleared",
              "on_site", "assembled")


class ShipmentLeg(PartyShared, db.Model):
    __tablename__ = "shipment_leg"
    __table_args__ = (CheckConstraint("etd <= eta", name="etd_before_eta"),
                      CheckConstraint("containers >= 0", name="containers_not_negative"))

    PLANNED = "planned"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    STATUSES = (PLANNED, DEPARTED, ARRIVED)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[str] = mapped_column(String(20))
    origin_port: Mapped[str] = mapped_column(String(120))
    destination_port: Mapped[str] = mapped_column(String(120))
    containers: Mapped[int] = mapped_column(Integer, default=1)
    container_numbers: Mapped[str] = mapped_column(String(400), default="")
    etd: Mapped[date] = mapped_column(Date)
    eta: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=PLANNED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShipmentMilestone(PartyShared, db.Model):
    __tablename__ = "shipment_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    side: Mapped[str] = mapped_column(String(10))  # who recorded it: "tenant" or "supplier"
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))


class ShipmentDocument(PartyShared, db.Model):
    """A document of the shipment: a certificate of origin (requested, then issued with its
    number), an IP record, a bill of lading… with its file when one is attached."""

    __tablename__ = "shipment_document"

    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
    KINDS = (CERTIFICATE_OF_ORIGIN, "ip_record", "bill_of_lading", "insurance", "other")
    REQUESTED = "requested"
    ISSUED = "issued"
    ATTACHED = "attached"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=ATTACHED)
    number: Mapped[str] = mapped_column(String(80), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    storage_key: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(60))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class AtaCarnet(PartyShared, db.Model):
    """The ATA carnet for temporary import: valid one year; the goods must be re-exported by
    its deadline."""

    __tablename__ = "ata_carnet"
    __table_args__ = (CheckConstraint("issued_on < valid_until", name="valid_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    reexport_deadline: Mapped[date] = mapped_column(Date)
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
