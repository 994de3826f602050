"""List what the shipped catalogs still need: messages missing from a catalog (compared with a
fresh extraction of festival/), empty translations and fuzzy ones.

    .venv/bin/python scripts/i18n/untranslated.py             # one line per problem
    .venv/bin/python scripts/i18n/untranslated.py --json todo.json

With --json, also writes a skeleton {msgid: {locale: ""}} of the messages to translate; fill it
in and write it back with scripts/i18n/merge_translations.py. English is filled automatically
(its translation is the source text), so it is left out of the skeleton. A message missing
from a catalog needs `pybabel update` first (see the README). Exits 1 if anything is left.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = ("en", "zh_Hans", "fr", "de", "es", "ja", "ar")  # festival.core.i18n.LOCALES


def fresh_extraction():
    """The messages the source uses now (the same command as the README's extract step)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
            [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
             "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "festival"],
            cwd=ROOT, check=True)
        with pot.open("rb") as handle:
            return read_po(handle)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def problems() -> list[tuple[str, str, str]]:
    source = fresh_extraction()
    found: list[tuple[str, str, str]] = []
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            found.append((locale, "", f"no catalog at {path.relative_to(ROOT)}"))
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        have = {_key(m): m for m in catalog if m.id}
        for wanted in source:
            if not wanted.id:
                continue
            message = have.get(_key(wanted))
            strings = (message.string if message is not None and
                       isinstance(message.string, (list, tuple)) else
                       [message.string if message is not None else ""])
            if message is None:
                found.append((locale, _key(wanted), "missing"))
            elif message.fuzzy:
                found.append((locale, _key(wanted), "fuzzy"))
            elif not all(strings):
                found.append((locale, _key(wanted), "empty"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write a skeleton to translate to this file")
    args = parser.parse_args()
    found = problems()
    for locale, msgid, what in found:
        print(f"{locale}\t{what}\t{msgid}")
    if args.json:
        skeleton: dict[str, dict[str, str]] = {}
        for locale, msgid, _what in found:
            if locale != "en" and msgid:
                skeleton.setdefault(msgid, {})[locale] = ""
        args.json.write_text(json.dumps(skeleton, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
        print(f"{len(skeleton)} messages to translate written to {args.json}", file=sys.stderr)
    if not found:
        print("every shipped catalog is complete", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
