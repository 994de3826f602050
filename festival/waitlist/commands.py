"""Periodic commands of festival.waitlist (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope, tenant_scope


@click.command("offer-waiting-lists")
@with_appcontext
@in_platform_scope("job")
def offer_waiting_lists() -> None:
    """Lapse unused waiting-list holds and offer free places to waiting groups (idempotent;
    run every few minutes).

    Places freed by refunds and expired orders are offered at once in the transaction that
    frees them; this sweep is the safety net (and serves places added by raising a capacity)."""
    from festival.waitlist import services

    lapsed = services.lapse_expired_holds()
    offered = 0
    for tenant_id, exhibition_id, night in services.nights_waiting():
        with tenant_scope(tenant_id):  # each tenant's night in its own scope
            offered += len(services.offer_night(exhibition_id, night))
    db.session.commit()  # places freed by the lapses are offered on by the commit's hook too
    click.echo(f"{lapsed} waiting-list hold(s) lapsed, {offered} group(s) offered places.")


COMMANDS: list = [offer_waiting_lists]
