"""The rules of daily visitor reports: which nights have one, the exact figures, drafting,
submission (snapshot + lock) and amendments with their history.

A report's count is the persons admitted by scans that night (the maintained entry counts,
never a scan of check_in rows) plus the manual counts, exactly. Changes to a draft and
submissions first take the report's row with a conditional UPDATE, so a line added at the
moment someone submits either makes it into the snapshot or is refused — never both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.checkin.counts import entries
from festival.checkin.services import tonight as current_night
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, NotFound
from festival.exhibitions.models import Exhibition
from festival.exhibitions.services import night_window, opening_nights
from festival.reporting.models import (
    MAX_LINE_NOTE,
    MAX_MANUAL_PERSONS,
    MAX_NOTES,
    MAX_REASON,
    ManualCount,
    VisitorReport,
    VisitorReportRevision,
)
from festival.tenants.models import Tenant

MESSAGES = {
    "night": _l("There is no report for this night: it is not a night of the season, or it "
                "has not begun yet."),
    "locked": _l("This report has been submitted and is locked. Amend it to change anything."),
    "not_submitted": _l("Only a submitted report can be amended."),
    "stale": _l("The report was changed meanwhile. Reload the page and try again."),
    "not_over": _l("This night is not over yet: submit its report after closing."),
    "kind": _l("Choose walk-in, group or complimentary."),
    "persons": _l("Enter between 1 and %(max)s persons.", max=f"{MAX_MANUAL_PERSONS:,}"),
    "note": _l("Use at most %(max)s characters for the note.", max=MAX_LINE_NOTE),
    "weather": _l("Choose the weather from the list."),
    "notes": _l("Use at most %(max)s characters for the notes.", max=MAX_NOTES),
    "reason": _l("Say why the report is amended (at most %(max)s characters).", max=MAX_REASON),
    "line": _l("This manual count does not belong to the report."),
}

# Statuses of a night in the reports list (a night with no report row yet is "missing").
MISSING, DRAFT, SUBMITTED, AMENDED = "missing", "draft", "submitted", "amended"


def _fail(key: str, error: type[DomainError] = DomainError) -> DomainError:
    return error(str(MESSAGES[key]))


@dataclass(frozen=True)
class Figures:
    """A report's count: scanned + manual = total, exactly."""

    scanned: int
    manual: int

    @property
    def total(self) -> int:
        return self.scanned + self.manual


@dataclass
class ManualLine:
    kind: str
    persons: int
    note: str = ""


@dataclass
class Amendment:
    reason: str
    weather: str | None
    notes: str
    remove_ids: list[int] = field(default_factory=list)
    add: list[ManualLine] = field(default_factory=list)
    # The revision the person saw: an amendment of an older version is refused (409).
    expected_revision: int | None = None


# --- nights ---------------------------------------------------------------------------------

def report_nights(exhibition: Exhibition, tenant: Tenant, now: datetime | None = None) -> list[date]:
    """The nights of the season that have a report: every opening night up to the current one."""
    tonight = current_night(exhibition, tenant, now or utcnow())
    return [night for night in opening_nights(exhibition) if night <= tonight]


def check_night(exhibition: Exhibition, tenant: Tenant, night: date,
                now: datetime | None = None) -> None:
    """A night outside the season, a closed day or a night to come has no report (404)."""
    if not (exhibition.season_start <= night <= exhibition.season_end) or \
            night.isoweekday() in exhibition.closed_weekdays or \
            night > current_night(exhibition, tenant, now or utcnow()):
        raise _fail("night", NotFound)


def night_is_over(exhibition: Exhibition, tenant: Tenant, night: date, now: datetime) -> bool:
    return night_window(exhibition, night, tenant.timezone)[1] <= now


# --- reading --------------------------------------------------------------------------------

def find_report(exhibition_id: int, night: date) -> VisitorReport | None:
    return db.session.scalar(select(VisitorReport).where(
        VisitorReport.exhibition_id == exhibition_id, VisitorReport.night == night))


def scanned_persons(exhibition_id: int, night: date) -> int:
    """Persons admitted by scans that night, from the maintained entry counts."""
    return sum(entry.persons for entry in entries(exhibition_id, night))


def _manual_sum(report: VisitorReport | None) -> int:
    return sum(line.persons for line in report.counts) if report is not None else 0


def figures_of(report: VisitorReport | None, exhibition_id: int, night: date) -> Figures:
    """A submitted report's snapshot; a draft's (or a missing report's) live figures."""
    if report is not None and report.is_locked:
        return Figures(report.scanned_persons or 0, report.manual_persons or 0)
    return Figures(scanned_persons(exhibition_id, night), _manual_sum(report))


def status_of(report: VisitorReport | None) -> str:
    if report is None:
        return MISSING
    if not report.is_locked:
        return DRAFT
    return AMENDED if report.is_amended else SUBMITTED


@dataclass(frozen=True)
class NightRow:
    night: date
    status: str
    total: int | None  # the submitted total; None while missing or a draft


