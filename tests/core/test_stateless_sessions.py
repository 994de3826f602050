"""Sessions and CSRF tokens are signed cookies: a person signed in through one web instance is
signed in on every other instance sharing the SECRET_KEY, and a form shown by one is accepted by
another. An instance with another key trusts none of it."""

from __future__ import annotations

import re
import secrets

from tests.conftest import Client
from tests.core.instances import another_instance
from tests.security.conftest import text_of

OWNER = "owner@houston.example"
PASSWORD = "correct-horse-battery"


def _move_cookies(source: Client, target: Client) -> None:
    """What a load balancer does without sticky sessions: the browser's next request goes to
    another instance, carrying the same cookies."""
    for name in ("session", "remember_token"):
        cookie = source.http.get_cookie(name)
        if cookie is not None:
            target.http.set_cookie(name, cookie.value)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_signed_in_on_one_instance_is_signed_in_on_another(app, factory):
    factory.member(factory.tenant("houston"), OWNER, "owner")
    with another_instance(app) as other:
        first, second = Client(app.test_client()), Client(other.test_client())
        # The sign-in form comes from the first instance, the answer goes to the second.
        token = _csrf(first.get("/login").get_data(as_text=True))
        _move_cookies(first, second)
        signed_in = second.post("/login", data={"email": OWNER, "password": PASSWORD,
                                                "csrf_token": token})
        assert signed_in.status_code == 302
        # The next page comes from the first instance again: still signed in.
        _move_cookies(second, first)
        portal = first.get("/houston/manage/", headers={"Accept-Language": "en"})
        assert portal.status_code == 200 and "Houston Lantern Festival" in text_of(portal)
        # A form of the second instance posts to the first one: signing out works.
        _move_cookies(first, second)
        token = _csrf(second.get("/account/").get_data(as_text=True))
        _move_cookies(second, first)
        assert first.post("/logout", data={"csrf_token": token}).status_code == 302
        assert first.get("/houston/manage/").status_code == 302  # to the sign-in page


def test_an_instance_with_another_secret_key_trusts_no_cookie(app, factory):
    factory.member(factory.tenant("houston"), OWNER, "owner")
    signed_in = Client(app.test_client())
    signed_in.login(OWNER)
    token = _csrf(signed_in.get("/account/").get_data(as_text=True))
    with another_instance(app, SECRET_KEY=secrets.token_hex(32)) as stranger:
        elsewhere = Client(stranger.test_client())
        _move_cookies(signed_in, elsewhere)
        portal = elsewhere.get("/houston/manage/")
        assert portal.status_code == 302 and "/login" in portal.headers["Location"]
        refused = elsewhere.post("/logout", data={"csrf_token": token})
        assert refused.status_code == 400
