"""A POST without a valid CSRF token is refused with the "form expired" message; nothing is written."""

from __future__ import annotations

import pytest

from tests.security.conftest import (
    OPERATOR_EMAIL,
    Org,
    changed_tables,
    signed_in,
    tenant_settings_body,
    text_of,
)

FORM_EXPIRED = "Your form expired or was sent from elsewhere. Reload the page and try again."

POSTS = {
    "sign-in": (None, "/login", {"email": "owner@houston.example",
                                 "password": "correct-horse-battery"}),
    "new tenant": ("operator", "/base/tenants/new", {
        **tenant_settings_body(name="Paris Lantern Festival"), "slug": "paris",
        "owner_email": "claire@paris.example"}),
    "team invite": ("owner", "/houston/manage/team/invite",
                    {"email": "gate@houston.example", "role": "gate"}),
}


@pytest.fixture
def people(builder, factory):
    houston = Org("tenant", factory.tenant("houston").id, "houston", "Houston Lantern Festival")
    builder.member(houston, "owner", "owner@houston.example")
    builder.operator()


@pytest.mark.parametrize("token", ["missing", "forged", "from another session"])
@pytest.mark.parametrize("name", list(POSTS))
def test_post_without_a_valid_csrf_token_is_refused(name, token, people, make_client, snapshot):
    who, path, body = POSTS[name]
    emails = {"operator": OPERATOR_EMAIL, "owner": "owner@houston.example"}
    client = signed_in(make_client, emails[who]) if who else make_client()
    client.csrf("/account/" if who else "/login")  # the session holds a token of its own
    data = dict(body)
    if token == "forged":
        data["csrf_token"] = "IjAxMjM0NTY3ODlhYmNkZWYi.ZZZZZZ.forged-signature"
    elif token == "from another session":
        data["csrf_token"] = make_client().csrf("/login")
    before = snapshot()
    response = client.http.post(path, data=data)
    assert response.status_code == 400, text_of(response)[:500]
    assert FORM_EXPIRED in text_of(response)
    assert changed_tables(before, snapshot()) == []
