"""On PostgreSQL, people changing and submitting one night's report at the same moment: exactly one
submission wins, and every manual line either made it into the submitted figures or was refused."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from festival.core.db import db
from festival.core.errors import Conflict
from festival.reporting import reports
from festival.reporting.models import ManualCount, VisitorReport
from tests.conftest import postgres_only
from tests.reporting.world import report_world


@postgres_only
def test_concurrent_submissions_and_new_lines_never_lose_a_count(app, factory):
    world = report_world(app, factory)
    night = world.night(1)
    world.run(app, lambda tenant, exhibition: reports.add_manual_count(
        tenant, exhibition, night, reports.ManualLine("group", 10), None))
    barrier = threading.Barrier(8)
    outcomes, lock = [], threading.Lock()

    def person(kind: str, index: int) -> None:
        def work(tenant, exhibition):
            barrier.wait()
            if kind == "submit":
                reports.submit_report(tenant, exhibition, night, None)
            else:
                reports.add_manual_count(tenant, exhibition, night,
                                         reports.ManualLine("walk_in", index + 1), None)
        try:
            world.run(app, work)
            result = (kind, "done")
        except Conflict:
            result = (kind, "refused")
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=person, args=("submit" if n % 2 else "line", n))
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally = Counter(outcomes)
    assert tally[("submit", "done")] == 1 and tally[("submit", "refused")] == 3

    def stored(tenant, exhibition):
        report = db.session.scalar(select(VisitorReport).where(VisitorReport.night == night))
        lines = db.session.scalars(select(ManualCount.persons)
                                   .where(ManualCount.report_id == report.id)).all()
        return report.status, report.manual_persons, report.total_persons, report.scanned_persons, \
            sum(lines), len(lines)

    status, manual, total, scanned, lines_sum, lines = world.run(app, stored)
    assert status == VisitorReport.SUBMITTED
    assert manual == lines_sum and total == scanned + manual  # nothing added after the snapshot
    assert lines == 1 + tally[("line", "done")]
