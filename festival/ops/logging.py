"""Logs: every record one line on stderr, JSON for log collectors or text for a console.

Inside a request each record carries the request id (``X-Request-ID``: the caller's if well
formed, else a new one), the method, the path without its query string and with secret URL
parts redacted, and the tenant and user once they are known. Never logged: headers (so no
Authorization, no cookies) and query strings (tokens travel there).
"""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect

from festival.accounts.models import User
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# URL parts that are credentials in themselves: reset and invitation tokens, an order's secret.
_SECRET_ARG = re.compile(r"token|secret|password|key|signature", re.IGNORECASE)
REDACTED = "[redacted]"
# The request context fields, in the order the text format shows them.
CONTEXT_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "tenant", "supplier",
                  "user")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the moment (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass  # always the current sys.stderr


class _TextFormatter(logging.Formatter):
    """A console line: time, level, logger, message, then the request fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS
                          if getattr(record, name, None) is not None)
        return f"{line} {fields}" if fields else line


def _json_formatter() -> JsonFormatter:
    return JsonFormatter(["levelname", "name", "message"], timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"})


def request_id() -> str:
    """This request's id: the caller's ``X-Request-ID`` when well formed, else a new one."""
    current = g.get("request_id")
    if current is None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        current = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_id = current
    return current


def loggable_path() -> str:
    """The request's path, no query string, secret URL parts (reset tokens...) redacted."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and value and _SECRET_ARG.search(name):
            path = path.replace(value, REDACTED)
    return path


def _loaded(obj, attribute: str):
    """An attribute of a mapped object as already loaded, or None: a log line never queries."""
    state = inspect(obj, raiseerr=False)
    if state is None:
        return None
    if attribute == "id":
        return state.identity[0] if state.identity else None
    return state.dict.get(attribute)


def who() -> dict[str, object]:
    """The tenant, supplier and user of this request as far as they are known (no queries)."""
    org = g.get("api_tenant") or g.get("org")
    user = g.get("_login_user")  # Flask-Login's user, only if this request already loaded it
    return {
        "tenant": _loaded(org, "slug") if isinstance(org, Tenant) else None,
        "supplier": _loaded(org, "slug") if isinstance(org, Supplier) else None,
        # isinstance, not is_authenticated: that reads a column, a query once the commit expired it.
        "user": _loaded(user, "id") if isinstance(user, User) else None,
    }


class RequestContextFilter(logging.Filter):
    """Adds the request's id, method, path, tenant and user to every record logged in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
            record.method = request.method
            record.path = loggable_path()
            # Taken before the commit expired the objects, else read now without loading.
            for name, value in (g.get("log_who") or who()).items():
                if value is not None and getattr(record, name, None) is None:
                    setattr(record, name, value)
        return True


QUIET_LIBRARIES = ("weasyprint", "fontTools", "PIL")


def configure_logging(log_format: str, level: str) -> None:
    """Send every record (root logger) to stderr, one line each, in ``log_format``."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)  # a second app in one process (tests) replaces the first's
    handler = _StderrHandler()
    handler.setFormatter(_json_formatter() if log_format == "json" else _TextFormatter())
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that narrate their work at INFO (WeasyPrint logs every page of every PDF): their
    # warnings still come through, their progress would cost time on each document.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def init_logging(app: Flask) -> None:
    """Logging as the app's configuration says (LOG_FORMAT, LOG_LEVEL)."""
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.logger.removeHandler(default_handler)  # the root handler has it; no second line
