"""Daily visitor reports: one per exhibition and festival night, submitted to the base.

A report is a draft while the venue partner fills it in (scanned entries are read live from
the maintained entry counts); submitting it freezes a snapshot of its figures and locks it.
Every submitted version, the first and each amendment, is kept as a revision row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.db import TenantOwned, UTCDateTime, db, utcnow

MAX_MANUAL_PERSONS = 100_000
MAX_NOTES = 2000
MAX_LINE_NOTE = 200
MAX_REASON = 1000


class VisitorReport(TenantOwned, db.Model):
    __tablename__ = "visitor_report"
    __table_args__ = (UniqueConstraint("tenant_id", "exhibition_id", "night"),)

    DRAFT = "draft"
    SUBMITTED = "submitted"
    STATUSES = (DRAFT, SUBMITTED)

    WEATHERS = ("clear", "cloudy", "rain", "storm", "snow", "wind", "other")

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)  # the local date on which the night opened
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    weather: Mapped[str | None] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    # The figures as submitted (None while a draft: then they are read live).
    scanned_persons: Mapped[int | None] = mapped_column(Integer)
    manual_persons: Mapped[int | None] = mapped_column(Integer)
    total_persons: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=0)  # 0 draft, 1 submitted, 2+ amended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    counts: Mapped[list[ManualCount]] = relationship(
        back_populates="report", order_by="ManualCount.id", cascade="all, delete-orphan")
    revisions: Mapped[list[VisitorReportRevision]] = relationship(
        order_by="VisitorReportRevision.number", viewonly=True)
    submitted_by = relationship("User")

    @property
    def is_locked(self) -> bool:
        return self.status == self.SUBMITTED

    @property
    def is_amended(self) -> bool:
        return self.status == self.SUBMITTED and self.revision > 1


class ManualCount(TenantOwned, db.Model):
    """Persons counted by hand for a report's night: walk-ins sold at the gate, a group,
    complimentary entries; who entered the line and when is shown on the report."""

    __tablename__ = "manual_count"
    __table_args__ = (
        CheckConstraint(f"persons >= 1 AND persons <= {MAX_MANUAL_PERSONS}", name="persons_range"),
    )

    WALK_IN = "walk_in"
    GROUP = "group"
    COMPLIMENTARY = "complimentary"
    KINDS = (WALK_IN, GROUP, COMPLIMENTARY)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("visitor_report.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(16))
    persons: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(MAX_LINE_NOTE), default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[VisitorReport] = relationship(back_populates="counts")
    entered_by = relationship("User")


class VisitorReportRevision(TenantOwned, db.Model):
    """One submitted version of a report (number 1 is the first submission, 2+ amendments),
    with its figures, its manual lines as they were, and who sent it, when and why."""

    __tablename__ = "visitor_report_revision"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("visitor_report.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    scanned_persons: Mapped[int] = mapped_column(Integer)
    manual_persons: Mapped[int] = mapped_column(Integer)
    total_persons: Mapped[int] = mapped_column(Integer)
    weather: Mapped[str | None] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    # [{"kind", "persons", "note", "entered_by", "entered_at"}] as submitted in this version.
    manual_lines: Mapped[list[dict]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was amended (None: first submission)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User")


class ReportReminder(TenantOwned, db.Model):
    """A missing-report reminder was sent for this exhibition night: never send it twice."""

    __tablename__ = "report_reminder"
    __table_args__ = (UniqueConstraint("tenant_id", "exhibition_id", "night"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id", ondelete="CASCADE"))
    night: Mapped[date] = mapped_column(Date)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
