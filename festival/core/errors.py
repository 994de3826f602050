"""Domain errors carry a translated message; one handler turns them and HTTP errors into pages."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the request; the message is shown to the person."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Authentication required"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This conflicts with the current state"),
    413: _l("The upload is too large"),
    415: _l("This type of file is not accepted"),
    422: _l("The request could not be processed"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is briefly unavailable"),
}

ERROR_HINTS = {
    403: _l("If you think you should have access, ask the owner of your organisation."),
    404: _l("Check the address, or start again from the home page."),
    413: _l("Choose a smaller file and try again."),
    429: _l("Please wait a minute and try again."),
    500: _l("The problem has been logged. Please try again in a moment."),
    503: _l("Please try again in a moment."),
}


def _wants_json() -> bool:
    # The gate scanner's JSON calls get JSON answers too (a throttled scan, say).
    return (request.path.startswith("/api/") or request.path.startswith("/webhooks/")
            or request.is_json)


def render_error(status: int, message: str | None = None):
    title = str(ERROR_TITLES.get(status, ERROR_TITLES[400]))
    detail = message or str(ERROR_HINTS.get(status, ""))
    if _wants_json():
        return jsonify(error={"status": status, "title": title, "message": detail}), status
    return render_template("error.html", status=status, title=title, message=detail), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        from festival.core.db import db

        db.session.rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status == 429:
            return render_error(429)
        return render_error(status)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        from festival.core.db import db

        app.logger.error("database unavailable: %s", error)
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        from festival.core.db import db

        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
