"""``festival copy-files-to-database``: the files of the folder store into the database store,
before a deployment switches to ``STORAGE_BACKEND=database`` (the keys stay the same)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from festival.core import stored_files
from festival.core.db import db
from festival.core.scope import in_platform_scope

# Files are held in memory until their batch commits: a few MB each at most.
BATCH = 50


@click.command("copy-files-to-database")
@with_appcontext
@in_platform_scope("cli")
def copy_files_to_database() -> None:
    """Copy every file under STORAGE_PATH into the stored_file table; idempotent (a file already
    there is left alone), so it can run again after files were added meanwhile."""
    root = Path(current_app.config["STORAGE_PATH"])
    paths = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
    copied = 0
    for path in paths:
        key = path.relative_to(root).as_posix()
        if not stored_files.has(key):
            stored_files.add(key, path.read_bytes())
            copied += 1
            if copied % BATCH == 0:
                db.session.commit()
    db.session.commit()
    click.echo(f"{copied} files copied, {len(paths) - copied} already in the database.")


COMMANDS = [copy_files_to_database]
