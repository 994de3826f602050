"""The demo seeds past nights with real admissions and reports: every demo tenant has three past
nights, the two older ones submitted with totals equal to its scans plus its manual counts, and
last night's report left as a draft for the reminder."""

from __future__ import annotations

from sqlalchemy import select

from festival.checkin import counts
from festival.core.db import db
from festival.core.scope import platform_scope, tenant_scope
from festival.demo import seed
from festival.reporting import reports
from festival.reporting.models import VisitorReport
from festival.tenants.models import Tenant


def test_demo_tenants_have_admitted_nights_and_submitted_reports(app):
    with app.app_context():
        with platform_scope("cli"):
            assert seed()
            db.session.commit()
            tenants = [(t.id, t.slug) for t in db.session.scalars(select(Tenant))]
        assert len(tenants) == 5
        for tenant_id, slug in tenants:
            with tenant_scope(tenant_id):
                rows = list(db.session.scalars(select(VisitorReport).order_by(VisitorReport.night)))
                assert [r.status for r in rows] == ["submitted", "submitted", "draft"], slug
                for report in rows:
                    scanned = reports.scanned_persons(report.exhibition_id, report.night)
                    assert counts.maintained(report.exhibition_id, report.night) == \
                        counts.from_scans(report.exhibition_id, report.night)
                    assert 40 <= scanned <= 200, (slug, scanned)
                    manual = sum(line.persons for line in report.counts)
                    if report.status == "submitted":
                        assert (report.scanned_persons, report.manual_persons, report.total_persons) \
                            == (scanned, manual, scanned + manual)
                totals = reports.submitted_totals()
                assert [t.total_persons for t in totals] == [r.total_persons for r in rows[:2]]
        db.session.remove()
