"""Languages: which one a page speaks, and how dates, times, numbers and money look in it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

# The shipped languages: their catalogs are complete (a test checks it).
LOCALES = ("en", "zh_Hans", "fr", "de", "es", "ja", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})
# Each language named in itself, so a reader finds their own in the switcher.
NATIVE_NAMES = {
    "en": "English",
    "zh_Hans": "简体中文",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "ja": "日本語",
    "ar": "العربية",
}
LOCALE_COOKIE = "lantern_locale"
_ALIASES = {"zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_hans": "zh_Hans", "zh_sg": "zh_Hans",
            "zh_hans_cn": "zh_Hans"}

babel = Babel()


def match_language_tag(tag: str) -> str | None:
    """Our locale code for a browser language tag such as ``fr-CA`` or ``zh-CN``."""
    normalized = tag.replace("-", "_").lower()
    if normalized in _ALIASES:
        return _ALIASES[normalized]
    for code in LOCALES:
        if normalized == code.lower():
            return code
    primary = normalized.split("_")[0]
    if primary == "zh":
        return None  # Traditional Chinese is not shipped; do not guess Simplified for it.
    return primary if primary in LOCALES else None


def negotiate_locale(
    explicit: str | None,
    user_preference: str | None,
    accept_languages: list[str],
    offered: tuple[str, ...] | list[str],
    default: str,
) -> str:
    """Explicit choice > the user's preference > Accept-Language > the tenant's default."""
    for candidate in (explicit, user_preference):
        if candidate in offered:
            return candidate
    for tag in accept_languages:
        code = match_language_tag(tag)
        if code in offered:
            return code
    return default if default in offered else (offered[0] if offered else "en")


def _select_locale() -> str:
    if not has_request_context():
        return "en"
    forced = g.get("forced_locale")
    if forced:
        return forced
    offered = g.get("offered_locales") or LOCALES
    preference = None
    if current_user and current_user.is_authenticated:
        preference = current_user.locale
    return negotiate_locale(
        request.cookies.get(LOCALE_COOKIE),
        preference,
        [tag for tag, _quality in request.accept_languages],
        offered,
        g.get("default_locale") or "en",
    )


def current_locale() -> str:
    """The code of the language this request speaks."""
    locale = get_locale()
    return str(locale) if locale else "en"


def text_direction(locale: str | None = None) -> str:
    code = locale or current_locale()
    return "rtl" if code.split("_")[0] in RIGHT_TO_LEFT else "ltr"


def display_timezone() -> ZoneInfo:
    """The zone a page shows times in: the tenant's, the base's, or UTC."""
    name = g.get("display_timezone") if has_request_context() else None
    return ZoneInfo(name or "UTC")


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """Money in the reader's language, e.g. ``12,50 €`` in French."""
    return format_currency(amount, currency, locale=locale or current_locale())


def format_number(value: Decimal | int, locale: str | None = None) -> str:
    return format_decimal(value, locale=locale or current_locale())


def format_local_datetime(
    value: datetime | None, zone: ZoneInfo | None = None, fmt: str = "medium",
    locale: str | None = None,
) -> str:
    """A stored UTC time shown in the page's timezone and language."""
    if value is None:
        return ""
    return format_datetime(
        value, fmt, tzinfo=zone or display_timezone(), locale=locale or current_locale()
    )


def format_local_time(value: datetime, locale: str | None = None) -> str:
    """A stored UTC instant as a time of day on the page's (the tenant's) clock: ``18:30``."""
    return format_time(value, "short", tzinfo=display_timezone(), locale=locale or current_locale())


def format_rate(rate: Decimal | int, locale: str | None = None) -> str:
    """A rate kept in percent (a VAT rate, a discount) as the language writes it: ``10 %`` in French."""
    return format_percent(Decimal(rate) / 100, locale=locale or current_locale(), decimal_quantization=False)


def format_local_date(value: date | None, fmt: str = "medium", locale: str | None = None) -> str:
    if value is None:
        return ""
    return format_date(value, fmt, locale=locale or current_locale())


def language_name(code: str, in_locale: str | None = None) -> str:
    return Locale.parse(code).get_display_name(in_locale or current_locale()) or code


def country_name(code: str, locale: str | None = None) -> str:
    """A country's name in the reader's language (codes are stored, names are shown)."""
    return Locale.parse(locale or current_locale()).territories.get(code, code)


def init_i18n(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(app.config["TRANSLATIONS_PATH"])
    )
    babel.init_app(app, locale_selector=_select_locale)
    app.jinja_env.globals.update(
        current_locale=current_locale,
        text_direction=text_direction,
        NATIVE_NAMES=NATIVE_NAMES,
        LOCALES=LOCALES,
        language_name=language_name,
        country_name=country_name,
        local_time=format_local_time,
        percent=format_rate,
    )
    app.jinja_env.filters.update(
        money=lambda amount, currency: format_money(amount, currency),
        number=format_number,
        localdatetime=format_local_datetime,
        localdate=format_local_date,
    )


def translations_path() -> str:
    return current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
