"""The shipped message catalogs are complete and sound.

Each catalog under translations/ must hold every message of a fresh extraction of festival/,
translated (not empty, not fuzzy, not a copy of the English unless
translations/same_as_source.txt allows it), with the same placeholders as the source, and
Chinese, Japanese and Arabic in their own script. A failure names the locale and the msgid.

To fix one: extract and update the catalogs, translate, compile (see the README), e.g.
    .venv/bin/python scripts/i18n/untranslated.py --json todo.json
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from festival.core.i18n import LOCALES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
ALLOW_LIST = TRANSLATIONS / "same_as_source.txt"
SOURCE_LOCALE = "en"
TRANSLATED = tuple(code for code in LOCALES if code != SOURCE_LOCALE)

# %s, %d, %(name)s, %(n)d, %-5.2f ... and str.format fields such as {name} or {0:>3}.
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
BRACE = re.compile(r"\{[A-Za-z_0-9.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")
LATIN = re.compile(r"[A-Za-z]")
SCRIPTS = {
    "zh_Hans": ("Chinese characters (U+4E00–U+9FFF)", re.compile(r"[\u4e00-\u9fff]")),
    "ja": ("Hiragana, Katakana or kanji", re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff]")),
    "ar": ("Arabic letters (U+0600–U+06FF)", re.compile(r"[\u0600-\u06ff]")),
}
KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff]")
# Frequent characters that exist only in Traditional Chinese: zh_Hans must not use them.
TRADITIONAL_ONLY = frozenset(
    "們這個說會時與為無開關設請帳戶資語種類選擇輸點擊連結頁電郵號碼確認變標誌檢導覽網際"
    "貢燈應審計證驗錄員組織幣區務業單對發來後從過還讓體當於"
)


# --- loading ----------------------------------------------------------------------------------

def _key(message) -> str:
    """A message's msgid (the singular, for a plural entry)."""
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def _forms(message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _where(locale: str, message) -> str:
    return f"{locale}: {_key(message)!r}"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The messages festival/ uses now, extracted as the README says (babel.cfg at the root)."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "festival"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"extraction failed:\n{result.stdout}\n{result.stderr}"
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    messages = {_key(m): m for m in catalog if m.id}
    # Guard the guard: an extraction that finds nothing (say, babel.cfg patterns that match
    # no file) would make every other test here pass vacuously.
    assert len(messages) > 100, f"the extraction found only {len(messages)} messages"
    return messages


@pytest.fixture(scope="module")
def catalogs():
    loaded = {}
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        assert path.exists(), f"{locale}: no catalog at {path.relative_to(ROOT)}"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        loaded[locale] = catalog
    return loaded


def _entries(catalog):
    return [m for m in catalog if m.id]


def _allow_list() -> set[tuple[str, str]]:
    allowed = set()
    for number, line in enumerate(ALLOW_LIST.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        locale, tab, msgid = line.partition("\t")
        assert tab, f"{ALLOW_LIST.name}:{number}: expected <locale><TAB><msgid>, got {line!r}"
        allowed.add((locale, msgid))
    return allowed


def _report(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


# --- placeholders -----------------------------------------------------------------------------

def placeholders(text: str) -> tuple[Counter, list[str], Counter]:
    """Named %-placeholders (a multiset), positional %-placeholders (in order), {fields}."""
    named: Counter = Counter()
    positional: list[str] = []
    for match in PERCENT.finditer(text):
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            named[f"%({match.group('name')}){match.group('type')}"] += 1
        else:
            positional.append(f"%{match.group('type')}")
    return named, positional, Counter(BRACE.findall(text))


def _describe(text: str) -> str:
    named, positional, braces = placeholders(text)
    found = sorted(named.elements()) + positional + sorted(braces.elements())
    return ", ".join(found) or "none"


def _placeholder_problem(source_texts: list[str], translation: str, every_form: bool) -> bool:
    """True if ``translation`` does not carry the placeholders of its source.

    For a plural form other than the last, a named number placeholder such as %(num)d may be
    left out (Arabic's "one" and "two" forms spell the number out), but nothing may be added
    and every other placeholder must be kept."""
    named, positional, braces = placeholders(translation)
    if every_form:
        wanted_named, wanted_positional, wanted_braces = placeholders(source_texts[-1])
        return (named, positional, braces) != (wanted_named, wanted_positional, wanted_braces)
    allowed_named: Counter = Counter()
    allowed_braces: Counter = Counter()
    for text in source_texts:
        n, _p, b = placeholders(text)
        allowed_named |= n
        allowed_braces |= b
    wanted_named, wanted_positional, wanted_braces = placeholders(source_texts[-1])
    kept = Counter({name: count for name, count in wanted_named.items()
                    if not name.endswith(("d", "i"))})
    return (bool(named - allowed_named) or bool(braces - allowed_braces)
            or bool(kept - named) or bool(wanted_braces - braces)
            or positional != wanted_positional)


# --- the tests --------------------------------------------------------------------------------

def test_shipped_locales_are_the_catalog_folders():
    folders = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert folders == set(LOCALES), (
        f"catalog folders {sorted(folders)} differ from festival.core.i18n.LOCALES {list(LOCALES)}")


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_message_of_the_source(locale, source, catalogs):
    have = {_key(m) for m in _entries(catalogs[locale])}
    missing = [f"{locale}: {msgid!r} is missing (run pybabel update, then translate it)"
               for msgid in sorted(source) if msgid not in have]
    _report(missing, f"messages of the source missing from {locale}")


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_stale_messages(locale, source, catalogs):
    stale = [f"{locale}: {_key(m)!r} is no longer in the source (run pybabel update)"
             for m in _entries(catalogs[locale]) if _key(m) not in source]
    _report(stale, f"stale messages in {locale}")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale, catalogs):
    problems = []
    for message in _entries(catalogs[locale]):
        if message.fuzzy:
            problems.append(f"{_where(locale, message)} is marked fuzzy")
        elif not all(form.strip() for form in _forms(message)):
            problems.append(f"{_where(locale, message)} has an empty translation")
    _report(problems, f"untranslated messages in {locale}")


@pytest.mark.parametrize("locale", LOCALES)
def test_source_and_plural_shape_match(locale, source, catalogs):
    """A plural message stays plural with the locale's number of forms, a singular stays one."""
    catalog = catalogs[locale]
    problems = []
    for message in _entries(catalog):
        wanted = source.get(_key(message))
        if wanted is not None and wanted.pluralizable != message.pluralizable:
            problems.append(f"{_where(locale, message)}: plural in one of source and catalog only")
        if message.pluralizable and len(_forms(message)) != catalog.num_plurals:
            problems.append(f"{_where(locale, message)} has {len(_forms(message))} plural forms, "
                            f"{locale} needs {catalog.num_plurals}")
    _report(problems, f"plural mismatches in {locale}")


def test_english_translation_is_the_source(catalogs):
    problems = []
    for message in _entries(catalogs[SOURCE_LOCALE]):
        wanted = ([message.id[0]] + [message.id[1]] * (len(_forms(message)) - 1)
                  if message.pluralizable else [message.id])
        if _forms(message) != wanted:
            problems.append(f"en: {_key(message)!r} is translated as {_forms(message)!r}")
    _report(problems, "English messages that differ from their source")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_no_translation_is_a_copy_of_the_english(locale, catalogs):
    allowed = _allow_list()
    problems = []
    for message in _entries(catalogs[locale]):
        sources = list(message.id) if message.pluralizable else [message.id]
        copies = [form for form in _forms(message) if form and form in sources]
        if copies and (locale, _key(message)) not in allowed:
            problems.append(f"{_where(locale, message)} is left in English; translate it, or add "
                            f"'{locale}<TAB>{_key(message)}' to {ALLOW_LIST.name} if that is right")
    _report(problems, f"untranslated copies of the English in {locale}")


def test_allow_list_names_real_identical_translations(catalogs):
    """Every line of same_as_source.txt is still needed: a shipped language, a current message,
    and a translation that really equals the source."""
    problems = []
    for locale, msgid in sorted(_allow_list()):
        if locale not in TRANSLATED:
            problems.append(f"{locale}: not a shipped non-English locale ({msgid!r})")
            continue
        message = next((m for m in _entries(catalogs[locale]) if _key(m) == msgid), None)
        if message is None:
            problems.append(f"{locale}: {msgid!r} is not in the catalog")
        elif msgid not in _forms(message):
            problems.append(f"{locale}: {msgid!r} is translated differently; drop the line")
    _report(problems, f"stale lines in {ALLOW_LIST.name}")


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_source(locale, catalogs):
    problems = []
    for message in _entries(catalogs[locale]):
        sources = list(message.id) if message.pluralizable else [message.id]
        forms = _forms(message)
        for index, form in enumerate(forms):
            if not form:
                continue  # reported as empty
            last = index == len(forms) - 1
            if _placeholder_problem(sources, form, every_form=last or not message.pluralizable):
                expected = sources[-1] if (last or not message.pluralizable) else sources[0]
                label = f" (plural form {index})" if message.pluralizable else ""
                problems.append(f"{_where(locale, message)}{label}: placeholders "
                                f"[{_describe(form)}] differ from the source's "
                                f"[{_describe(expected)}] in {form!r}")
    _report(problems, f"placeholder mismatches in {locale}")


@pytest.mark.parametrize("locale", sorted(SCRIPTS))
def test_translation_is_written_in_the_script_of_its_language(locale, catalogs):
    script_name, script = SCRIPTS[locale]
    problems = []
    for message in _entries(catalogs[locale]):
        for form in _forms(message):
            text = BRACE.sub("", PERCENT.sub("", form))
            if LATIN.search(text) and not script.search(text):
                problems.append(f"{_where(locale, message)}: {form!r} has Latin letters and no "
                                f"{script_name}")
    _report(problems, f"{locale} translations not in their script")


def test_simplified_chinese_is_simplified_and_not_japanese(catalogs):
    problems = []
    for message in _entries(catalogs["zh_Hans"]):
        for form in _forms(message):
            traditional = sorted(set(form) & TRADITIONAL_ONLY)
            if traditional:
                problems.append(f"zh_Hans: {_key(message)!r}: Traditional characters "
                                f"{''.join(traditional)} in {form!r}")
            if KANA.search(form):
                problems.append(f"zh_Hans: {_key(message)!r}: Japanese kana in {form!r}")
    _report(problems, "zh_Hans translations that are not Simplified Chinese")


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_is_current(locale):
    """The app reads the .mo files: they must exist and be newer than their .po."""
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    hint = "run: LANTERN_ENV=development .venv/bin/festival compile-translations"
    assert mo.exists(), f"{locale}: {mo.relative_to(ROOT)} is missing; {hint}"
    outdated = mo.stat().st_mtime < po.stat().st_mtime
    assert not outdated, f"{locale}: {mo.name} is older than {po.name}; {hint}"


# --- the checks themselves --------------------------------------------------------------------

@pytest.mark.parametrize(("source_text", "translation", "bad"), [
    ("Hello %(name)s", "Bonjour %(name)s", False),
    ("Hello %(name)s", "Bonjour %(nom)s", True),
    ("Hello %(name)s", "Bonjour", True),
    ("%(n)d of %(m)d", "%(m)d / %(n)d", False),          # named ones may move
    ("%s of %d", "%d / %s", True),                        # positional ones may not
    ("%(n)d%% done", "%(n)d %% fait", False),             # %% is not a placeholder
    ("{count} lanterns", "{count} lanternes", False),
    ("{count} lanterns", "{nombre} lanternes", True),
    ("Hello %(name)s", "Bonjour %(name)d", True),
])
def test_placeholder_check(source_text, translation, bad):
    assert _placeholder_problem([source_text], translation, every_form=True) is bad


def test_plural_forms_may_spell_out_the_count():
    sources = ["%(n)d lantern in %(city)s", "%(n)d lanterns in %(city)s"]
    assert not _placeholder_problem(sources, "فانوس واحد في %(city)s", every_form=False)
    assert _placeholder_problem(sources, "فانوس واحد", every_form=False)          # lost %(city)s
    assert _placeholder_problem(sources, "%(x)d فانوس في %(city)s", every_form=False)
    assert _placeholder_problem(sources, "فوانيس في %(city)s", every_form=True)   # last form
