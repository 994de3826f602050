"""Bad input gets a clear message and a 4xx, never a 500, and writes nothing at all.

Each case names who sends it, what, the status and the message the person reads (under the
field when ``field`` is given, else anywhere on the page); every table is compared before and
after the request.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from festival.accounts import team
from festival.accounts.models import TenantInvitation
from festival.accounts.services import find_user_by_email, make_password_reset_token
from festival.core.db import db, utcnow
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant
from tests.security.conftest import (
    OPERATOR_EMAIL,
    Builder,
    Org,
    changed_tables,
    field_error,
    signed_in,
    supplier_profile_body,
    tenant_settings_body,
    text_of,
    tiny_png,
)

NOT_HERE = "There is nothing at this address."
PAGE_NOT_FOUND = "Page not found"
NOT_UNDERSTOOD = "The request could not be understood"
NOT_A_CHOICE = "Choose one of the options offered."
REQUIRED = "This field is required."
BAD_EMAIL = "Enter a valid email address."
RESERVED = "This address is reserved. Choose another."
TAKEN = "This address is taken. Choose another."
LAST_OWNER = "An organisation needs at least one owner."
RESET_INVALID = "This password reset link is not valid. Ask for a new one."
INVITATION_INVALID = "This invitation link is not valid. Ask for a new invitation."
SETTINGS = "/houston/manage/settings"
TEAM = "/houston/manage/team"
PROFILE = "/s/huacai/profile"
GOOD_PASSWORD = "lanterns-over-the-river"


def new_tenant(**changes) -> dict:
    return {**tenant_settings_body(name="Paris Lantern Festival"), "slug": "paris",
            "owner_email": "claire@paris.example", **changes}


def new_supplier(**changes) -> dict:
    return {**supplier_profile_body(), "slug": "caideng", "owner_email": "li@caideng.example",
            **changes}


@dataclass
class Case:
    who: str  # owner (of houston), supplier (owner of huacai), operator, visitor
    method: str
    path: str  # may name {owner_member}, {gate_member}, {invitation}, {reset}, {welcome}
    status: int
    message: str
    field: str | None = None  # the form field the message is shown under
    body: dict = dataclasses.field(default_factory=dict)
    token_from: str | None = None  # the page whose CSRF token the POST carries
    multipart: bool = False


CASES = {
    # unknown organisations and malformed ids
    "unknown tenant slug": Case("owner", "GET", "/nowhere/manage/", 404, NOT_HERE),
    "unknown tenant storefront": Case("visitor", "GET", "/nowhere/", 404, NOT_HERE),
    "unknown tenant slug, POST": Case("owner", "POST", "/nowhere/manage/team/invite", 404,
                                      NOT_HERE, body={"email": "a@b.example", "role": "gate"},
                                      token_from=TEAM),
    "unknown supplier slug": Case("supplier", "GET", "/s/nowhere/", 404, NOT_HERE),
    "unknown supplier slug, POST": Case("supplier", "POST", "/s/nowhere/profile", 404, NOT_HERE,
                                        body=supplier_profile_body(), token_from=PROFILE),
    "slug with a NUL byte": Case("owner", "GET", "/hous%00ton/manage/", 404, NOT_HERE),
    "slug in capitals": Case("owner", "GET", "/HOUSTON/manage/", 404, NOT_HERE),
    "tenant id not a number": Case("operator", "GET", "/base/tenants/abc", 404, PAGE_NOT_FOUND),
    "tenant id zero": Case("operator", "GET", "/base/tenants/0", 404, PAGE_NOT_FOUND),
    "tenant id negative": Case("operator", "GET", "/base/tenants/-1", 404, PAGE_NOT_FOUND),
    "tenant id too large": Case("operator", "GET", "/base/tenants/99999999999999999999", 404,
                                PAGE_NOT_FOUND),
    "tenant id unknown": Case("operator", "GET", "/base/tenants/2147483647", 404, PAGE_NOT_FOUND),
    "tenant id unknown, POST": Case("operator", "POST", "/base/tenants/2147483647/status", 404,
                                    PAGE_NOT_FOUND, body={"status": "suspended"},
                                    token_from="/base/operators"),
    "supplier id not a number": Case("operator", "GET", "/base/suppliers/x1", 404, PAGE_NOT_FOUND),
    "member id too large": Case("owner", "POST",
                                "/houston/manage/team/members/99999999999999999999/remove", 404,
                                PAGE_NOT_FOUND, token_from=TEAM),
    "member id unknown": Case("owner", "POST", "/houston/manage/team/members/2147483647/remove",
                              404, "This member does not exist.", token_from=TEAM),
    "invitation id unknown": Case("owner", "POST",
                                  "/houston/manage/team/invitations/2147483647/revoke", 404,
                                  INVITATION_INVALID, token_from=TEAM),
    # the tenant's settings
    "overlong name": Case("owner", "POST", SETTINGS, 400, "Use at most 120 characters.", "name",
                          tenant_settings_body(name="x" * 500)),
    "empty name": Case("owner", "POST", SETTINGS, 400, REQUIRED, "name",
                       tenant_settings_body(name="")),
    "blank city": Case("owner", "POST", SETTINGS, 400, REQUIRED, "city",
                       tenant_settings_body(city="   ")),
    "unknown country": Case("owner", "POST", SETTINGS, 400, NOT_A_CHOICE, "country",
                            tenant_settings_body(country="XX")),
    "unknown currency": Case("owner", "POST", SETTINGS, 400, NOT_A_CHOICE, "currency",
                             tenant_settings_body(currency="ZZZ")),
    "unknown timezone": Case("owner", "POST", SETTINGS, 400, NOT_A_CHOICE, "timezone",
                             tenant_settings_body(timezone="Mars/Olympus")),
    "unknown language offered": Case("owner", "POST", SETTINGS, 400,
                                     NOT_A_CHOICE,
                                     "offered_locales", tenant_settings_body(offered_locales=["xx"],
                                                                             default_locale="en")),
    "no language offered": Case("owner", "POST", SETTINGS, 400, REQUIRED, "offered_locales",
                                tenant_settings_body(offered_locales=[])),
    "unknown default language": Case("owner", "POST", SETTINGS, 400, NOT_A_CHOICE,
                                     "default_locale", tenant_settings_body(default_locale="xx")),
    "default language not offered": Case(
        "owner", "POST", SETTINGS, 400,
        "The default language must be one of the offered languages.",
        body=tenant_settings_body(offered_locales=["en", "fr"], default_locale="ja")),
    "colour by name": Case("owner", "POST", SETTINGS, 400, "Give the colour as #rrggbb.",
                           "brand_colour", tenant_settings_body(brand_colour="red")),
    "colour not hex": Case("owner", "POST", SETTINGS, 400, "Give the colour as #rrggbb.",
                           "brand_colour", tenant_settings_body(brand_colour="#12345g")),
    "NUL byte in a name": Case("owner", "POST", SETTINGS, 400, NOT_UNDERSTOOD,
                               body=tenant_settings_body(name="Hous\x00ton")),
    "logo not an image": Case("owner", "POST", SETTINGS, 415, "Upload a PNG or JPEG image.",
                              body=tenant_settings_body(name="Changed Name"), multipart=True),
    "logo larger than 1 MB": Case("owner", "POST", SETTINGS, 413,
                                  "The image is larger than 1 MB. Choose a smaller one.",
                                  body=tenant_settings_body(name="Changed Name"), multipart=True),
    "upload larger than the request limit": Case(
        "owner", "POST", SETTINGS, 413, "Choose a smaller file and try again.",
        body=tenant_settings_body(name="Changed Name"), multipart=True),
    # the team
    "invite an invalid email": Case("owner", "POST", f"{TEAM}/invite", 400, BAD_EMAIL, "email",
                                    {"email": "not-an-email", "role": "gate"}),
    "invite without email": Case("owner", "POST", f"{TEAM}/invite", 400, REQUIRED, "email",
                                 {"email": "", "role": "gate"}),
    "invite an overlong email": Case("owner", "POST", f"{TEAM}/invite", 400,
                                     "Use at most 255 characters.", "email",
                                     {"email": "a" * 250 + "@example.com", "role": "gate"}),
    "invite with an unknown role": Case("owner", "POST", f"{TEAM}/invite", 400, NOT_A_CHOICE,
                                        "role", {"email": "new@houston.example", "role": "emperor"}),
    "invite an already-member": Case("owner", "POST", f"{TEAM}/invite", 409,
                                     "This person is a member already.", "email",
                                     {"email": "gate@houston.example", "role": "manager"}),
    "invite an address already waiting": Case(
        "owner", "POST", f"{TEAM}/invite", 409,
        "An invitation to this address is waiting already. Revoke it to send a new one.", "email",
        {"email": "WAITING@elsewhere.example", "role": "gate"}),
    "unknown role for a member": Case("owner", "POST", TEAM + "/members/{gate_member}/role", 400,
                                      "Choose one of the roles offered.", body={"role": "emperor"}),
    "demote the last owner": Case("owner", "POST", TEAM + "/members/{owner_member}/role", 409,
                                  LAST_OWNER, body={"role": "gate"}),
    "remove the last owner": Case("owner", "POST", TEAM + "/members/{owner_member}/remove", 409,
                                  LAST_OWNER),
    "revoke a withdrawn invitation": Case("owner", "POST",
                                          TEAM + "/invitations/{withdrawn}/revoke", 409,
                                          "Only a waiting invitation can be revoked."),
    # the base console: new tenants, suppliers, operators
    **{f"reserved slug {slug!r}": Case("operator", "POST", "/base/tenants/new", 400, RESERVED,
                                       body=new_tenant(slug=slug))
       for slug in ("base", "login", "api")},
    "duplicate tenant slug": Case("operator", "POST", "/base/tenants/new", 409, TAKEN,
                                  body=new_tenant(slug="houston")),
    "malformed slug": Case("operator", "POST", "/base/tenants/new", 400,
                           "Use 2 to 40 lowercase letters, digits or hyphens.",
                           body=new_tenant(slug="paris lights!")),
    "one-letter slug": Case("operator", "POST", "/base/tenants/new", 400,
                            "Use between 2 and 40 characters.", "slug", new_tenant(slug="p")),
    "new tenant with an invalid owner email": Case("operator", "POST", "/base/tenants/new", 400,
                                                   BAD_EMAIL, "owner_email",
                                                   new_tenant(owner_email="claire@")),
    "new tenant with an unknown currency": Case("operator", "POST", "/base/tenants/new", 400,
                                                NOT_A_CHOICE, "currency",
                                                new_tenant(currency="ZZZ")),
    "new tenant, default language not offered": Case(
        "operator", "POST", "/base/tenants/new", 400,
        "The default language must be one of the offered languages.",
        body=new_tenant(offered_locales=["fr"], default_locale="en")),
    "reserved supplier slug": Case("operator", "POST", "/base/suppliers/new", 400, RESERVED,
                                   body=new_supplier(slug="webhooks")),
    "duplicate supplier slug": Case("operator", "POST", "/base/suppliers/new", 409, TAKEN,
                                    body=new_supplier(slug="huacai")),
    "new supplier without English name": Case("operator", "POST", "/base/suppliers/new", 400,
                                              REQUIRED, "name_en", new_supplier(name_en="")),
    "unknown status": Case("operator", "POST", "/base/tenants/{houston}/status", 400,
                           "Unknown status.", body={"status": "deleted"},
                           token_from="/base/tenants/{houston}"),
    "invite an owner with an invalid email": Case("operator", "POST",
                                                  "/base/tenants/{houston}/invite", 400, BAD_EMAIL,
                                                  body={"email": "nope"},
                                                  token_from="/base/tenants/{houston}"),
    "invite an existing member as owner": Case("operator", "POST",
                                               "/base/tenants/{houston}/invite", 409,
                                               "This person is a member already.",
                                               body={"email": "owner@houston.example"},
                                               token_from="/base/tenants/{houston}"),
    "operator with an invalid email": Case("operator", "POST", "/base/operators", 400, BAD_EMAIL,
                                           "email", {"email": "base@"}),
    "operator who has an account": Case("operator", "POST", "/base/operators", 409,
                                        "An account with this email address exists already.",
                                        body={"email": "owner@houston.example"}),
    # the supplier's profile
    "supplier without English name": Case("supplier", "POST", PROFILE, 400, REQUIRED, "name_en",
                                          supplier_profile_body(name_en="")),
    "supplier contact email invalid": Case("supplier", "POST", PROFILE, 400, BAD_EMAIL,
                                           "contact_email",
                                           supplier_profile_body(contact_email="export@")),
    "supplier address too long": Case("supplier", "POST", PROFILE, 400,
                                      "Use at most 2000 characters.", "address",
                                      supplier_profile_body(address="x" * 2001)),
    "supplier language unknown": Case("supplier", "POST", PROFILE, 400, NOT_A_CHOICE,
                                      "default_locale", supplier_profile_body(default_locale="xx")),
    # accounts: sign-in, links, the account page
    "login with an invalid email": Case("visitor", "POST", "/login", 400, BAD_EMAIL, "email",
                                        {"email": "owner.houston.example", "password": "x" * 12}),
    "login without password": Case("visitor", "POST", "/login", 400, REQUIRED, "password",
                                   {"email": "owner@houston.example", "password": ""}),
    "login with an overlong password": Case("visitor", "POST", "/login", 400,
                                            "Use at most 200 characters.", "password",
                                            {"email": "owner@houston.example",
                                             "password": "x" * 201}),
    "forgot password, invalid email": Case("visitor", "POST", "/account/password/forgot", 400,
                                           BAD_EMAIL, "email", {"email": "@houston.example"}),
    "invalid invitation token": Case("visitor", "GET", "/account/invitation/not-a-real-token", 404,
                                     INVITATION_INVALID),
    "invalid invitation token, POST": Case("visitor", "POST", "/account/invitation/" + "x" * 500,
                                           404, INVITATION_INVALID,
                                           body={"name": "M", "password": GOOD_PASSWORD,
                                                 "confirm": GOOD_PASSWORD}, token_from="/login"),
    "accept an invitation with a short password": Case(
        "visitor", "POST", "/account/invitation/{invitation}", 400,
        "Choose a password of at least 10 characters.", "password",
        {"name": "Gate Keeper", "password": "short", "confirm": "short"}),
    "accept an invitation without a name": Case(
        "visitor", "POST", "/account/invitation/{invitation}", 400, REQUIRED, "name",
        {"name": "", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}),
    "tampered reset token": Case("visitor", "GET", "/account/password/reset/{tampered}", 400,
                                 RESET_INVALID),
    "tampered reset token, POST": Case("visitor", "POST", "/account/password/reset/{tampered}",
                                       400, RESET_INVALID,
                                       body={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
                                       token_from="/login"),
    "welcome token used as a reset token": Case("visitor", "GET",
                                                "/account/password/reset/{welcome}", 400,
                                                RESET_INVALID),
    "reset with a short password": Case("visitor", "POST", "/account/password/reset/{reset}", 400,
                                        "Choose a password of at least 10 characters.", "password",
                                        {"password": "short", "confirm": "short"}),
    "reset with different passwords": Case("visitor", "POST", "/account/password/reset/{reset}",
                                           400, "The two passwords differ.", "confirm",
                                           {"password": GOOD_PASSWORD,
                                            "confirm": GOOD_PASSWORD + "!"}),
    "account with an unknown language": Case("owner", "POST", "/account/", 400, NOT_A_CHOICE,
                                             "locale", {"name": "Owner", "locale": "xx"}),
    "account with an overlong name": Case("owner", "POST", "/account/", 400,
                                          "Use at most 120 characters.", "name",
                                          {"name": "x" * 500, "locale": ""}),
    "account name with a NUL byte": Case("owner", "POST", "/account/", 400, NOT_UNDERSTOOD,
                                         body={"name": "Ow\x00ner", "locale": ""}),
    "wrong two-factor code": Case("owner", "POST", "/account/security", 400,
                                  "The code is not right. Enter the 6-digit code your app shows "
                                  "now.", "code", {"code": "abcdef"}),
}


@pytest.fixture
def setting(app, builder: Builder, factory):
    """Houston (an owner and a gate keeper, a waiting and a withdrawn invitation), the supplier
    huacai with its owner, a base operator; and the values the cases' paths name."""
    houston = Org("tenant", factory.tenant("houston").id, "houston", "Houston Lantern Festival")
    owner_member = builder.member(houston, "owner", "owner@houston.example")
    gate_member = builder.member(houston, "gate", "gate@houston.example", password=None)
    _id, invitation_token, _email = builder.invitation(houston)
    withdrawn, _token, _email = builder.invitation(houston)
    with app.app_context(), tenant_scope(houston.id):
        db.session.get(TenantInvitation, withdrawn).revoked_at = utcnow()
        team.invite_member(db.session.get(Tenant, houston.id), "waiting@elsewhere.example",
                           "gate", None, "en", lambda token: f"http://localhost/{token}")
        db.session.commit()
        db.session.remove()
    huacai = Org("supplier", factory.supplier("huacai").id, "huacai", "Huacai Lanterns")
    builder.member(huacai, "owner", "li@huacai.example")
    builder.operator()
    with app.test_request_context():
        owner = find_user_by_email("owner@houston.example")
        reset = make_password_reset_token(owner)
        welcome = make_password_reset_token(owner, "welcome")
        db.session.remove()
    tampered = reset[:-3] + ("AAA" if not reset.endswith("AAA") else "BBB")
    return {"owner_member": owner_member, "gate_member": gate_member, "houston": houston.id,
            "invitation": invitation_token, "withdrawn": withdrawn, "reset": reset,
            "welcome": welcome, "tampered": tampered}


