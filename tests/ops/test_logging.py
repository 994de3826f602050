"""Structured logs: one JSON line per request with its id, tenant and user; never a secret."""

from __future__ import annotations

import json
import logging
import re
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import OperationalError

from festival.config import ConfigError, load_config
from festival.core.db import db
from festival.ops.logging import configure_logging
from tests.api.conftest import make_token, order_body
from tests.ticketing.world import build_sales_world


@pytest.fixture
def json_logs(app, capsys):
    """The JSON lines written to stderr so far, parsed (the app logs as in production)."""
    configure_logging("json", "INFO")
    capsys.readouterr()

    def read() -> list[dict]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]

    yield read
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "festival.request"]


def test_a_request_is_one_json_line_with_its_id_status_and_duration(client, json_logs):
    response = client.get("/healthz")
    line, = request_lines(json_logs())
    assert line["message"] == "request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])  # UTC
    assert "tenant" not in line and "user" not in line  # nobody known


def test_a_portal_page_is_logged_with_its_tenant_and_user(factory, make_client, json_logs):
    tenant = factory.tenant("houston")
    user = factory.member(SimpleNamespace(kind="tenant", id=tenant.id), "lee@houston.example",
                          "manager")
    client = make_client()
    client.login("lee@houston.example")
    json_logs()
    assert client.get("/houston/manage/").status_code == 200
    line, = request_lines(json_logs())
    assert (line["path"], line["status"], line["tenant"], line["user"]) == \
        ("/houston/manage/", 200, "houston", user.id)


def test_an_api_order_is_logged_with_the_token_s_tenant(app, factory, json_logs):
    world = build_sales_world(app, factory, "paris")
    token = make_token(app, world.tenant_id)
    json_logs()
    response = app.test_client().post("/api/v1/orders", json=order_body(world), headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert response.status_code == 201, response.get_data(as_text=True)
    line, = request_lines(json_logs())
    assert (line["method"], line["path"], line["status"], line["tenant"]) == \
        ("POST", "/api/v1/orders", 201, "paris")
    assert "user" not in line and token not in json.dumps(line)


def test_a_valid_request_id_is_reused_and_echoed_an_invalid_one_replaced(client, json_logs):
    reused = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.01_x"})
    assert reused.headers["X-Request-ID"] == "lb-7f3a.01_x"
    for bad in ("has space", "x" * 65, "semi;colon", ""):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])
    ids = [line["request_id"] for line in request_lines(json_logs())]
    assert ids[0] == "lb-7f3a.01_x" and len(set(ids)) == 5


def test_every_record_logged_inside_a_request_carries_its_id(app, json_logs):
    with app.test_request_context("/houston/manage/?q=1", headers={"X-Request-ID": "abc-1"}):
        logging.getLogger("festival.mail").warning("mail to %s refused", "x@example.org")
    line, = json_logs()
    assert (line["logger"], line["level"], line["message"]) == \
        ("festival.mail", "WARNING", "mail to x@example.org refused")
    assert (line["request_id"], line["path"], line["method"]) == ("abc-1", "/houston/manage/", "GET")


def test_no_authorization_cookie_query_value_or_secret_url_part_is_logged(client, json_logs):
    client.set_cookie("session", "cookie-value-4242")
    client.get("/healthz?token=query-token-1234&secret=query-secret-5678",
               headers={"Authorization": "Bearer lt_abcd_authorization-9999"})
    client.get("/account/password/reset/reset-token-31337")
    client.get("/paris/o/order-secret-27182")
    lines = request_lines(json_logs())
    written = json.dumps(lines)
    for secret in ("cookie-value-4242", "query-token-1234", "query-secret-5678",
                   "authorization-9999", "reset-token-31337", "order-secret-27182"):
        assert secret not in written
    assert [line["path"] for line in lines] == [
        "/healthz", "/account/password/reset/[redacted]", "/paris/o/[redacted]"]


def test_a_not_found_is_logged_with_its_status(client, json_logs):
    assert client.get("/no-such-tenant/").status_code == 404
    line, = request_lines(json_logs())
    assert (line["path"], line["status"]) == ("/no-such-tenant/", 404)


def test_the_text_format_keeps_the_console_readable(client, capsys):
    # The tests run as development does: text lines, the request fields as key=value.
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "console-1"})
    err = capsys.readouterr().err
    assert re.search(r"INFO festival\.request: request request_id=console-1 method=GET "
                     r"path=/healthz status=200 duration_ms=[\d.]+$", err, re.M), err


def test_log_format_and_level_come_from_the_environment(tmp_path):
    production = {"LANTERN_ENV": "production", "SECRET_KEY": "x" * 48}
    assert load_config(production, tmp_path)["LOG_FORMAT"] == "json"
    development = load_config({"LANTERN_ENV": "development"}, tmp_path)
    assert (development["LOG_FORMAT"], development["LOG_LEVEL"]) == ("text", "INFO")
    chosen = load_config({**production, "LOG_FORMAT": "TEXT", "LOG_LEVEL": "warning"}, tmp_path)
    assert (chosen["LOG_FORMAT"], chosen["LOG_LEVEL"]) == ("text", "WARNING")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_config({**production, "LOG_FORMAT": "xml"}, tmp_path)
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        load_config({**production, "LOG_LEVEL": "loud"}, tmp_path)


def test_a_commit_that_fails_is_logged_once_as_the_error_it_became(client, json_logs, monkeypatch):
    def lost_connection():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", lost_connection)
    with pytest.raises(OperationalError):  # the tests propagate exceptions instead of a 500 page
        client.get("/healthz")
    line, = request_lines(json_logs())
    assert (line["path"], line["status"]) == ("/healthz", 500)


def test_pdf_libraries_do_not_narrate_each_page(app):
    """WeasyPrint logs every layout step of every page at INFO: kept to warnings."""
    import logging

    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
    assert logging.getLogger("festival.request").isEnabledFor(logging.INFO)
