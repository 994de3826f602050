"""Security-walk registrations of the visitor report pages (festival/reporting/portal.py).

A report exists only for nights of the season that have begun, and the security world's season
lies ahead; so the fillers let it start three weeks ago (again at each fresh call: the walk's
exhibition form may move it back). The WORLD hook makes, up front, a submitted report, a manual
count on a draft and an open night, so that reading them writes nothing; ``fresh`` asks for a
night whose report is not submitted yet, a new manual count, or a newly submitted report.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from festival.core.db import db
from festival.core.scope import tenant_scope
from tests.security.fillers import world_or_fresh

PAST_DAYS = 21

# The report page is shown to box-office staff; saving it needs reports.manage.
POST_PERMISSION = {
    "tenant_portal.report_page": "reports.manage",
}


def _in_tenant(builder, org, work):
    from festival.exhibitions.models import Exhibition
    from festival.tenants.models import Tenant

    with builder.app.test_request_context(), tenant_scope(org.id):
        tenant = db.session.get(Tenant, org.id)
        exhibition = db.session.get(Exhibition, org.exhibition_id)
        if exhibition.season_start > date.today() - timedelta(days=PAST_DAYS):
            exhibition.season_start = date.today() - timedelta(days=PAST_DAYS)
        result = work(tenant, exhibition)
        db.session.commit()
        db.session.remove()
    return result


def _open_night(builder, org) -> date:
    """A past night of ``org``'s season whose report is not submitted (oldest first)."""
    from festival.reporting.models import VisitorReport

    def work(tenant, exhibition):
        submitted = set(db.session.scalars(select(VisitorReport.night).where(
            VisitorReport.exhibition_id == exhibition.id,
            VisitorReport.status == VisitorReport.SUBMITTED)))
        first = date.today() - timedelta(days=PAST_DAYS)
        return next(first + timedelta(days=n) for n in range(PAST_DAYS - 1)
                    if first + timedelta(days=n) not in submitted)

    return _in_tenant(builder, org, work)


def _count(builder, org) -> int:
    from festival.reporting import reports

    night = _open_night(builder, org)
    return _in_tenant(builder, org, lambda tenant, exhibition: reports.add_manual_count(
        tenant, exhibition, night, reports.ManualLine("group", 12, "walk"), None).id)


def _submitted(builder, org) -> int:
    from festival.reporting import reports

    night = _open_night(builder, org)
    return _in_tenant(builder, org, lambda tenant, exhibition: reports.submit_report(
        tenant, exhibition, night, None).id)


def _world_reports(builder, org) -> None:
    """Up front, so that reading them writes nothing: a submitted report, a manual count on a
    draft, and a night whose report is still open."""
    org.visitor_report_id = _submitted(builder, org)
    org.manual_count_id = _count(builder, org)
    org.report_night = _open_night(builder, org).isoformat()


# Called by conftest.world for each tenant once its sales exist.
WORLD = {"visitor_reports": _world_reports}

FILLERS = {
    "report_night": world_or_fresh("report_night", lambda builder, org: _open_night(builder, org)
                                   .isoformat(), _world_reports),
    "count_id": world_or_fresh("manual_count_id", _count, _world_reports),
    "report_id": world_or_fresh("visitor_report_id", _submitted, _world_reports),
}

BODIES = {
    "report_page": lambda builder, kind: {"weather": "rain", "notes": "Light rain after 21:00."},
    "report_add_count": lambda builder, kind: {"kind": "walk_in", "persons": "7", "note": "Gate sale"},
    "report_remove_count": lambda builder, kind: {},
    "report_submit": lambda builder, kind: {"weather": "clear", "notes": ""},
    "report_amend": lambda builder, kind: {"reason": "Late group count", "add_kind_1": "group",
                                           "add_persons_1": "20", "weather": "clear"},
}
