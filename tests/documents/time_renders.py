"""Time ticket PDFs: one ticket and a 100-ticket order (a script, not a test: no timing asserts).

    .venv/bin/python -m tests.documents.time_renders [--runs 7]

Builds a throwaway SQLite database with the Paris sales world, sells one order of 1 ticket
and one of 100, then prints the median and best wall time of each render, its median CPU
time and the document's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LANTERN_INSTANCE_PATH", tempfile.mkdtemp(prefix="lantern-timing-"))
os.environ.setdefault("LANTERN_ENV", "testing")

from flask_migrate import upgrade  # noqa: E402

from festival import create_app  # noqa: E402
from festival.core.db import db  # noqa: E402
from festival.documents.receipt import render_receipt_pdf  # noqa: E402
from festival.documents.tickets import render_tickets_pdf  # noqa: E402
from festival.ticketing.models import TicketType  # noqa: E402
from tests.conftest import Factory  # noqa: E402
from tests.documents.conftest import buy, shop  # noqa: E402
from tests.ticketing.world import build_sales_world  # noqa: E402


def _time(work, runs: int) -> tuple[float, float, float, int]:
    """Median and best wall time, median CPU time of this process, size of the document.

    CPU time is printed too because on a shared machine the wall time mostly measures the
    other processes: it is the figure that compares between runs.
    """
    work()  # warm-up: fonts, CSS and templates load once per process
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(work())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    database = Path(os.environ["LANTERN_INSTANCE_PATH"]) / "timing.db"
    url = f"sqlite:///{database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MIGRATION_DATABASE_URL": url, "MAIL_SERVER": "",
                      "SERVER_NAME": None, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    world = build_sales_world(app, Factory(app), "paris", capacity=500)
    with shop(app, world) as tenant:
        db.session.get(TicketType, world.adult_id).max_per_order = 100
        one = buy(tenant, world, {world.adult_id: 1}, notify=False)
        hundred = buy(tenant, world, {world.adult_id: 100}, notify=False)
        rows = [("tickets, 1 ticket", lambda: render_tickets_pdf(one, tenant)),
                ("tickets, 100 tickets", lambda: render_tickets_pdf(hundred, tenant)),
                ("receipt", lambda: render_receipt_pdf(one, tenant))]
        print(f"{'document':<22}{'median':>10}{'best':>10}{'cpu':>10}{'size':>10}   ({args.runs} runs, "
              f"load {os.getloadavg()[0]:.1f})")
        for label, work in rows:
            median, best, cpu, size = _time(work, args.runs)
            print(f"{label:<22}{median * 1000:>8.0f}ms{best * 1000:>8.0f}ms{cpu * 1000:>8.0f}ms"
                  f"{size / 1024:>8.0f}KB")


if __name__ == "__main__":
    main()
