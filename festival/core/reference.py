"""Reference codes the platform accepts: countries, currencies, timezones, languages, slugs."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies

from festival.core.i18n import LOCALES

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes."""
    return frozenset(code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)
                     and code not in ("ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"))


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes in current use."""
    return frozenset(list_currencies())


@cache
def timezone_names() -> frozenset[str]:
    return frozenset(name for name in available_timezones() if "/" in name or name == "UTC")


def country_choices(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).territories
    return sorted(((code, names.get(code, code)) for code in country_codes()),
                  key=lambda pair: pair[1])


def currency_choices(locale: str) -> list[tuple[str, str]]:
    names = Locale.parse(locale).currencies
    return sorted((code, f"{code} — {names.get(code, code)}") for code in currency_codes())


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


def is_locale(code: str) -> bool:
    return code in LOCALES


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with a brand colour (WCAG relative luminance)."""
    channels = [int(background[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"
