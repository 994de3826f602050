"""Flask extensions, created once and bound to the app in the factory."""

from __future__ import annotations

import hashlib

from flask import current_app, request
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


def client_key() -> str:
    """Throttle a machine per credential: its bearer token (hashed; the limiter runs before the
    token is checked), else the signed-in person, else its address."""
    from flask_login import current_user

    header = request.headers.get("Authorization")
    if header:
        return "bearer:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def configured_limit(name: str):
    """A limit read from the config at request time (so tests and deployments can change it)."""
    return lambda: current_app.config[name]


order_api_limit = limiter.shared_limit(configured_limit("ORDER_API_RATE_LIMIT"), scope="order-api",
                                       key_func=client_key)
checkin_limit = limiter.shared_limit(configured_limit("CHECKIN_RATE_LIMIT"), scope="checkin",
                                     key_func=client_key)
