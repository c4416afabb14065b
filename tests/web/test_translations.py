"""Translation files: complete, reviewed and used by the pages, in every language of LANGUAGES.

The completeness check extracts msgids from the sources in pure Python, as `makemessages`
would (templates through Django's `templatize`, Python through `ast`), so it needs no GNU
gettext. When it fails, re-run extraction and translate: see src/kiban/locale/README.md.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

import kiban

SOURCE_DIR = Path(kiban.__file__).resolve().parent
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["ja", "ja-easy"]
SKIPPED_DIRS = {"migrations", "locale", "__pycache__"}

# gettext keyword -> positions of (context, singular, plural), as makemessages passes them
# to xgettext.
KEYWORDS = {
    **dict.fromkeys(
        ["_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"],
        (None, 0, None),
    ),
    **dict.fromkeys(["ngettext", "ngettext_lazy", "ungettext"], (None, 0, 1)),
    **dict.fromkeys(["pgettext", "pgettext_lazy"], (0, 1, None)),
    **dict.fromkeys(["npgettext", "npgettext_lazy"], (0, 1, 2)),
}
_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
# The calls that `templatize` writes for {% translate %}, {% blocktranslate %} and _("…").
TEMPLATE_CALL = re.compile(
    rf"\b(_|gettext|ngettext|pgettext|npgettext)\(\s*((?:{_LITERAL}\s*,\s*)*{_LITERAL})"
    r"\s*(?:,\s*count\s*)?\)"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
KANJI = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]"
# A kanji word with its reading right after it: 申請（しんせい）, 書（か）いて.
KANJI_WITH_READING = re.compile(rf"{KANJI}+[ぁ-ゖ]{{0,3}}（[ぁ-ゖー ]+）")


def po_path(language: str) -> Path:
    return LOCALE_DIR / to_locale(language) / "LC_MESSAGES" / "django.po"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(po_path(language)))


def _source_files(suffixes: set[str]):
    for path in sorted(SOURCE_DIR.rglob("*")):
        parts = set(path.relative_to(SOURCE_DIR).parts)
        hidden = any(part.startswith(".") for part in parts)
        if path.is_file() and path.suffix in suffixes and not parts & SKIPPED_DIRS and not hidden:
            yield path


def _message(args: list[str], positions: tuple) -> tuple[str | None, str]:
    context, singular, _plural = positions
    return (args[context] if context is not None else None, args[singular])


def _gettext_calls(tree: ast.AST):
    """Yield (call, (context, msgid)) for gettext calls whose message arguments are literals."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        positions = KEYWORDS.get(name)
        if positions is None:
            continue
        needed = max(p for p in positions if p is not None) + 1
        args = [a.value for a in node.args[:needed] if isinstance(a, ast.Constant)]
        if len(args) == needed and all(isinstance(a, str) for a in args):
            yield node, _message(args, positions)


def _fstring_calls(tree: ast.AST) -> list[tuple[ast.Call, tuple[str | None, str]]]:
    return [
        found
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for found in _gettext_calls(node)
    ]


def fstring_gettext_calls(source: str) -> list[tuple[int, str]]:
    """Return (line, msgid) of gettext calls inside f-strings, which xgettext never extracts."""
    return sorted((call.lineno, message[1]) for call, message in _fstring_calls(ast.parse(source)))


def python_msgids(source: str) -> set[tuple[str | None, str]]:
    """Return (context, msgid) of the gettext calls that makemessages extracts from Python."""
    tree = ast.parse(source)
    hidden = {id(call) for call, _message in _fstring_calls(tree)}
    return {message for call, message in _gettext_calls(tree) if id(call) not in hidden}


def template_msgids(source: str, origin: str) -> set[tuple[str | None, str]]:
    """Return (context, msgid) of every translation tag in a Django template."""
    found = set()
    for match in TEMPLATE_CALL.finditer(templatize(source, origin=origin)):
        args = list(ast.literal_eval(f"({match[2]},)"))
        found.add(_message(args, KEYWORDS[match[1]]))
    return found


def source_msgids() -> set[tuple[str | None, str]]:
    found = set()
    for path in _source_files({".py"}):
        found |= python_msgids(path.read_text(encoding="utf-8"))
    for path in _source_files({".html", ".txt"}):
        found |= template_msgids(path.read_text(encoding="utf-8"), str(path))
    return found


