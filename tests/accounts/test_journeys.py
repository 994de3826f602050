"""Account journeys over HTTP, asserting what the person sees: page text and email text."""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
from sqlalchemy import update

from festival.accounts.models import TenantInvitation
from festival.core.db import db, utcnow
from festival.core.scope import platform_scope
from tests.accounts.conftest import OPERATOR_EMAIL, OWNER_EMAIL
from tests.conftest import PASSWORD, row_counts

NEW_PASSWORD = "lanterns-over-the-seine"


# --- what the person sees -----------------------------------------------------------------------

def text_of(response) -> str:
    """The visible text of a page: tags removed, entities decoded, whitespace collapsed."""
    markup = response.get_data(as_text=True)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def follow(client, response):
    """Follow one redirect, as a browser would, and return the next page."""
    assert response.status_code in (302, 303), response.status_code
    return client.get(path_of(response.headers["Location"]))


def only_mail_to(mailbox, address: str):
    messages = mailbox.to(address)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def sign_out(client) -> None:
    response = client.post_form("/logout", {}, token_from="/account/")
    assert response.status_code == 302


def member_action(page_html: str, email: str, action: str) -> str:
    """The URL of a member's (or invitation's) action button on the team page, found by email."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page_html, flags=re.S) if email in r)
    match = re.search(rf'action="([^"]+/{action})"', row)
    assert match, row
    return html.unescape(match.group(1))


def tiny_png() -> bytes:
    """A valid 1x1 PNG in the brand colour."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1e\x5a\xb3")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def accept_invitation(make_client, mailbox, address: str, name: str, password: str = NEW_PASSWORD):
    """The invited person opens the link from their email in a fresh browser and joins."""
    link = path_of(mailbox.last_link(address, "/account/invitation/"))
    person = make_client()
    page = person.get(link)
    assert page.status_code == 200
    assert f"with the address {address}" in text_of(page)
    response = person.post_form(link, {"name": name, "password": password, "confirm": password})
    assert response.status_code == 302, text_of(response)
    return person, response


# --- onboarding a tenant ------------------------------------------------------------------------

def test_tenant_onboarding_invite_team_change_role_and_audit(operator_client, make_client, mailbox):
    base = operator_client
    form = {
        "slug": "paris", "name": "Paris Lantern Festival", "city": "Paris", "country": "FR",
        "timezone": "Europe/Paris", "currency": "EUR", "offered_locales": ["en", "fr", "ar"],
        "default_locale": "en", "brand_colour": "#1e5ab3", "owner_email": "claire@paris.example",
    }
    created = base.post_form("/base/tenants/new", form)
    assert created.status_code == 302, text_of(created)
    detail = text_of(follow(base, created))
    assert "Paris Lantern Festival is on Lantern. We have invited its owner." in detail
    assert "claire@paris.example — Owner" in detail

    mail = only_mail_to(mailbox, "claire@paris.example")
    assert mail["Subject"] == "You are invited to Paris Lantern Festival on Lantern"
    body = mailbox.text(mail)
    assert "invites you to join Paris Lantern Festival on Lantern as Owner." in body
    assert "The link works once and expires in 7 days." in body

    owner, joined = accept_invitation(make_client, mailbox, "claire@paris.example", "Claire Martin")
    assert joined.headers["Location"].endswith("/paris/manage/")
    portal = text_of(follow(owner, joined))
    assert "Welcome to Paris Lantern Festival." in portal
    assert "Paris Lantern Festival" in portal and "Europe/Paris" in portal and "EUR" in portal

    # She signs in again later with the password she chose.
    sign_out(owner)
    assert owner.login("claire@paris.example", NEW_PASSWORD).headers["Location"].endswith(
        "/paris/manage/")

    # She invites the gate keeper.
    mailbox.clear()
    sent = owner.post_form("/paris/manage/team/invite",
                           {"email": "gate@paris.example", "role": "gate"},
                           token_from="/paris/manage/team")
    assert sent.status_code == 302, text_of(sent)
    team_page = text_of(follow(owner, sent))
    assert "Invitation sent to gate@paris.example." in team_page
    assert "gate@paris.example Gate Waiting" in team_page
    invite_mail = only_mail_to(mailbox, "gate@paris.example")
    assert "Claire Martin invites you to join Paris Lantern Festival on Lantern as Gate." in \
        mailbox.text(invite_mail)

    gate, gate_joined = accept_invitation(make_client, mailbox, "gate@paris.example", "Gaston Porte",
                                          password="paper-lanterns-glow")
    gate_home = follow(gate, gate_joined)
    assert "Welcome to Paris Lantern Festival." in text_of(gate_home)
    assert 'href="/paris/manage/team"' not in gate_home.get_data(as_text=True)  # a gate sees no team

    # The owner makes the gate keeper a manager and sees it on the team page.
    team_html = owner.get("/paris/manage/team").get_data(as_text=True)
    assert "No invitations are waiting." in team_html
    changed = owner.post_form(member_action(team_html, "gate@paris.example", "role"),
                              {"role": "manager"}, token_from="/paris/manage/team")
    assert changed.status_code == 302, text_of(changed)
    after = follow(owner, changed)
    assert "The role is changed." in text_of(after)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", after.get_data(as_text=True), flags=re.S)
               if "gate@paris.example" in r)
    assert re.search(r'<option selected value="manager">', row), row
    # ... and the manager now finds the team and the settings in the menu.
    manager_home = gate.get("/paris/manage/").get_data(as_text=True)
    assert 'href="/paris/manage/team"' in manager_home
    assert 'href="/paris/manage/settings"' in manager_home

    audit = text_of(owner.get("/paris/manage/audit"))
    for label in ("Tenant created", "Invitation sent", "Invitation accepted", "Signed in",
                  "Role changed"):
        assert label in audit, label
    assert "previous: gate; role: manager" in audit
    assert "base@example.com" in audit  # the operator sent the first invitation
    # The audit log is the owner's: the new manager may not read it.
    assert gate.get("/paris/manage/audit").status_code == 403


