"""``festival worker`` (rq), ``festival scheduler`` (every periodic command, on its interval),
``festival deliver-mail`` (the outbox sweep), ``festival purge-mail-outbox``, and the report
exports' sweep and purge (``festival run-exports``, ``festival purge-exports``)."""

from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope

log = logging.getLogger("festival.jobs")

MINUTE, HOUR, DAY = 60, 3600, 86400
# What the one scheduler runs, and how often. Every command is idempotent, so a run repeated
# after a restart, or by a second scheduler by mistake, changes nothing.
SCHEDULE: tuple[tuple[str, int], ...] = (
    ("expire-holds", MINUTE),
    ("deliver-mail", MINUTE),
    ("run-exports", MINUTE),
    ("offer-waiting-lists", MINUTE),
    ("remind-visitor-reports", HOUR),
    ("remind-group-invoices", HOUR),
    ("expire-booking-requests", DAY),
    ("remind-overdue-payments", DAY),
    ("remind-carnets", DAY),
    ("purge-idempotency-keys", DAY),
    ("purge-mail-outbox", DAY),
    ("purge-exports", DAY),
)


@click.command("deliver-mail")
@with_appcontext
@in_platform_scope("job")
def deliver_mail() -> None:
    """Send outbox mail the queue did not (Redis down, server unreachable); run every minute."""
    from festival.jobs.outbox import sweep

    outcome = sweep()
    click.echo(f"{outcome['sent']} sent, {outcome['refused']} refused, "
               f"{outcome['postponed']} postponed.")


@click.command("purge-mail-outbox")
@with_appcontext
@in_platform_scope("job")
def purge_mail_outbox() -> None:
    """Forget outbox rows delivered or refused more than 30 days ago (run daily)."""
    from festival.jobs.outbox import purge_delivered

    removed = purge_delivered()
    db.session.commit()
    click.echo(f"{removed} delivered mail row(s) removed.")


@click.command("run-exports")
@with_appcontext
@in_platform_scope("job")
def run_exports() -> None:
    """Run report exports the queue did not (Redis lost the job, a worker died); every minute."""
    from festival.exports.services import sweep

    click.echo(f"{sweep()} waiting export(s) handed on.")


@click.command("purge-exports")
@with_appcontext
@in_platform_scope("job")
def purge_exports() -> None:
    """Forget report exports, rows and files, requested more than 7 days ago (run daily)."""
    from festival.exports.services import purge

    removed = purge()
    db.session.commit()
    click.echo(f"{removed} old export(s) removed.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
@with_appcontext
def worker(burst: bool) -> None:
    """Run jobs from the Redis queue (REDIS_URL): mail, report exports; start as many as you need."""
    from rq import SimpleWorker

    from festival.jobs.queue import lantern_queue, queue_configured

    if not queue_configured():
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inline in the web "
                                   "process and no worker is needed.")
    queue = lantern_queue()
    # SimpleWorker runs each job in this process, inside this app context; the session is
    # removed after each job so no state leaks from one job to the next.
    lantern_worker = SimpleWorker([queue], connection=queue.connection)
    lantern_worker.push_exc_handler(_log_failure)
    lantern_worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")


def _log_failure(job, exc_type, exc_value, traceback) -> bool:
    db.session.remove()
    log.warning("job %s failed: %s", job.id, exc_value)
    return True  # rq goes on to its retry policy


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every scheduled command once, then stop.")
@click.pass_context
def scheduler(ctx: click.Context, once: bool) -> None:
    """Run the periodic commands on their intervals, forever (one scheduler per deployment)."""
    last_run: dict[str, float] = {}
    while True:
        now = time.monotonic()
        for name, interval in SCHEDULE:
            if name in last_run and now - last_run[name] < interval:
                continue
            last_run[name] = now
            _run(ctx, name)
        if once:
            return
        time.sleep(5)


def _run(ctx: click.Context, name: str) -> None:
    root = ctx.find_root()
    command = root.command.get_command(root, name)
    if command is None:
        log.warning("scheduled command %s does not exist", name)
        return
    try:
        # Each command opens its own app context (with_appcontext) and ends its session with it.
        ctx.invoke(command)
    except Exception:
        # One failing command must not stop the others; its next run tries again.
        log.exception("scheduled command %s failed", name)


COMMANDS = [deliver_mail, purge_mail_outbox, run_exports, purge_exports, worker, scheduler]
