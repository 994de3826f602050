"""Domain errors carry a translated message; one handler turns them and HTTP errors into pages."""

from __future__ import annotations

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from psycopg import OperationalError as DriverOperationalError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the request; the message is shown to the person."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


def refusal(messages: dict, key: str, status: int = 400, **values) -> DomainError:
    """The refusal ``messages[key]`` (a lazy translation, with %-placeholders filled from
    ``values``) in the reader's language: what each service's ``_fail`` raises."""
    message = str(messages[key])
    return DomainError(message % values if values else message, status)


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


# While the database restarts or fails over (seconds), clients, proxies and Stripe are asked to
# come back after this many seconds.
RETRY_AFTER_SECONDS = 5


def is_database_outage(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached: down, restarting, connection cut."""
    if isinstance(error, OperationalError | DriverOperationalError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _locale_without_database() -> str:
    # The signed-in person's preferred language lives in the database, which is away: the cookie
    # and the browser's languages decide (a locale chosen earlier in the request still wins).
    from festival.core.i18n import LOCALE_COOKIE, LOCALES, negotiate_locale

    return negotiate_locale(request.cookies.get(LOCALE_COOKIE), None,
                            [tag for tag, _quality in request.accept_languages],
                            g.get("offered_locales") or LOCALES, g.get("default_locale") or "en")


def render_database_outage(app: Flask, error: BaseException):
    """A 503 that says to try again shortly, rendered without a single query: the usual layout
    reads the signed-in person and the tenant, whose rows are out of reach (and expired by the
    rollback)."""
    from festival.core.db import db

    app.logger.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        app.logger.warning("rollback failed while the database is unavailable", exc_info=True)
    g.setdefault("forced_locale", _locale_without_database())
    title, detail = str(ERROR_TITLES[503]), str(ERROR_HINTS[503])
    if _wants_json():
        response = jsonify(error={"status": 503, "title": title, "message": detail})
    else:
        # Straight from the environment, past the context processors: Flask-Login's would load
        # the signed-in person from the database to offer `current_user`.
        page = app.jinja_env.get_template("unavailable.html").render(title=title, message=detail)
        response = make_response(page)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
        # A failure after the view (the request's commit, say) reaches us as a 500 wrapping it.
        original = getattr(error, "original_exception", None)
        if is_database_outage(original):
            return render_database_outage(app, original)
        status = error.code or 500
        if status == 429:
            return render_error(429)
        return render_error(status)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(DriverOperationalError)
    def database_error(error: Exception):
        if is_database_outage(error):
            return render_database_outage(app, error)
        return unexpected_error(error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        from festival.core.db import db

        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