def season_overview(exhibition: Exhibition, tenant: Tenant, now: datetime | None = None) -> list[NightRow]:
    """Every report night of the season, newest first, with its status (two queries)."""
    reports = {r.night: r for r in db.session.scalars(
        select(VisitorReport).where(VisitorReport.exhibition_id == exhibition.id))}
    rows = []
    for night in reversed(report_nights(exhibition, tenant, now)):
        report = reports.get(night)
        rows.append(NightRow(night, status_of(report),
                             report.total_persons if report is not None and report.is_locked else None))
    return rows


@dataclass(frozen=True)
class SubmittedTotal:
    tenant_id: int
    exhibition_id: int
    night: date
    total_persons: int
    scanned_persons: int
    manual_persons: int
    revision: int


def submitted_totals(exhibition_ids: list[int] | None = None, start: date | None = None,
                     end: date | None = None) -> list[SubmittedTotal]:
    """The latest submitted figures per tenant, exhibition and night, for the dashboards.

    Reads whatever the open scope lets it see: one tenant's reports in a tenant scope, every
    tenant's in the base's platform scope. A report's row always holds its latest revision.
    """
    query = select(VisitorReport.tenant_id, VisitorReport.exhibition_id, VisitorReport.night,
                   VisitorReport.total_persons, VisitorReport.scanned_persons,
                   VisitorReport.manual_persons, VisitorReport.revision).where(
        VisitorReport.status == VisitorReport.SUBMITTED)
    if exhibition_ids is not None:
        query = query.where(VisitorReport.exhibition_id.in_(exhibition_ids))
    if start is not None:
        query = query.where(VisitorReport.night >= start)
    if end is not None:
        query = query.where(VisitorReport.night <= end)
    query = query.order_by(VisitorReport.tenant_id, VisitorReport.exhibition_id, VisitorReport.night)
    return [SubmittedTotal(*row) for row in db.session.execute(query)]


# --- writing a draft ------------------------------------------------------------------------

def open_draft(tenant: Tenant, exhibition: Exhibition, night: date,
               now: datetime | None = None) -> VisitorReport:
    """The report of a night, created as a draft on its first change; refused once submitted."""
    check_night(exhibition, tenant, night, now)
    report = find_report(exhibition.id, night)
    if report is None:
        # Two first changes at once make one row, which both then use.
        insert_once(VisitorReport, {"tenant_id": tenant.id, "exhibition_id": exhibition.id,
                                    "night": night}, ["tenant_id", "exhibition_id", "night"])
        report = find_report(exhibition.id, night)
    _take_draft(report)
    return report


def insert_once(model: type, values: dict, key: list[str]) -> bool:
    """Insert a row unless one with the same unique ``key`` exists; True if this call made it.

    INSERT … ON CONFLICT DO NOTHING rather than a savepoint: on SQLite a savepoint opened
    before any write ends up committing the outer transaction when released.
    """
    name = db.session.get_bind().dialect.name
    insert = postgresql.insert if name == "postgresql" else sqlite.insert
    statement = insert(model.__table__).values(**values).on_conflict_do_nothing(index_elements=key)
    return bool(db.session.execute(statement).rowcount)


def _take_draft(report: VisitorReport) -> None:
    """Lock the report's row while it is a draft (a concurrent submit waits or wins)."""
    taken = db.session.execute(
        update(VisitorReport).where(VisitorReport.id == report.id,
                                    VisitorReport.status == VisitorReport.DRAFT)
        .values(status=VisitorReport.DRAFT).execution_options(synchronize_session=False)).rowcount
    if not taken:
        db.session.refresh(report)
        raise _fail("locked", Conflict)


def _check_text(weather: str | None, notes: str) -> None:
    if weather is not None and weather not in VisitorReport.WEATHERS:
        raise _fail("weather")
    if len(notes) > MAX_NOTES:
        raise _fail("notes")


def _check_line(line: ManualLine) -> None:
    if line.kind not in ManualCount.KINDS:
        raise _fail("kind")
    if isinstance(line.persons, bool) or not isinstance(line.persons, int) or \
            not 1 <= line.persons <= MAX_MANUAL_PERSONS:
        raise _fail("persons")
    if len(line.note or "") > MAX_LINE_NOTE:
        raise _fail("note")


def save_draft(tenant: Tenant, exhibition: Exhibition, night: date, weather: str | None,
               notes: str, actor: User | None, now: datetime | None = None) -> VisitorReport:
    """Set the weather and notes of a night's draft report."""
    notes = (notes or "").strip()
    _check_text(weather, notes)
    report = open_draft(tenant, exhibition, night, now)
    report.weather, report.notes = weather, notes
    db.session.flush()
    return report