def _client_for(who: str, make_client):
    emails = {"owner": "owner@houston.example", "supplier": "li@huacai.example",
              "operator": OPERATOR_EMAIL}
    client = signed_in(make_client, emails[who]) if who in emails else make_client()
    client.get("/locale/en")  # huacai's portal speaks Chinese by default; the cases read English
    return client


def _upload(case_name: str) -> tuple[io.BytesIO, str]:
    if case_name == "logo not an image":
        return io.BytesIO(b"<svg onload=alert(1)></svg>"), "logo.svg"
    if case_name == "logo larger than 1 MB":
        return io.BytesIO(tiny_png(padding=1024 * 1024 + 10)), "logo.png"
    return io.BytesIO(tiny_png(padding=9 * 1024 * 1024)), "logo.png"


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_clearly_and_writes_nothing(name, setting, make_client, snapshot):
    case = CASES[name]
    client = _client_for(case.who, make_client)
    path = case.path.format(**setting)
    data = dict(case.body)
    if case.method == "POST":
        data["csrf_token"] = client.csrf((case.token_from or path).format(**setting))
    if case.multipart:
        data["logo"] = _upload(name)
    before = snapshot()
    if case.method == "GET":
        response = client.get(path)
    else:
        response = client.http.post(path, data=data, content_type="multipart/form-data"
                                    if case.multipart else None)
    after = snapshot()
    shown = field_error(response, case.field) if case.field else text_of(response)
    assert response.status_code == case.status, (response.status_code, text_of(response)[:500])
    assert case.message in shown, (case.message, shown or text_of(response)[:800])
    assert changed_tables(before, after) == []