def test_supplier_onboarding_and_profile(operator_client, make_client, mailbox):
    base = operator_client
    created = base.post_form("/base/suppliers/new", {
        "slug": "huacai", "name_zh": "自贡华彩灯艺有限公司", "name_en": "Huacai Lanterns",
        "contact_name": "", "contact_email": "", "contact_phone": "", "address": "",
        "customs_code": "", "export_licence": "", "default_locale": "zh_Hans", "currency": "CNY",
        "owner_email": "li@huacai.example",
    })
    assert created.status_code == 302, text_of(created)
    assert "Huacai Lanterns is on Lantern. We have invited its owner." in text_of(follow(base, created))

    mail = only_mail_to(mailbox, "li@huacai.example")
    assert "Huacai Lanterns" in mail["Subject"]
    assert re.search(r"[\u4e00-\u9fff]", mail["Subject"]), mail["Subject"]  # in Chinese
    link = path_of(mailbox.last_link("li@huacai.example", "/account/invitation/"))

    owner = make_client()
    owner.get("/locale/en")  # Ms Li reads English in this test
    assert "You are invited as Owner with the address li@huacai.example." in text_of(owner.get(link))
    joined = owner.post_form(link, {"name": "Li Hua", "password": NEW_PASSWORD,
                                    "confirm": NEW_PASSWORD})
    assert joined.status_code == 302, text_of(joined)
    assert joined.headers["Location"].endswith("/s/huacai/")
    portal = text_of(follow(owner, joined))
    assert "Welcome to Huacai Lanterns." in portal
    assert "自贡华彩灯艺有限公司 · Huacai Lanterns" in portal
    assert "Complete your profile: contacts and export credentials." in portal

    saved = owner.post_form("/s/huacai/profile", {
        "name_zh": "自贡华彩灯艺有限公司", "name_en": "Huacai Lantern Art",
        "contact_name": "Li Hua", "contact_email": "export@huacai.example",
        "contact_phone": "+86 813 555 0100", "address": "88 Caideng Road, Zigong",
        "customs_code": "5103960123", "export_licence": "ZG-2024-0042",
        "default_locale": "zh_Hans", "currency": "CNY",
    })
    assert saved.status_code == 302, text_of(saved)
    profile = follow(owner, saved)
    assert "The profile is saved." in text_of(profile)
    markup = profile.get_data(as_text=True)
    for value in ("Huacai Lantern Art", "export@huacai.example", "+86 813 555 0100",
                  "5103960123", "ZG-2024-0042", "88 Caideng Road, Zigong"):
        assert value in markup, value
    assert "Huacai Lantern Art" in text_of(owner.get("/s/huacai/"))

    audit = text_of(owner.get("/s/huacai/audit"))
    for label in ("Supplier created", "Invitation sent", "Invitation accepted", "Profile changed"):
        assert label in audit, label
    # The base console lists the owner as a member now.
    supplier_page = text_of(base.get("/base/suppliers"))
    assert "Huacai Lantern Art" in supplier_page


