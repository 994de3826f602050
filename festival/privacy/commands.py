"""Operator commands of festival.privacy (registered through festival.cli.DOMAIN_COMMAND_MODULES):
a tenant's export to a file, a tenant's deletion, a visitor's erasure."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import in_platform_scope, tenant_scope
from festival.tenants.models import Tenant


def _tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug.strip().lower()))
    if tenant is None:
        raise click.ClickException(f"No tenant has the slug {slug!r}.")
    return tenant


@click.command("export-tenant")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
@in_platform_scope("cli")
def export_tenant(slug: str, out: Path) -> None:
    """Write every row and file of the tenant SLUG to the zip file OUT (audited)."""
    from festival.privacy.export import write_tenant_export

    tenant = _tenant(slug)
    out = out.resolve()
    # Written beside OUT and renamed at the end: a failed export leaves no half-written file.
    handle, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as target:
            summary = write_tenant_export(tenant, target, None)
        db.session.commit()
        os.replace(partial, out)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    click.echo(f"{out}: {len(summary.rows)} tables, {sum(summary.rows.values())} rows, "
               f"{len(summary.files)} files.")


@click.command("delete-tenant")
@click.argument("slug")
@click.option("--confirm", "confirmation", prompt="Type the tenant's slug again to confirm",
              help="The tenant's slug again: the deletion cannot be undone.")
@with_appcontext
@in_platform_scope("cli")
def delete_tenant_command(slug: str, confirmation: str) -> None:
    """Delete the tenant SLUG with every row and file it owns (audited on the platform)."""
    from festival.privacy.deletion import delete_tenant

    try:
        report = delete_tenant(_tenant(slug), confirmation, None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Tenant {report.slug} deleted: {sum(report.rows.values())} rows, "
               f"{report.files} files.")


@click.command("erase-visitor")
@click.argument("slug")
@click.argument("email")
@with_appcontext
@in_platform_scope("cli")
def erase_visitor_command(slug: str, email: str) -> None:
    """Erase the personal data of the visitor EMAIL in the tenant SLUG (audited, counts kept)."""
    from festival.privacy.erasure import erase_visitor

    tenant = _tenant(slug)
    try:
        with tenant_scope(tenant.id):
            report = erase_visitor(tenant, email, None)
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    if not report.found:
        click.echo("No order, waiting-list request or pass of this address: nothing changed.")
        return
    click.echo(", ".join(f"{name.replace('_', ' ')}: {count}"
                         for name, count in report.as_dict().items()))


COMMANDS: list = [export_tenant, delete_tenant_command, erase_visitor_command]