def translation_of(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


# --- the files --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_has_a_po_file(language):
    assert po_path(language).is_file(), f"missing {po_path(language)}"
    assert catalogue(language).metadata["Language"] == language


def test_locale_directory_of_easy_japanese_is_ja_Easy():
    assert po_path("ja-easy").parent.parent.name == "ja_Easy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_msgid_is_translated_and_reviewed(language):
    po = catalogue(language)
    untranslated = [e.msgid for e in po if not all(translation_of(e))]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]

    assert not po.metadata_is_fuzzy
    assert untranslated == [], f"{language}: no translation for {untranslated}"
    assert fuzzy == [], f"{language}: fuzzy (review, then remove the flag): {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    changed = [
        (e.msgid, text)
        for e in catalogue(language)
        for text in translation_of(e)
        if text
        and sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(e.msgid)))
    ]

    assert changed == [], f"{language}: placeholders differ: {changed}"


def test_easy_japanese_gives_the_reading_of_every_kanji():
    """やさしい日本語: a kanji word is followed by its reading in （）, else written in kana."""
    bare = [
        (e.msgid, text)
        for e in catalogue("ja-easy")
        for text in translation_of(e)
        if re.search(KANJI, KANJI_WITH_READING.sub("", text))
    ]

    assert bare == [], f"kanji without a reading: {bare}"


# --- complete against the sources ---------------------------------------------------------------


def test_extraction_finds_template_and_python_strings():
    template = (
        '{% load i18n %}{% translate "Sign in" %}{% translate "Key" context "totp" %}'
        "{% blocktranslate count n=k %}{{ n }} file{% plural %}{{ n }} files{% endblocktranslate %}"
    )
    python = 'from x import gettext_lazy as _\nA = _("Yes")\nB = pgettext("menu", "Open")\n'

    assert template_msgids(template, "t.html") == {
        (None, "Sign in"),
        ("totp", "Key"),
        (None, "%(n)s file"),
    }
    assert python_msgids(python) == {(None, "Yes"), ("menu", "Open")}
    assert python_msgids("x = f\" {_('and')} \"") == set()
    assert fstring_gettext_calls("x = f\" {_('and')} \"") == [(1, "and")]


def test_no_gettext_call_hides_inside_an_f_string():
    """makemessages (xgettext) skips f"{_('x')}", so such a string is never translated."""
    hidden = [
        f"{path.relative_to(SOURCE_DIR)}:{line} {msgid!r}"
        for path in _source_files({".py"})
        for line, msgid in fstring_gettext_calls(path.read_text(encoding="utf-8"))
    ]

    assert hidden == [], (
        "gettext inside an f-string is not extracted; translate outside the f-string:\n  "
        + "\n  ".join(hidden)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_po_file_has_every_msgid_of_the_sources(language):
    in_po = {(e.msgctxt, e.msgid) for e in catalogue(language) if not e.obsolete}
    missing = sorted(source_msgids() - in_po, key=lambda m: (m[0] or "", m[1]))

    assert missing == [], (
        f"{language}: {len(missing)} source string(s) have no translation; re-run makemessages "
        "(src/kiban/locale/README.md) and translate:\n"
        + "\n".join(f"  {m[1]!r}" + (f" (context {m[0]!r})" if m[0] else "") for m in missing)
    )


# --- the pages ----------------------------------------------------------------------------------


def _page(client, path: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_sign_in_page_in_japanese(client):
    html = _page(client, "/accounts/sign-in/", "ja")

    assert '<html lang="ja"' in html
    assert "<h1>ログイン</h1>" in html
    assert "パスワードをお忘れの方" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_sign_in_page_in_english(client):
    html = _page(client, "/accounts/sign-in/", "en")

    assert '<html lang="en"' in html
    assert "<h1>Sign in</h1>" in html
    assert "Forgot your password?" in html
    assert "ログイン" not in html


@pytest.mark.django_db
def test_sign_in_page_in_easy_japanese_is_marked_as_japanese(client):
    html = _page(client, "/accounts/sign-in/", "ja-easy")

    assert '<html lang="ja"' in html
    assert "<h1>ログイン</h1>" in html
    assert "パスワードを わすれた とき" in html
    assert "パスワードをお忘れの方" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "lang", "title", "empty"),
    [
        ("ja", "ja", "オンライン手続き", "現在、公開中のオンライン手続きはありません。"),
        ("en", "en", "Online services", "No online services are published yet."),
        (
            "ja-easy",
            "ja",
            "インターネットで できる 手続（てつづ）き",
            "いまは インターネットで できる 手続（てつづ）きは ありません。",
        ),
    ],
    ids=["ja", "en", "ja-easy"],
)
def test_services_page_in_each_language(client, language, lang, title, empty):
    html = _page(client, "/services/", language)

    assert f'<html lang="{lang}"' in html
    assert f"<h1>{title}</h1>" in html
    assert empty in html
