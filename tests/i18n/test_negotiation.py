"""Which language a page speaks: an explicit choice (the switcher's cookie) > the signed-in
person's preference > the browser's Accept-Language, matched to the languages offered > the
tenant's default. A storefront offers its tenant's languages; the portal offers all shipped ones.

The HTTP tests read the compiled catalogs (`festival compile-translations`)."""

from __future__ import annotations

import re

import pytest

from festival.core.i18n import LOCALE_COOKIE, LOCALES, NATIVE_NAMES, match_language_tag, negotiate_locale

ALL = LOCALES


# --- match_language_tag ------------------------------------------------------------------------

@pytest.mark.parametrize(("tag", "code"), [
    ("zh-CN", "zh_Hans"),
    ("zh-Hans", "zh_Hans"),
    ("zh-hans-CN", "zh_Hans"),
    ("zh-SG", "zh_Hans"),
    ("zh", "zh_Hans"),
    ("ZH-cn", "zh_Hans"),
    ("zh_Hans", "zh_Hans"),
    ("fr-CA", "fr"),
    ("fr-FR", "fr"),
    ("FR", "fr"),
    ("en-GB", "en"),
    ("de-AT", "de"),
    ("es-419", "es"),
    ("ja-JP", "ja"),
    ("ar-EG", "ar"),
    ("ar", "ar"),
])
def test_match_language_tag_finds_our_locale(tag, code):
    assert match_language_tag(tag) == code


