"""Onboarding in a real headless Chromium: the base adds a host city, its owner joins and
reads the portal in Arabic (right to left) and in Simplified Chinese."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from babel.support import Translations
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OPERATOR = "base@example.com"
OWNER = "amina@paris.example"
OWNER_PASSWORD = "lanterns-over-the-seine"


# A translation must be written in the language's own script.
SCRIPTS = {"ar": re.compile(r"[\u0600-\u06ff]"), "zh_Hans": re.compile(r"[\u4e00-\u9fff]")}


def translated(app, locale: str, message: str) -> str:
    """The text a reader of ``locale`` sees for ``message``, from the compiled catalog."""
    catalog = Translations.load(app.config["TRANSLATIONS_PATH"], [locale])
    text = catalog.gettext(message)
    assert SCRIPTS[locale].search(text), (
        f"no {locale} translation of {message!r} (got {text!r}): are the catalogs translated "
        "and compiled (LANTERN_ENV=development .venv/bin/festival compile-translations)?")
    return text


def wait_for_link(mailbox, address: str, fragment: str, timeout: float = 10.0) -> str:
    """The live server sends mail from its own thread once the request commits."""
    deadline = time.monotonic() + timeout
    while not mailbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.05)
    return mailbox.last_link(address, fragment)


def test_base_onboards_a_city_and_its_owner_reads_arabic_and_chinese(
        app, factory, mailbox, live_server, page, new_context):
    factory.operator(OPERATOR)

    # The base operator signs in.
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(OPERATOR)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/base/")
    expect(page.get_by_role("heading", name="Zigong base")).to_be_visible()

    # ... adds a host city and invites its owner through the form.
    page.get_by_role("link", name="Add a host city").click()
    expect(page.get_by_role("heading", name="Add a host city")).to_be_visible()
    page.get_by_label("Web address (slug)").fill("paris")
    page.get_by_label("Festival name").fill("Paris Lantern Festival")
    page.get_by_label("City").fill("Paris")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Timezone").select_option("Europe/Paris")
    page.get_by_label("Currency").select_option("EUR")
    for language in ("Français", "العربية", "简体中文"):
        page.get_by_role("checkbox", name=language).check()
    expect(page.get_by_role("checkbox", name="English")).to_be_checked()
    page.get_by_label("Default language").select_option("en")
    page.get_by_label("Email of the first owner").fill(OWNER)
    page.get_by_role("button", name="Create and invite the owner").click()
    expect(page.get_by_role("heading", name="Paris Lantern Festival")).to_be_visible()
    expect(page.get_by_text("Paris Lantern Festival is on Lantern. We have invited its owner.")
           ).to_be_visible()
    expect(page.get_by_text(f"{OWNER} — Owner")).to_be_visible()

    # The owner opens the link from her email in her own browser.
    link = wait_for_link(mailbox, OWNER, "/account/invitation/")
    assert urlsplit(link).netloc == urlsplit(live_server).netloc
    owner = new_context().new_page()
    owner.goto(link)
    expect(owner.get_by_role("heading", name="Join Paris Lantern Festival on Lantern")).to_be_visible()
    owner.get_by_label("Your name").fill("Amina Benali")
    owner.get_by_label("New password", exact=True).fill(OWNER_PASSWORD)
    owner.get_by_label("Repeat the new password").fill(OWNER_PASSWORD)
    owner.get_by_role("button", name="Accept the invitation").click()
    expect(owner).to_have_url(re.compile(r"/paris/manage/$"))
    expect(owner.get_by_role("heading", name="Paris Lantern Festival")).to_be_visible()
    expect(owner.get_by_text("Welcome to Paris Lantern Festival.")).to_be_visible()
    html = owner.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    menu = owner.locator("nav.menu")
    expect(menu.get_by_role("link", name="Team", exact=True)).to_be_visible()

    # She switches to Arabic: the page turns right to left and speaks Arabic.
    owner.locator("nav.languages").get_by_role("link", name="العربية").click()
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(owner).to_have_url(re.compile(r"/paris/manage/\??$"))
    expect(owner.get_by_role("heading", name="Paris Lantern Festival")).to_be_visible()
    expect(menu.get_by_role("link", name=translated(app, "ar", "Team"), exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name=translated(app, "ar", "Settings"), exact=True)
           ).to_be_visible()
    expect(owner.get_by_role("heading", name=translated(app, "ar", "Next steps"))).to_be_visible()

    # ... then to Simplified Chinese.
    owner.locator("nav.languages").get_by_role("link", name="简体中文").click()
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(html).to_have_attribute("dir", "ltr")
    expect(menu.get_by_role("link", name=translated(app, "zh_Hans", "Team"), exact=True)
           ).to_be_visible()
    expect(owner.get_by_role("heading", name=translated(app, "zh_Hans", "Next steps"))
           ).to_be_visible()

    # The choice is remembered: the team page is in Chinese too.
    menu.get_by_role("link", name=translated(app, "zh_Hans", "Team"), exact=True).click()
    expect(owner).to_have_url(re.compile(r"/paris/manage/team$"))
    expect(owner.get_by_role("heading", name=translated(app, "zh_Hans", "Team"), exact=True)
           ).to_be_visible()
