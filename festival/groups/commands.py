"""Periodic commands of festival.groups (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope


@click.command("remind-group-invoices")
@with_appcontext
@in_platform_scope("job")
def remind_group_invoices() -> None:
    """Remind tour operators of overdue invoices once, and release the blocks still unpaid the
    tenant's grace days after the reminder (idempotent; run daily)."""
    from sqlalchemy import select

    from festival.core.scope import tenant_scope
    from festival.groups.services import remind_and_release
    from festival.tenants.models import Tenant

    reminded = released = 0
    tenants = list(db.session.scalars(select(Tenant).where(Tenant.status == Tenant.STATUS_ACTIVE)
                                      .order_by(Tenant.id)))
    for tenant in tenants:
        with tenant_scope(tenant.id):
            done = remind_and_release(tenant)
            db.session.commit()  # one tenant's work at a time: a failure elsewhere keeps it
        reminded, released = reminded + done[0], released + done[1]
    click.echo(f"{reminded} overdue group invoice(s) reminded, {released} unpaid block(s) released.")


COMMANDS: list = [remind_group_invoices]
