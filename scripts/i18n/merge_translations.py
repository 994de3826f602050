"""Write translations from a JSON file into the message catalogs under translations/.

    .venv/bin/python scripts/i18n/merge_translations.py new.json

The JSON maps each msgid to its translations, one per locale; a plural entry takes a list
with one string per plural form of that locale:

    {"Save": {"fr": "Enregistrer", "de": "Speichern"},
     "%(n)d lantern": {"fr": ["%(n)d lanterne", "%(n)d lanternes"]}}

Only messages already in a catalog are written (run `pybabel update` first); a written entry
loses its fuzzy flag. The English catalog needs no JSON: every empty entry there gets its
source text. Prints what changed and exits non-zero if the JSON names unknown messages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
SOURCE_LOCALE = "en"


def catalog_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str):
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def save(locale: str, catalog) -> None:
    with catalog_path(locale).open("wb") as handle:
        write_po(handle, catalog, width=76)


def _is_empty(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not all(strings)


def fill_english() -> int:
    catalog = load(SOURCE_LOCALE)
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
        if _is_empty(message) or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    if changed:
        save(SOURCE_LOCALE, catalog)
    return changed


def merge(translations: dict[str, dict[str, str | list[str]]]) -> list[str]:
    locales = sorted({loc for per_locale in translations.values() for loc in per_locale})
    unknown: list[str] = []
    for locale in locales:
        catalog = load(locale)
        changed = 0
        for msgid, per_locale in translations.items():
            if locale not in per_locale:
                continue
            message = next((m for m in catalog if (m.id[0] if isinstance(m.id, (list, tuple))
                                                   else m.id) == msgid), None)
            if message is None:
                unknown.append(f"{locale}\t{msgid}")
                continue
            value = per_locale[locale]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            changed += 1
        save(locale, catalog)
        print(f"{locale}: {changed} messages written")
    return unknown


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    unknown = merge(translations)
    print(f"{SOURCE_LOCALE}: {fill_english()} messages set to their source text")
    for line in unknown:
        print(f"not in the catalog (run pybabel update first): {line}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
