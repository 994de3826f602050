"""A night's visitors, the one definition every figure uses (dashboards, lamp-group exposure):
the submitted visitor report's total when the night has one (scans plus manual counts, as
the tenant vouched for them, a storm's 0 included), else the persons admitted by scans.

Read from the maintained entry counts and the reports' rows in two grouped queries, never a
scan of check-ins; in whatever scope is open (a tenant's, the base's platform scope, or a
named read-only scope).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select

from festival.checkin.models import EntryCount
from festival.core.db import db
from festival.reporting.models import VisitorReport

# Which exhibition nights to read, given the exhibition id and night columns of the table read.
NightCriteria = Callable[[ColumnElement, ColumnElement], ColumnElement[bool]]


@dataclass(frozen=True)
class NightVisitors:
    exhibition_id: int
    night: date
    visitors: int
    reported: bool  # the visitors are a submitted report's total


def night_visitors(only: NightCriteria) -> dict[tuple[int, date], NightVisitors]:
    """Visitors per (exhibition id, night) of the nights ``only`` admits that have entries or a
    submitted report; a report's total replaces the scans of its night."""
    found: dict[tuple[int, date], NightVisitors] = {}
    for exhibition_id, night, persons in db.session.execute(
            select(EntryCount.exhibition_id, EntryCount.night, func.sum(EntryCount.persons))
            .where(only(EntryCount.exhibition_id, EntryCount.night))
            .group_by(EntryCount.exhibition_id, EntryCount.night)):
        found[exhibition_id, night] = NightVisitors(exhibition_id, night, int(persons or 0), False)
    for exhibition_id, night, total in db.session.execute(
            select(VisitorReport.exhibition_id, VisitorReport.night, VisitorReport.total_persons)
            .where(VisitorReport.status == VisitorReport.SUBMITTED,
                   only(VisitorReport.exhibition_id, VisitorReport.night))):
        found[exhibition_id, night] = NightVisitors(exhibition_id, night, int(total or 0), True)
    return found