@pytest.mark.parametrize("tag", ["zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "pt-BR", "ko", "*", ""])
def test_match_language_tag_does_not_guess(tag):
    """Traditional Chinese is not shipped, and Simplified is no stand-in for it."""
    assert match_language_tag(tag) is None


# --- negotiate_locale --------------------------------------------------------------------------

def test_explicit_choice_wins_over_everything():
    assert negotiate_locale("ja", "de", ["fr", "ar"], ALL, "en") == "ja"


def test_explicit_choice_not_offered_is_ignored():
    assert negotiate_locale("ja", None, ["fr"], ["fr", "en"], "en") == "fr"


def test_user_preference_wins_over_accept_language():
    assert negotiate_locale(None, "de", ["fr-FR", "fr"], ALL, "en") == "de"


def test_user_preference_not_offered_is_ignored():
    assert negotiate_locale(None, "de", ["ar"], ["fr", "en", "ar"], "fr") == "ar"


def test_accept_language_is_matched_in_order_to_what_is_offered():
    assert negotiate_locale(None, None, ["ko", "de-CH", "fr"], ["fr", "de"], "fr") == "de"
    assert negotiate_locale(None, None, ["fr-CA", "en"], ["en", "fr"], "en") == "fr"
    assert negotiate_locale(None, None, ["zh-CN", "en"], ALL, "en") == "zh_Hans"


def test_traditional_chinese_browser_gets_the_default():
    assert negotiate_locale(None, None, ["zh-TW"], ALL, "fr") == "fr"


def test_unknown_languages_fall_back_to_the_default():
    assert negotiate_locale(None, None, ["ko", "pt-BR"], ["fr", "en", "ar"], "ar") == "ar"
    assert negotiate_locale(None, None, [], ALL, "de") == "de"
    assert negotiate_locale("", "", [], ALL, "en") == "en"


def test_default_not_offered_falls_back_to_the_first_offered_language():
    assert negotiate_locale(None, None, [], ["es", "en"], "fr") == "es"
    assert negotiate_locale(None, None, [], [], "fr") == "en"


# --- over HTTP ---------------------------------------------------------------------------------

def _page(response) -> str:
    return response.get_data(as_text=True)


def _html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match, html[:500]
    return match.group(0)


def _switcher_codes(html: str) -> list[str]:
    return re.findall(r'href="/locale/([A-Za-z_]+)\?next=', html)


@pytest.fixture
def paris(factory):
    return factory.tenant("paris", country="FR", timezone="Europe/Paris", currency="EUR",
                          default_locale="fr", offered_locales=["fr", "en", "ar"])


def test_storefront_speaks_the_browsers_language_when_offered(client, paris):
    html = _page(client.get("/paris/", headers={"Accept-Language": "ar-EG, en;q=0.5"}))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "مهرجان فوانيس من زيغونغ في Paris" in html
    assert "المعارض" in html


def test_storefront_falls_back_to_the_tenants_default(client, paris):
    for accept in ("de-DE, ja;q=0.8", "zh-TW", None):
        headers = {"Accept-Language": accept} if accept else {}
        response = client.get("/paris/", headers=headers)
        assert response.status_code == 200
        html = _page(response)
        assert _html_tag(html) == '<html lang="fr" dir="ltr">', accept
        assert "Un festival des lanternes de Zigong à Paris" in html
        assert "Expositions" in html
        assert "Se connecter" in html  # the header, from the shared layout


def test_storefront_switcher_offers_only_the_tenants_languages(client, paris):
    html = _page(client.get("/paris/"))
    assert _switcher_codes(html) == ["fr", "en", "ar"]
    assert 'href="/locale/ar?next=/paris/?"' in html
    assert "العربية" in html and "Deutsch" not in html


def test_language_switcher_sets_the_cookie_and_the_next_page_follows_it(client, paris):
    response = client.get("/locale/ar?next=/paris/", headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/paris/"
    assert f"{LOCALE_COOKIE}=ar" in response.headers["Set-Cookie"]
    assert client.get_cookie(LOCALE_COOKIE).value == "ar"

    html = _page(client.get("/paris/", headers={"Accept-Language": "fr"}))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'
    assert "المعارض" in html
    assert re.search(r'lang="ar"\s+aria-current="true">العربية</a>', html)  # the switcher agrees

    client.get("/locale/en?next=/paris/")
    html = _page(client.get("/paris/", headers={"Accept-Language": "ar"}))
    assert _html_tag(html) == '<html lang="en" dir="ltr">'
    assert "A lantern festival from Zigong in Paris" in html


def test_storefront_ignores_a_chosen_language_it_does_not_offer(client, paris):
    response = client.get("/locale/de?next=/paris/")
    assert client.get_cookie(LOCALE_COOKIE).value == "de"
    assert response.headers["Location"] == "/paris/"
    html = _page(client.get("/paris/", headers={"Accept-Language": "de, en;q=0.5"}))
    assert _html_tag(html) == '<html lang="en" dir="ltr">'   # de is not offered; en is next
    html = _page(client.get("/paris/"))
    assert _html_tag(html) == '<html lang="fr" dir="ltr">'   # nothing else: the default
    # ... while the portal, which offers every language, follows the cookie.
    html = _page(client.get("/login"))
    assert _html_tag(html) == '<html lang="de" dir="ltr">'
    assert "Anmelden" in html


def test_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.get("/locale/xx?next=/login")
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers
    response = client.get("/locale/fr?next=//evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get_cookie(LOCALE_COOKIE).value == "fr"


def test_unknown_tenant_is_a_404_in_the_browsers_language(client):
    response = client.get("/no-such-city/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert response.status_code == 404
    html = _page(response)
    assert _html_tag(html) == '<html lang="de" dir="ltr">'
    assert "Seite nicht gefunden" in html
    assert "Unter dieser Adresse gibt es nichts." in html
    assert "Zur Startseite" in html

    response = client.get("/no-such-city/", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    assert "ページが見つかりません" in _page(response)


def test_portal_offers_every_shipped_language(client):
    html = _page(client.get("/login"))
    assert _switcher_codes(html) == list(LOCALES)
    for name in NATIVE_NAMES.values():
        assert name in html


@pytest.mark.parametrize(("accept", "lang", "direction", "words"), [
    ("zh-CN,zh;q=0.9", "zh-Hans", "ltr", ["登录", "忘记密码？", "电子邮箱"]),
    ("fr-CA", "fr", "ltr", ["Se connecter", "Mot de passe"]),
    ("de", "de", "ltr", ["Anmelden", "Passwort vergessen?"]),
    ("es-MX", "es", "ltr", ["Iniciar sesión", "Contraseña"]),
    ("ja-JP", "ja", "ltr", ["ログイン", "パスワードをお忘れですか？"]),
    ("ar-SA", "ar", "rtl", ["تسجيل الدخول", "هل نسيت كلمة المرور؟"]),
    ("ko-KR", "en", "ltr", ["Sign in", "Forgot your password?"]),
])
def test_portal_page_in_each_language(client, accept, lang, direction, words):
    html = _page(client.get("/login", headers={"Accept-Language": accept}))
    assert _html_tag(html) == f'<html lang="{lang}" dir="{direction}">'
    for word in words:
        assert word in html, f"{word!r} not on the {lang} sign-in page"


def test_signed_in_users_preference_wins_over_the_browser(client, factory):
    factory.user("ines@example.com", locale="de")
    client.login("ines@example.com")
    html = _page(client.get("/account/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert _html_tag(html) == '<html lang="de" dir="ltr">'
    assert "Mein Konto" in html and "Abmelden" in html

    # An explicit choice in the switcher still wins over the stored preference.
    client.get("/locale/ja?next=/account/")
    html = _page(client.get("/account/", headers={"Accept-Language": "fr"}))
    assert _html_tag(html) == '<html lang="ja" dir="ltr">'
    assert "マイアカウント" in html


def test_users_preference_is_ignored_where_it_is_not_offered(client, factory, paris):
    factory.user("ines@example.com", locale="de")
    client.login("ines@example.com")
    html = _page(client.get("/paris/", headers={"Accept-Language": "ar"}))
    assert _html_tag(html) == '<html lang="ar" dir="rtl">'


def test_user_without_a_preference_follows_the_browser(client, factory):
    factory.user("ines@example.com")
    client.login("ines@example.com")
    html = _page(client.get("/account/", headers={"Accept-Language": "es-ES"}))
    assert _html_tag(html) == '<html lang="es" dir="ltr">'
    assert "Mi cuenta" in html
