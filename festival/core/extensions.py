"""Flask extensions, created once and bound to the app in the factory."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
# Shared through Redis when REDIS_URL is set; falls back to memory when Redis is down.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_attempt_key() -> str:
    """Throttle sign-in per account as well as per address."""
    return (request.form.get("email") or "").strip().lower() or get_remote_address()
