"""Lantern: the Global Lantern Festival platform."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from festival.config import from_os_environ

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The application factory: configures and wires the app, does no other work."""
    app = Flask(__name__, instance_path=os.environ.get("LANTERN_INSTANCE_PATH") or
                str(PROJECT_ROOT / "instance"))
    app.config.update(from_os_environ(app.instance_path))
    app.config["TRANSLATIONS_PATH"] = str(PROJECT_ROOT / "translations")
    app.config["MIGRATIONS_PATH"] = str(PROJECT_ROOT / "migrations")
    app.config.update(overrides or {})

    from festival.app_setup import register_everything

    register_everything(app)
    return app
