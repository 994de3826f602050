"""Periodic commands of this domain (registered by festival.cli)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope


@click.command("remind-overdue-payments")
@with_appcontext
@in_platform_scope("job")
def remind_overdue_payments() -> None:
    """Email host cities about overdue contract instalments, each at most once a week
    (idempotent; run daily)."""
    from festival.contracts.services import remind_overdue_payments as remind

    reminded = remind()
    db.session.commit()
    click.echo(f"{reminded} overdue instalment(s) reminded.")


COMMANDS: list = [remind_overdue_payments]
