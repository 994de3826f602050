"""The ``festival`` command line: Flask's CLI bound to the app factory, plus operator commands."""

from __future__ import annotations

import os
import subprocess  # nosec B404  # only compile-translations uses it, with fixed arguments
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from festival.core.db import db
from festival.core.scope import in_platform_scope


def _create_app():
    from festival import create_app
    from festival.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:  # a clear line, not a traceback, for a missing setting
        raise click.ClickException(str(error)) from error


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Lantern operator commands (festival --help)."""


def register_commands(app: Flask) -> None:
    for command in (create_operator, seed_demo, demo, compile_translations, create_app_role,
                    expire_holds, purge_idempotency_keys, remind_visitor_reports):
        app.cli.add_command(command)
    # Domains keep their periodic commands beside their services (a COMMANDS list each).
    import importlib

    for module in DOMAIN_COMMAND_MODULES:
        for command in importlib.import_module(module).COMMANDS:
            app.cli.add_command(command)


DOMAIN_COMMAND_MODULES = ("festival.booking.commands", "festival.contracts.commands",
                          "festival.shipping.commands", "festival.closures.commands",
                          "festival.waitlist.commands", "festival.passes.commands",
                          "festival.groups.commands", "festival.exposure.commands",
                          "festival.jobs.commands", "festival.privacy.commands",
                          "festival.core.storage_commands", "festival.ops.nginx")


@click.command("create-operator")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="The operator's password (asked for when not given).")
@click.option("--name", default="", help="The operator's name.")
@with_appcontext
@in_platform_scope("cli")
def create_operator(email: str, password: str, name: str) -> None:
    """Create a base operator who can sign in to the base console."""
    from festival.accounts.services import create_user
    from festival.core.errors import DomainError

    try:
        user = create_user(email, name=name, password=password, is_base_operator=True)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Base operator {user.email} created.")


@click.command("expire-holds")
@with_appcontext
@in_platform_scope("job")
def expire_holds() -> None:
    """Expire unpaid orders past their hold and return their places (idempotent; run every minute).

    Sales also release expired holds lazily, so a missed run never blocks a sale."""
    from festival.core.db import db
    from festival.ticketing.orders import release_expired_holds

    released = release_expired_holds()
    db.session.commit()
    click.echo(f"{released} expired hold(s) released.")


@click.command("purge-idempotency-keys")
@click.option("--older-than-hours", default=24, show_default=True, type=click.IntRange(min=1),
              help="Keep the stored API answers of this many recent hours.")
@with_appcontext
@in_platform_scope("job")
def purge_idempotency_keys(older_than_hours: int) -> None:
    """Forget the stored answers of old Idempotency-Keys (idempotent; run daily)."""
    from datetime import timedelta

    from festival.api.idempotency import purge_records
    from festival.core.db import db

    purged = purge_records(timedelta(hours=older_than_hours))
    db.session.commit()
    click.echo(f"{purged} stored API answer(s) older than {older_than_hours} h removed.")


@click.command("remind-visitor-reports")
@click.option("--hours", type=click.IntRange(min=0), default=None,
              help="Remind nights that closed this many hours ago "
                   "(default: VISITOR_REPORT_REMINDER_HOURS).")
@with_appcontext
@in_platform_scope("job")
def remind_visitor_reports(hours: int | None) -> None:
    """Email owners and managers about missing visitor reports (idempotent; run hourly)."""
    from festival.reporting.reminders import send_reminders

    reminded = send_reminders(hours=hours)
    db.session.commit()
    click.echo(f"{reminded} missing visitor report(s) reminded.")


@click.command("seed-demo")
@with_appcontext
@in_platform_scope("cli")
def seed_demo() -> None:
    """Fill an empty database with the demo tenants, suppliers and logins."""
    from festival.demo import seed

    if seed():
        click.echo("Demo data created.")
    else:
        click.echo("The database holds data already; nothing seeded.")


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and stop.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create or upgrade the database, seed demo data if empty, serve, print URL and logins."""
    from flask_migrate import upgrade

    from festival.demo import DEMO_LOGINS, DEMO_PASSWORD, seed

    upgrade(directory=current_app.extensions["migrate"].directory)
    seed()
    url = f"http://{host}:{port}/"
    click.echo("\n  Lantern is running at " + url)
    click.echo(f"  Every demo login uses the password: {DEMO_PASSWORD}")
    for role, email in DEMO_LOGINS:
        click.echo(f"    {role:<32} {email}")
    click.echo("  Mail is written to " + current_app.config["MAIL_OUTBOX"] + "\n")
    sys.stdout.flush()
    if not no_serve:
        from werkzeug.serving import run_simple

        run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command("compile-translations")
def compile_translations() -> None:
    """Compile the message catalogs under translations/ (run at install and deploy time)."""
    from festival import PROJECT_ROOT

    root = Path(PROJECT_ROOT) / "translations"
    result = subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, our own interpreter
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(root),
         "--statistics"], capture_output=True, text=True, check=False)
    click.echo(result.stdout + result.stderr)
    if result.returncode != 0:
        raise click.ClickException("the catalogs did not compile")


@click.command("create-app-role")
@click.argument("role")
@click.option("--password", default=lambda: os.environ.get("APP_ROLE_PASSWORD", ""),
              help="Password of the role (APP_ROLE_PASSWORD).")
@with_appcontext
def create_app_role(role: str, password: str) -> None:
    """On PostgreSQL, create (or update) the non-owner role the app runs as, so RLS applies."""
    from festival.core.roles import ensure_app_role

    engine = db.create_engine(current_app.config["MIGRATION_DATABASE_URL"])
    try:
        ensure_app_role(engine, role, password or None)
    finally:
        engine.dispose()
    click.echo(f"Application role {role} is ready.")
