"""Configuration read from the environment, with the embedded default (SQLite under instance/)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ENVIRONMENTS = ("production", "development", "testing")
_MIN_SECRET_LENGTH = 32
LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
STORAGE_BACKENDS = ("folder", "database")


class ConfigError(RuntimeError):
    """The environment does not describe a configuration we can start with."""


def normalize_database_url(url: str) -> str:
    """Accept URLs as users write them (``postgresql://u@h/db``) and pick the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}.")
    return value


def _secret_key(env: Mapping[str, str], environment: str, instance_path: Path) -> str:
    key = env.get("SECRET_KEY", "")
    if environment == "production":
        if len(key) < _MIN_SECRET_LENGTH or key in ("change-me", "dev", "secret"):
            raise ConfigError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        return key
    if key:
        return key
    # Development and demo: one generated key kept in instance/ so sessions survive restarts.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _logging(env: Mapping[str, str], environment: str) -> dict[str, str]:
    # JSON lines for log collectors in production; readable lines on a developer's console.
    log_format = env.get("LOG_FORMAT", "json" if environment == "production" else "text").lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
    level = env.get("LOG_LEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")
    return {"LOG_FORMAT": log_format, "LOG_LEVEL": level}


def load_config(env: Mapping[str, str], instance_path: str | Path) -> dict[str, Any]:
    """Build the Flask configuration from environment variables."""
    instance_path = Path(instance_path)
    environment = env.get("LANTERN_ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"LANTERN_ENV must be one of {', '.join(ENVIRONMENTS)}.")
    production = environment == "production"
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'lantern.db'}"
    migration_url = env.get("MIGRATION_DATABASE_URL") or database_url
    redis_url = env.get("REDIS_URL", "")
    config: dict[str, Any] = {
        "LANTERN_ENV": environment,
        "TESTING": environment == "testing",
        "SECRET_KEY": _secret_key(env, environment, instance_path),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(database_url),
        "MIGRATION_DATABASE_URL": normalize_database_url(migration_url),
        "REDIS_URL": redis_url,
        "JOB_QUEUE": env.get("JOB_QUEUE", "lantern"),
        "BASE_URL": env.get("BASE_URL", "").rstrip("/"),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
        "PROXY_FIX_HOPS": int(env.get("PROXY_FIX_HOPS", "0")),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Sessions and CSRF are signed cookies, so any web worker can serve any request.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env, "MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag(env, "MAIL_USE_SSL"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Lantern <no-reply@lantern.invalid>"),
        "MAIL_OUTBOX": env.get("MAIL_OUTBOX", str(instance_path / "outbox")),
        # `festival deliver-mail` leaves outbox rows younger than this to the queue's worker.
        "MAIL_SWEEP_GRACE_SECONDS": int(env.get("MAIL_SWEEP_GRACE_SECONDS", "30")),
        # An outbox row claimed longer ago than this belongs to a worker that died mid-send:
        # the sweep (or a retried job) sends it again. Longer than any SMTP transaction.
        "MAIL_STALE_CLAIM_SECONDS": int(env.get("MAIL_STALE_CLAIM_SECONDS", "600")),
        # `festival run-exports` leaves queued exports younger than this to the queue's worker.
        "EXPORT_SWEEP_GRACE_SECONDS": int(env.get("EXPORT_SWEEP_GRACE_SECONDS", "60")),
        # An export claimed longer ago than this belongs to a worker that died mid-render: the
        # sweep (or a retried job) renders it again. Longer than the slowest export takes.
        "EXPORT_STALE_CLAIM_SECONDS": int(env.get("EXPORT_STALE_CLAIM_SECONDS", "900")),
        "STORAGE_PATH": env.get("STORAGE_PATH", str(instance_path / "files")),
        # folder: files under STORAGE_PATH (one machine); database: rows of stored_file, seen by
        # every web instance and worker without a shared disk (festival.core.storage).
        "STORAGE_BACKEND": _choice(env, "STORAGE_BACKEND", STORAGE_BACKENDS, "folder"),
        # Keys of the caches shared in Redis start with this (one per deployment sharing a Redis).
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "lantern"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        # How long a pending order holds its places while the visitor pays.
        "ORDER_HOLD_MINUTES": int(env.get("ORDER_HOLD_MINUTES", "15")),
        # How long places freed for a waiting group stay held for it (festival.waitlist).
        "WAITLIST_HOLD_MINUTES": int(env.get("WAITLIST_HOLD_MINUTES", "120")),
        # A night's missing visitor report is reminded this many hours after the night closed.
        "VISITOR_REPORT_REMINDER_HOURS": int(env.get("VISITOR_REPORT_REMINDER_HOURS", "10")),
        # Anonymous exhibition pages are kept this many seconds per worker (0: off).
        "STOREFRONT_PAGE_CACHE_SECONDS": int(env.get("STOREFRONT_PAGE_CACHE_SECONDS",
                                                     "0" if environment == "testing" else "5")),
        # A worker remembers a checked API token this many seconds (0: off), so a revocation or a
        # suspension reaches the other workers within that time.
        "API_TOKEN_CACHE_SECONDS": int(env.get("API_TOKEN_CACHE_SECONDS",
                                               "0" if environment == "testing" else "5")),
        "CHECKOUT_RATE_LIMIT": env.get("CHECKOUT_RATE_LIMIT", "30 per minute"),
        # Per API token (or signed-in gate user): far above what a box office or a gate scans,
        # far below what a runaway script sends.
        "ORDER_API_RATE_LIMIT": env.get("ORDER_API_RATE_LIMIT", "120 per minute"),
        "CHECKIN_RATE_LIMIT": env.get("CHECKIN_RATE_LIMIT", "600 per minute"),
        "INVITATION_DAYS": int(env.get("INVITATION_DAYS", "7")),
        "PASSWORD_RESET_SECONDS": int(env.get("PASSWORD_RESET_SECONDS", str(60 * 60))),
        "BASE_TIMEZONE": "Asia/Shanghai",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        # /metrics answers only a request bearing this token; unset, it is a 404.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        **_logging(env, environment),
    }
    return config


def from_os_environ(instance_path: str | Path) -> dict[str, Any]:
    """The configuration of this process."""
    return load_config(os.environ, instance_path)