# --- invitation links: once, until they expire, unless withdrawn -------------------------------

def _invite_gate(owner, address: str = "gate@houston.example"):
    response = owner.post_form("/houston/manage/team/invite", {"email": address, "role": "gate"},
                               token_from="/houston/manage/team")
    assert response.status_code == 302, text_of(response)


def test_invitation_link_works_once(owner_client, make_client, mailbox):
    _invite_gate(owner_client)
    link = path_of(mailbox.last_link("gate@houston.example", "/account/invitation/"))
    person, joined = accept_invitation(make_client, mailbox, "gate@houston.example", "Gate Keeper")
    assert joined.headers["Location"].endswith("/houston/manage/")

    for again in (make_client(), person):
        second = again.get(link)
        assert second.status_code == 410
        assert "This invitation has been accepted already. Sign in to continue." in text_of(second)
    before = row_counts(owner_client.application)
    replay = make_client().post_form(link, {"name": "Mallory", "password": NEW_PASSWORD,
                                            "confirm": NEW_PASSWORD}, token_from="/login")
    assert replay.status_code == 410
    assert row_counts(owner_client.application) == before

    unknown = make_client().get("/account/invitation/not-a-real-token")
    assert unknown.status_code == 404
    assert "This invitation link is not valid." in text_of(unknown)


def test_expired_invitation_is_refused_clearly(app, owner_client, make_client, mailbox):
    _invite_gate(owner_client)
    link = path_of(mailbox.last_link("gate@houston.example", "/account/invitation/"))
    with app.app_context(), platform_scope("cli"):  # eight days later
        db.session.execute(update(TenantInvitation).values(
            expires_at=utcnow() - timedelta(days=1)))
        db.session.commit()
        db.session.remove()

    person = make_client()
    page = person.get(link)
    assert page.status_code == 410
    assert "This invitation has expired. Ask the person who invited you for a new one." in \
        text_of(page)
    before = row_counts(app)
    posted = person.post_form(link, {"name": "Late", "password": NEW_PASSWORD,
                                     "confirm": NEW_PASSWORD}, token_from="/login")
    assert posted.status_code == 410
    assert row_counts(app) == before  # no account, no membership
    assert "gate@houston.example Gate Expired" in text_of(owner_client.get("/houston/manage/team"))

    # The owner can invite the same address again, and the new link works.
    mailbox.clear()
    _invite_gate(owner_client)
    _person, joined = accept_invitation(make_client, mailbox, "gate@houston.example", "Gate Keeper")
    assert joined.headers["Location"].endswith("/houston/manage/")


def test_withdrawn_invitation_is_refused_clearly(owner_client, make_client, mailbox):
    _invite_gate(owner_client)
    link = path_of(mailbox.last_link("gate@houston.example", "/account/invitation/"))
    team_html = owner_client.get("/houston/manage/team").get_data(as_text=True)
    withdrawn = owner_client.post_form(member_action(team_html, "gate@houston.example", "revoke"),
                                       {}, token_from="/houston/manage/team")
    assert withdrawn.status_code == 302
    team_page = text_of(follow(owner_client, withdrawn))
    assert "The invitation is withdrawn." in team_page
    assert "gate@houston.example Gate Withdrawn" in team_page

    page = make_client().get(link)
    assert page.status_code == 410
    assert "This invitation was withdrawn." in text_of(page)


# --- password reset -----------------------------------------------------------------------------

NEUTRAL = ("If an account exists for this address, we have sent a link to reset its password. "
           "Check your inbox.")


def _ask_for_reset(client, email: str):
    response = client.post_form("/account/password/forgot", {"email": email})
    assert response.status_code == 302
    return text_of(follow(client, response))


