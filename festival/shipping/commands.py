"""Periodic commands of this domain (registered by festival.cli): idempotent, safe to run daily."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope


@click.command("remind-carnets")
@with_appcontext
@in_platform_scope("job")
def remind_carnets() -> None:
    """Email both parties of ATA carnets falling due in 30, then 7 days (once each; run daily)."""
    from festival.shipping.carnet import remind_carnets as send_reminders

    reminded = send_reminders()
    db.session.commit()
    click.echo(f"{reminded} ATA carnet(s) reminded.")


COMMANDS: list = [remind_carnets]
