"""Reminders of missing visitor reports, sent by the ``festival remind-visitor-reports`` job.

A night is due when it closed (local) more than VISITOR_REPORT_REMINDER_HOURS ago and its
report is not submitted. Each due night is reminded once: a ReportReminder row, unique per
exhibition and night, is written in the transaction that queues the mails, so a second run
(or a concurrent one) finds it and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from festival.accounts.models import TenantMember, User
from festival.core.db import db, utcnow
from festival.core.mail import compose_mail, queue_mail
from festival.core.scope import tenant_scope
from festival.core.urls import external_url
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import night_window, opening_nights
from festival.reporting.models import ReportReminder, VisitorReport
from festival.reporting.reports import insert_once, scanned_persons
from festival.tenants.models import Tenant

RECIPIENT_ROLES = ("owner", "manager")
# Exhibitions whose nights are reported: a season being planned has none, a reported one is done.
REPORTING_STATUSES = (Exhibition.ON_SALE, Exhibition.RUNNING, Exhibition.CLOSED)
# Nights older than this are not reminded (a first run after a long pause does not flood inboxes).
LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class DueNight:
    exhibition: Exhibition
    night: date


def due_nights(tenant: Tenant, now: datetime, hours: int) -> list[DueNight]:
    """The open tenant's nights that ended ``hours`` ago without a submitted report or reminder."""
    exhibitions = list(db.session.scalars(select(Exhibition).where(
        Exhibition.status.in_(REPORTING_STATUSES)).order_by(Exhibition.id)))
    done = {tuple(row) for row in db.session.execute(
        select(VisitorReport.exhibition_id, VisitorReport.night).where(
            VisitorReport.status == VisitorReport.SUBMITTED))}
    done |= {tuple(row) for row in db.session.execute(
        select(ReportReminder.exhibition_id, ReportReminder.night))}
    oldest = now.date() - timedelta(days=LOOKBACK_DAYS)
    due = []
    for exhibition in exhibitions:
        for night in opening_nights(exhibition):
            if night < oldest or (exhibition.id, night) in done:
                continue
            if night_window(exhibition, night, tenant.timezone)[1] + timedelta(hours=hours) > now:
                break  # nights are in order: the later ones are not due either
            due.append(DueNight(exhibition, night))
    return due


def recipients(tenant: Tenant) -> list[User]:
    """The open tenant's owners and managers whose accounts are active."""
    return list(db.session.scalars(
        select(User).join(TenantMember, TenantMember.user_id == User.id)
        .where(TenantMember.role.in_(RECIPIENT_ROLES), User.active.is_(True)).order_by(User.id)))


def report_link(tenant: Tenant, exhibition_id: int, night: date) -> str:
    """The report page's full address, also from the periodic job."""
    return external_url("tenant_portal.report_page", tenant_slug=tenant.slug, exhibition_id=exhibition_id,
                        report_night=night.isoformat())


def _remind(tenant: Tenant, due: DueNight, people: list[User], now: datetime) -> bool:
    """Record the reminder of one night and queue its mails; False if it was already sent."""
    if not insert_once(ReportReminder, {
            "tenant_id": tenant.id, "exhibition_id": due.exhibition.id, "night": due.night,
            "recipients": len(people), "sent_at": now}, ["tenant_id", "exhibition_id", "night"]):
        return False  # another run reminded this night meanwhile
    link = report_link(tenant, due.exhibition.id, due.night)
    scanned = scanned_persons(due.exhibition.id, due.night)
    for person in people:
        locale = person.locale or tenant.default_locale
        queue_mail(compose_mail(
            person.email, "visitor_report_reminder", locale, tenant=tenant, person=person,
            title=due.exhibition.title(locale, tenant.default_locale), night=due.night,
            scanned=scanned, link=link))
    return True


def send_reminders(now: datetime | None = None, hours: int | None = None) -> int:
    """Remind every active tenant of its missing reports; returns how many nights were reminded.

    Runs in the job's platform scope and opens each tenant's own scope for its work; the
    caller commits, and the mails leave after the commit.
    """
    now = now or utcnow()
    hours = current_app.config["VISITOR_REPORT_REMINDER_HOURS"] if hours is None else hours
    tenants = list(db.session.scalars(select(Tenant).where(Tenant.status == Tenant.STATUS_ACTIVE)
                                      .order_by(Tenant.id)))
    reminded = 0
    for tenant in tenants:
        with tenant_scope(tenant.id):
            due = due_nights(tenant, now, hours)
            people = recipients(tenant) if due else []
            reminded += sum(_remind(tenant, night, people, now) for night in due if people)
            db.session.flush()
    return reminded