def test_password_reset_journey(app, houston, make_client, mailbox):
    person = make_client()
    assert "Forgot your password?" in text_of(person.get("/login"))
    assert NEUTRAL in _ask_for_reset(person, OWNER_EMAIL)
    mail = only_mail_to(mailbox, OWNER_EMAIL)
    assert mail["Subject"] == "Reset your Lantern password"
    assert "expires in 60 minutes" in mailbox.text(mail)
    link = path_of(mailbox.last_link(OWNER_EMAIL, "/account/password/reset/"))

    assert "Choose a new password" in text_of(person.get(link))
    short = person.post_form(link, {"password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert "Choose a password of at least 10 characters." in text_of(short)
    done = person.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert "Your password is set. You can sign in now." in text_of(follow(person, done))

    old = person.post_form("/login", {"email": OWNER_EMAIL, "password": PASSWORD})
    assert old.status_code == 401
    assert "The email or password is not right." in text_of(old)
    assert person.login(OWNER_EMAIL, NEW_PASSWORD).headers["Location"].endswith("/houston/manage/")

    again = make_client().get(link)  # the link worked once
    assert again.status_code == 400
    assert "This password reset link is not valid. Ask for a new one." in text_of(again)


def test_expired_reset_link(app, houston, make_client, mailbox):
    person = make_client()
    _ask_for_reset(person, OWNER_EMAIL)
    link = path_of(mailbox.last_link(OWNER_EMAIL, "/account/password/reset/"))
    saved = app.config["PASSWORD_RESET_SECONDS"]
    app.config["PASSWORD_RESET_SECONDS"] = -1  # every link is older than that
    try:
        page = person.get(link)
        assert page.status_code == 410
        assert "This password reset link has expired. Ask for a new one." in text_of(page)
        posted = person.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                                  token_from="/login")
        assert posted.status_code == 410
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = saved
    # The old password still works.
    person.login(OWNER_EMAIL, PASSWORD)


def test_unknown_email_gets_the_same_answer_and_no_mail(houston, make_client, mailbox):
    person = make_client()
    assert NEUTRAL in _ask_for_reset(person, "nobody@example.com")
    assert mailbox.messages == []


# --- base operators -----------------------------------------------------------------------------

def test_operator_invites_another_operator(operator_client, make_client, mailbox):
    sent = operator_client.post_form("/base/operators", {"email": "mei@zigong.example"})
    assert sent.status_code == 302, text_of(sent)
    assert "Invitation sent to mei@zigong.example." in text_of(follow(operator_client, sent))

    mail = only_mail_to(mailbox, "mei@zigong.example")
    assert mail["Subject"] == "Welcome to the Lantern base console"
    assert "has made you an operator of the Lantern base console" in mailbox.text(mail)
    link = path_of(mailbox.last_link("mei@zigong.example", "/account/welcome/"))

    mei = make_client()
    assert "Welcome to the base console" in text_of(mei.get(link))
    done = mei.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    signed_in = mei.login("mei@zigong.example", NEW_PASSWORD)
    assert signed_in.headers["Location"].endswith("/base/")
    console = text_of(follow(mei, signed_in))
    assert "Zigong base" in console and "Base operators" in console
    assert "mei@zigong.example" in text_of(mei.get("/base/operators"))
    assert mei.get(link).status_code == 400  # the welcome link worked once


# --- tenant settings and branding --------------------------------------------------------------

def test_owner_changes_settings_and_logo(owner_client, make_client):
    png = tiny_png()
    response = owner_client.post_form("/houston/manage/settings", {
        "name": "Houston Lights", "city": "Houston", "country": "US",
        "timezone": "America/New_York", "currency": "EUR", "offered_locales": ["en", "es", "zh_Hans"],
        "default_locale": "en", "brand_colour": "#1E5AB3",
        "logo": (io.BytesIO(png), "logo.png", "image/png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)
    settings = follow(owner_client, response)
    assert "The settings are saved." in text_of(settings)
    assert 'value="Houston Lights"' in settings.get_data(as_text=True)
    assert "America/New_York · EUR" in text_of(owner_client.get("/houston/manage/"))

    visitor = make_client()
    storefront = visitor.get("/houston/")
    assert "Houston Lights" in text_of(storefront)
    markup = storefront.get_data(as_text=True)
    assert '<img src="/houston/logo" alt="Houston Lights"' in markup
    assert 'lang="es"' in markup and 'lang="fr"' not in markup  # the languages offered
    logo = visitor.get("/houston/logo")
    assert logo.status_code == 200
    assert logo.content_type == "image/png"
    assert logo.data == png
    css = visitor.get("/houston/brand.css")
    assert css.content_type.startswith("text/css")
    assert "--brand:#1e5ab3" in css.get_data(as_text=True)

    # Not an image: refused with a clear message, nothing changed.
    refused = owner_client.post_form("/houston/manage/settings", {
        "name": "Houston Lights", "city": "Houston", "country": "US",
        "timezone": "America/New_York", "currency": "EUR", "offered_locales": ["en"],
        "default_locale": "en", "brand_colour": "#1e5ab3",
        "logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.svg"),
    }, content_type="multipart/form-data")
    assert refused.status_code == 415
    assert "Upload a PNG or JPEG image." in text_of(refused)
    assert visitor.get("/houston/logo").data == png


# --- two-factor sign-in ------------------------------------------------------------------------

def _enable_two_factor(client, path: str = "/account/security"):
    page = client.get(path)
    assert page.status_code == 200
    assert "Scan this code with an authenticator app" in text_of(page)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page.get_data(as_text=True)).group(1)
    totp = pyotp.TOTP(secret)
    response = client.post_form(path, {"code": totp.now()})
    assert response.status_code == 302, text_of(response)
    return totp, response


def _wrong_code(totp: pyotp.TOTP) -> str:
    near = {totp.at(utcnow() + timedelta(seconds=s)) for s in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 111111)) if c not in near)


