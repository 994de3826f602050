"""Absolute links for mail: the request's host inside a request, BASE_URL outside one (a
periodic job, a command), the local server when neither is set."""

from __future__ import annotations

from festival.core.urls import LOCAL_BASE_URL, external_url


def test_links_start_with_the_requests_host_inside_a_request(app):
    with app.test_request_context(base_url="https://tickets.example.org"):
        assert external_url("storefront.order_page", tenant_slug="paris", secret="s" * 20) \
            == f"https://tickets.example.org/paris/o/{'s' * 20}"


def test_links_start_with_base_url_outside_a_request(app, monkeypatch):
    with app.app_context():
        monkeypatch.setitem(app.config, "BASE_URL", "https://lantern.example.com")
        assert external_url("storefront.pass_page", tenant_slug="paris", pass_token="t" * 20) \
            == f"https://lantern.example.com/paris/pass/{'t' * 20}"
        monkeypatch.setitem(app.config, "BASE_URL", "")
        assert external_url("storefront.index", tenant_slug="paris") == f"{LOCAL_BASE_URL}/paris/"