def add_manual_count(tenant: Tenant, exhibition: Exhibition, night: date, line: ManualLine,
                     actor: User | None, now: datetime | None = None) -> ManualCount:
    """Add a line of persons counted by hand to a night's draft report."""
    _check_line(line)
    report = open_draft(tenant, exhibition, night, now)
    count = ManualCount(report_id=report.id, kind=line.kind, persons=line.persons,
                        note=(line.note or "").strip(), entered_by_id=actor.id if actor else None,
                        entered_at=now or utcnow())
    db.session.add(count)
    db.session.flush()
    return count


def remove_manual_count(count: ManualCount, actor: User | None) -> None:
    """Remove a manual line from a draft report (a submitted one is amended instead)."""
    _take_draft(count.report)
    db.session.delete(count)
    db.session.flush()


# --- submitting and amending ----------------------------------------------------------------

def _lines_snapshot(report: VisitorReport) -> list[dict]:
    return [{"kind": line.kind, "persons": line.persons, "note": line.note,
             "entered_by": line.entered_by.display_name if line.entered_by else "",
             "entered_at": line.entered_at.isoformat()} for line in report.counts]


def _freeze(report: VisitorReport, actor: User | None, now: datetime, reason: str | None) -> Figures:
    """Write the current figures onto the report and keep them as its next revision."""
    db.session.flush()
    db.session.expire(report, ["counts"])
    figures = Figures(scanned_persons(report.exhibition_id, report.night), _manual_sum(report))
    report.scanned_persons, report.manual_persons = figures.scanned, figures.manual
    report.total_persons = figures.total
    report.submitted_at, report.submitted_by_id = now, actor.id if actor else None
    db.session.add(VisitorReportRevision(
        report_id=report.id, number=report.revision, scanned_persons=figures.scanned,
        manual_persons=figures.manual, total_persons=figures.total, weather=report.weather,
        notes=report.notes, manual_lines=_lines_snapshot(report), reason=reason,
        created_by_id=actor.id if actor else None, created_at=now))
    db.session.flush()
    return figures


def submit_report(tenant: Tenant, exhibition: Exhibition, night: date, actor: User | None,
                  now: datetime | None = None) -> VisitorReport:
    """Send the night's report to the base: its figures are frozen and it is locked.

    The draft becomes submitted in one conditional UPDATE, so of two people submitting at
    once exactly one succeeds; the other is told it is locked.
    """
    now = now or utcnow()
    report = open_draft(tenant, exhibition, night, now)
    if not night_is_over(exhibition, tenant, night, now):
        raise _fail("not_over", Conflict)
    submitted = db.session.execute(
        update(VisitorReport).where(VisitorReport.id == report.id,
                                    VisitorReport.status == VisitorReport.DRAFT)
        .values(status=VisitorReport.SUBMITTED, revision=1)
        .execution_options(synchronize_session=False)).rowcount
    if not submitted:
        raise _fail("locked", Conflict)
    db.session.refresh(report)
    figures = _freeze(report, actor, now, None)
    record_event("festival.reporting.report.submitted", actor=actor, exhibition=exhibition.slug,
                 night=night.isoformat(), scanned=figures.scanned, manual=figures.manual,
                 total=figures.total)
    return report


def amend_report(tenant: Tenant, exhibition: Exhibition, report: VisitorReport,
                 amendment: Amendment, actor: User | None,
                 now: datetime | None = None) -> VisitorReport:
    """Correct a submitted report: new manual lines, weather and notes, with a reason.

    The version it replaces stays in the history; the scanned entries are read again, so
    scans synchronised late are included. One transaction; an amendment of a version that
    is no longer the latest is refused (409).
    """
    now = now or utcnow()
    reason = (amendment.reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise _fail("reason")
    notes = (amendment.notes or "").strip()
    _check_text(amendment.weather, notes)
    for line in amendment.add:
        _check_line(line)
    if not report.is_locked:
        raise _fail("not_submitted", Conflict)
    own_lines = {line.id: line for line in report.counts}
    if any(line_id not in own_lines for line_id in amendment.remove_ids):
        raise _fail("line")
    expected = amendment.expected_revision if amendment.expected_revision is not None else report.revision
    bumped = db.session.execute(
        update(VisitorReport).where(VisitorReport.id == report.id,
                                    VisitorReport.status == VisitorReport.SUBMITTED,
                                    VisitorReport.revision == expected)
        .values(revision=expected + 1).execution_options(synchronize_session=False)).rowcount
    if not bumped:
        raise _fail("stale", Conflict)
    db.session.refresh(report)
    for line_id in set(amendment.remove_ids):
        db.session.delete(own_lines[line_id])
    for line in amendment.add:
        db.session.add(ManualCount(report_id=report.id, kind=line.kind, persons=line.persons,
                                   note=(line.note or "").strip(),
                                   entered_by_id=actor.id if actor else None, entered_at=now))
    report.weather, report.notes = amendment.weather, notes
    figures = _freeze(report, actor, now, reason)
    record_event("festival.reporting.report.amended", actor=actor, exhibition=exhibition.slug,
                 night=report.night.isoformat(), revision=report.revision, reason=reason,
                 scanned=figures.scanned, manual=figures.manual, total=figures.total)
    return report
