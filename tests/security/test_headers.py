"""Security headers on every page: the Content Security Policy, frame, referrer, permissions and
opener policies always; HSTS only over HTTPS, seen directly or through a trusted reverse proxy."""

from __future__ import annotations

import pytest
from flask import request

from festival import create_app
from festival.core.db import db
from tests.conftest import APP_URL, OWNER_URL

HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
def proxied_app(app):
    """A second app on the same database, told that one reverse proxy (nginx) stands in front."""
    proxied = create_app({"SQLALCHEMY_DATABASE_URI": APP_URL, "MIGRATION_DATABASE_URL": OWNER_URL,
                          "MAIL_SERVER": "", "SERVER_NAME": None,
                          "RATELIMIT_STORAGE_URI": "memory://", "PROXY_FIX_HOPS": 1})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def directives(policy: str) -> dict[str, list[str]]:
    """``"script-src 'self'; img-src data:"`` as ``{"script-src": ["'self'"], ...}``."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_every_page_carries_the_policies(client):
    response = client.get("/login")
    assert response.status_code == 200
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == "camera=(self), geolocation=(), microphone=()"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = directives(headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def test_plain_http_gets_no_hsts(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_https_gets_hsts(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app):
    """A client cannot claim HTTPS or another address with its own X-Forwarded-* headers."""
    with app.test_client() as http:
        response = http.get("/login", headers={"X-Forwarded-Proto": "https",
                                               "X-Forwarded-For": "203.0.113.7"})
        assert (request.scheme, request.remote_addr) == ("http", "127.0.0.1")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_behind_one_trusted_proxy_its_scheme_and_client_address_count(proxied_app):
    with proxied_app.test_client() as http:
        response = http.get("/login", headers={"X-Forwarded-Proto": "https",
                                               "X-Forwarded-For": "203.0.113.7"})
        # Rate limits and the audit log see the visitor, not nginx.
        assert (request.scheme, request.remote_addr) == ("https", "203.0.113.7")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == HSTS

    with proxied_app.test_client() as http:
        response = http.get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in response.headers


def test_behind_one_proxy_only_the_address_it_added_is_trusted(proxied_app):
    """nginx appends the peer's address; whatever the client put before it is not believed."""
    with proxied_app.test_client() as http:
        http.get("/login", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
        assert request.remote_addr == "203.0.113.7"