def test_two_factor_sign_in_and_mandatory_rule(houston, owner_client, factory, make_client):
    totp, enabled = _enable_two_factor(owner_client)
    assert "Two-factor sign-in is on." in text_of(follow(owner_client, enabled))
    sign_out(owner_client)

    asked = owner_client.post_form("/login", {"email": OWNER_EMAIL, "password": PASSWORD})
    assert asked.status_code == 302
    assert urlsplit(asked.headers["Location"]).path == "/login/two-factor"
    prompt = follow(owner_client, asked)
    assert "Enter the 6-digit code your authenticator app shows for Lantern." in text_of(prompt)
    # Not signed in yet: the portal sends the person to the sign-in page.
    assert owner_client.get("/houston/manage/").status_code == 302

    wrong = owner_client.post_form("/login/two-factor", {"code": _wrong_code(totp)})
    assert wrong.status_code == 401
    assert "The code is not right. Enter the 6-digit code your app shows now." in text_of(wrong)
    right = owner_client.post_form("/login/two-factor", {"code": totp.now()})
    assert right.status_code == 302
    assert right.headers["Location"].endswith("/houston/manage/")
    assert "Houston Lantern Festival" in text_of(follow(owner_client, right))

    # The owner makes two-factor sign-in mandatory for everyone.
    factory.member(houston, "gate@houston.example", "gate")
    rule = owner_client.post_form("/houston/manage/team/two-factor", {"required_for_all": "y"},
                                  token_from="/houston/manage/team")
    assert rule.status_code == 302
    assert "The two-factor rule is saved." in text_of(follow(owner_client, rule))
    assert "Two-factor sign-in required" in text_of(owner_client.get("/houston/manage/audit"))

    gate = make_client()
    landed = gate.login("gate@houston.example")
    sent_away = gate.get(path_of(landed.headers["Location"]))
    assert sent_away.status_code == 302
    assert urlsplit(sent_away.headers["Location"]).path == "/account/security"
    security = follow(gate, sent_away)
    assert "Your organisation requires two-factor sign-in. Set it up to continue." in \
        text_of(security)
    # Once it is set up, the portal opens.
    _totp, done = _enable_two_factor(gate, path_of(sent_away.headers["Location"]))
    assert urlsplit(done.headers["Location"]).path == "/houston/manage/"
    assert follow(gate, done).status_code == 200


# --- support visits -------------------------------------------------------------------------------