def test_expired_reset_link_is_refused_and_changes_nothing(app, setting, make_client, snapshot):
    visitor = make_client()
    token = visitor.csrf("/login")
    link = f"/account/password/reset/{setting['reset']}"
    saved = app.config["PASSWORD_RESET_SECONDS"]
    before = snapshot()
    app.config["PASSWORD_RESET_SECONDS"] = -1  # every link is older than that
    try:
        page = visitor.get(link)
        posted = visitor.http.post(link, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD,
                                               "csrf_token": token})
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = saved
    for response in (page, posted):
        assert response.status_code == 410
        assert "This password reset link has expired. Ask for a new one." in text_of(response)
    assert changed_tables(before, snapshot()) == []
    assert visitor.get(link).status_code == 200  # the same link, within its hour, still works


@pytest.mark.parametrize("path", [
    "/locale/en?next=/%0d%0aSet-Cookie:%20stolen=1",
    "/locale/en?next=/%00",
    "/locale/xx",
    "/login?next=/%0d%0aLocation:%20//evil.example",
    "/houston/manage/audit?page=99999999999999999999",
    "/houston/manage/audit?page=-3",
    "/houston/manage/audit?page=abc",
    "/houston/manage/?lang=xx",
])
def test_odd_query_values_are_never_a_500(path, setting, make_client, snapshot):
    """Values a person never types: a safe answer (the page, or a redirect on this site)."""
    client = _client_for("owner", make_client)
    before = snapshot()
    response = client.get(path, headers={"Accept-Language": "xx;q=abc,,;;, zz-ZZ"})
    assert changed_tables(before, snapshot()) == []
    if response.status_code == 302:
        location = response.headers["Location"]
        assert "\r" not in location and "\n" not in location
        assert urlsplit(location).netloc in ("", "localhost"), location
    else:
        assert response.status_code in (200, 400), (response.status_code, text_of(response)[:300])