def test_support_visit_is_read_only_and_audited(app, houston, operator_client, owner_client):
    base = operator_client
    detail = f"/base/tenants/{houston.id}"
    assert "Open the portal read-only (support)" in text_of(base.get(detail))
    visit = base.post_form(f"{detail}/support", {}, token_from=detail)
    assert visit.status_code == 302
    assert visit.headers["Location"].endswith("/houston/manage/")
    portal = text_of(follow(base, visit))
    assert "Support visit: read-only. Every page you open is recorded in this tenant's audit log." \
        in portal
    assert "Houston Lantern Festival" in portal

    settings = base.get("/houston/manage/settings")
    assert settings.status_code == 200
    assert "Support visit: read-only" in text_of(settings)
    assert ">Save</button>" not in settings.get_data(as_text=True)

    assert "Invite a teammate" not in text_of(base.get("/houston/manage/team"))
    token = base.csrf("/houston/manage/settings")
    before = row_counts(app)  # opening pages is recorded; trying to change them leaves no trace
    # (post_form would open the page for its token first; the person's form is already open.)
    refused = base.http.post("/houston/manage/settings", data={
        "name": "Hijacked", "city": "Houston", "country": "US", "timezone": "America/Chicago",
        "currency": "USD", "offered_locales": ["en"], "default_locale": "en",
        "brand_colour": "#000000", "csrf_token": token})
    assert refused.status_code == 403
    assert "You do not have access to this page" in text_of(refused)
    invite = base.http.post("/houston/manage/team/invite",
                            data={"email": "x@example.com", "role": "owner", "csrf_token": token})
    assert invite.status_code == 403
    assert row_counts(app) == before
    assert "Houston Lantern Festival" in text_of(base.get("/houston/"))

    audit = text_of(owner_client.get("/houston/manage/audit"))
    assert "Support visit started by the base" in audit
    assert "Page viewed on a support visit" in audit
    assert "path: /houston/manage/settings" in audit
    assert "path: /houston/manage/team" in audit
    assert OPERATOR_EMAIL in audit

    ended = base.post_form("/base/support/end", {}, token_from="/houston/manage/")
    assert ended.status_code == 302
    assert base.get("/houston/manage/").status_code == 404  # no membership, no visit


# --- throttling, suspension, sign-out ----------------------------------------------------------

def test_login_is_throttled(houston, make_client):
    person = make_client()
    for _attempt in range(10):
        wrong = person.post_form("/login", {"email": OWNER_EMAIL, "password": "not-the-password"})
        assert wrong.status_code == 401
        assert "The email or password is not right." in text_of(wrong)
    blocked = person.post_form("/login", {"email": OWNER_EMAIL, "password": "not-the-password"})
    assert blocked.status_code == 429
    assert "Too many attempts" in text_of(blocked)
    assert "Please wait a minute and try again." in text_of(blocked)
    # Even the right password waits.
    assert person.post_form("/login", {"email": OWNER_EMAIL, "password": PASSWORD}).status_code == 429


def test_suspended_tenant_and_reactivation(houston, operator_client, owner_client, make_client):
    base = operator_client
    detail = f"/base/tenants/{houston.id}"
    suspended = base.post_form(f"{detail}/status", {"status": "suspended"}, token_from=detail)
    assert suspended.status_code == 302
    assert "The tenant is suspended." in text_of(follow(base, suspended))

    visitor = make_client()
    storefront = visitor.get("/houston/")
    assert storefront.status_code == 403
    assert "This organisation is suspended on Lantern. Please come back later." in text_of(storefront)
    assert "Houston Lantern Festival" not in text_of(visitor.get("/"))
    assert owner_client.get("/houston/manage/").status_code == 403

    reactivated = base.post_form(f"{detail}/status", {"status": "active"}, token_from=detail)
    assert "The tenant is active." in text_of(follow(base, reactivated))
    assert visitor.get("/houston/").status_code == 200
    assert "Houston Lantern Festival" in text_of(visitor.get("/houston/"))
    assert owner_client.get("/houston/manage/").status_code == 200
    audit = text_of(owner_client.get("/houston/manage/audit"))
    assert "Tenant suspended" in audit and "Tenant reactivated" in audit


def test_sign_out_needs_a_post_with_csrf_and_cookies_are_guarded(houston, make_client):
    person = make_client()
    signed_in = person.login(OWNER_EMAIL)
    cookies = [v for k, v in signed_in.headers.items() if k.lower() == "set-cookie"]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie

    assert person.get("/logout", follow_redirects=True).status_code in (404, 405)  # a link can't
    assert person.post("/logout", data={}).status_code == 400  # no CSRF token: still signed in
    assert person.get("/account/").status_code == 200

    out = person.post_form("/logout", {}, token_from="/account/")
    assert out.status_code == 302
    assert "You are signed out." in text_of(follow(person, out))
    after = person.get("/account/")
    assert after.status_code == 302
    assert urlsplit(after.headers["Location"]).path == "/login"

