"""The translation catalogs are complete, consistent with the code, and really switch the portal to English.

Chinese is the source language: its catalog repeats every msgid; the English catalog translates each one.
The rendering tests compile the current .po files into a temporary LOCALE_PATHS, so they test the
catalogs as committed and do not depend on a previous `make messages`.
"""

import ast
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import templatize

from certification.views.filing_form import MARKERS
from tests import factories

BASE_DIR = Path(settings.BASE_DIR)
CATALOGS = {
    "en": BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po",
    "zh_Hans": BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
}
# Directories `makemessages` is told to skip (see the Makefile / README).
NOT_SCANNED = {".venv", "node_modules", "staticfiles", "tests", "benchmarks", ".git", "locale"}

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)(?:[.\[]\w+\]?)*(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def load(lang: str) -> polib.POFile:
    return polib.pofile(str(CATALOGS[lang]))


def live_entries(catalog: polib.POFile):
    return [entry for entry in catalog if not entry.obsolete]


def placeholders(text: str, flags) -> Counter:
    found = Counter()
    if "python-format" in flags or "%(" in text:
        found.update(m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text.replace("%%", "")))
    if "python-brace-format" in flags:
        found.update("{" + m.group(1) + "}" for m in BRACE_PLACEHOLDER.finditer(text))
    return found


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- the catalogs themselves -------------------------------------------------------------------


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_catalog_is_complete_and_has_no_fuzzy_entries(lang):
    catalog = load(lang)
    entries = live_entries(catalog)
    assert len(entries) > 100
    untranslated = [entry.msgid for entry in entries if not all(text.strip() for text in translations(entry))]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy}"
    assert not catalog.metadata_is_fuzzy, f"{lang}: the header is still marked fuzzy"
    assert catalog.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_chinese_catalog_repeats_every_source_string():
    catalog = load("zh_Hans")
    assert catalog.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    different = [
        entry.msgid for entry in live_entries(catalog) if entry.msgstr_plural == {} and entry.msgstr != entry.msgid
    ]
    assert not different


def test_both_catalogs_hold_the_same_messages():
    def keys(lang):
        return {(entry.msgctxt, entry.msgid) for entry in live_entries(load(lang))}

    assert keys("en") == keys("zh_Hans")


def test_english_translations_keep_every_placeholder_and_contain_no_chinese():
    catalog = load("en")
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    wrong_placeholders, still_chinese = [], []
    for entry in live_entries(catalog):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = placeholders(sources[-1], entry.flags)
        for text in translations(entry):
            if placeholders(text, entry.flags) != expected:
                wrong_placeholders.append((entry.msgid, text))
            if "python-format" in entry.flags and "%" in PERCENT_PLACEHOLDER.sub("", text.replace("%%", "")):
                wrong_placeholders.append((entry.msgid, text))  # a literal % must be written %%
            if CJK.search(text.replace("“", "").replace("”", "")):
                still_chinese.append((entry.msgid, text))
    assert not wrong_placeholders
    assert not still_chinese


def test_placeholder_check_catches_a_mistake():
    flags = ["python-format"]
    assert placeholders("共 %(rows)s 行", flags) != placeholders("%(row)s rows", flags)
    assert placeholders("已处理 {done} / {total}", ["python-brace-format"]) != placeholders(
        "Processed {done}", ["python-brace-format"]
    )
    assert placeholders("用时 {seconds:.1f} 秒", ["python-brace-format"]) == placeholders(
        "took {seconds:.1f} s", ["python-brace-format"]
    )
    assert placeholders("进度（%）", []) == Counter()
    assert placeholders("目标 %(target)s%%", flags) == placeholders("target %(target)s%", flags)
    assert "%" in PERCENT_PLACEHOLDER.sub("", "target %(target)s%".replace("%%", ""))


# --- the catalogs are current ------------------------------------------------------------------

GETTEXT_NAMES = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def _scanned_files(suffixes):
    for path in BASE_DIR.rglob("*"):
        relative = path.relative_to(BASE_DIR)
        if relative.parts[0] in NOT_SCANNED or path.suffix not in suffixes or not path.is_file():
            continue
        yield path


def python_messages() -> set[tuple[str | None, str]]:
    """Messages that makemessages (xgettext) extracts from Python: literal arguments of gettext calls.

    Calls inside f-strings are left out: xgettext 0.21 does not look into them, so such a message
    can never reach the catalog (the call must move out of the f-string instead).
    """
    found = set()
    for path in _scanned_files({".py"}):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = {
            id(inner) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in in_fstrings:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_NAMES:
                continue
            context_at, message_at = GETTEXT_NAMES[name]
            literal = [isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args]
            if len(node.args) <= message_at or not literal[message_at]:
                continue
            context = node.args[context_at].value if context_at is not None and literal[context_at] else None
            found.add((context, node.args[message_at].value))
    return found


def test_gettext_is_imported_only_under_names_makemessages_knows():
    """xgettext finds messages by the call's name: ``gettext_lazy as _lazy("…")`` is never extracted, so its
    text stays Chinese on every English page."""
    aliased = [
        f"{path.relative_to(BASE_DIR)}: {alias.name} as {alias.asname}"
        for path in _scanned_files({".py"})
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.asname and alias.name in GETTEXT_NAMES and alias.asname not in GETTEXT_NAMES
    ]
    assert not aliased, aliased


TEMPLATIZED_CALL = re.compile(r"\b(n?p?gettext)\(((?:\s*u?'(?:[^'\\]|\\.)*'\s*,?)+)")
LITERAL = re.compile(r"u?'(?:[^'\\]|\\.)*'")


def template_messages() -> set[tuple[str | None, str]]:
    found = set()
    for path in _scanned_files({".html", ".txt"}):
        source = path.read_text(encoding="utf-8")
        if "{% load i18n" not in source and "{%load i18n" not in source:
            continue
        for function, arguments in TEMPLATIZED_CALL.findall(templatize(source, origin=str(path))):
            literals = [ast.literal_eval(text.lstrip("u")) for text in LITERAL.findall(arguments)]
            if function.startswith(("pgettext", "npgettext")):
                found.add((literals[0], literals[1]))
            else:
                found.add((None, literals[0]))
    return found


def test_every_message_in_the_code_and_templates_is_in_the_catalogs():
    in_code = python_messages()
    in_templates = template_messages()
    assert (None, "登录") in in_templates
    assert (None, "第 %(number)s 页") in in_templates  # blocktranslate with a variable
    assert (None, "首页") in in_code
    catalog = {(entry.msgctxt, entry.msgid) for entry in live_entries(load("en"))}
    missing = sorted(message for _context, message in (in_code | in_templates) - catalog)
    assert not missing, "run makemessages (see README) and translate: " + ", ".join(missing)


# --- rendering in English ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    root = tmp_path_factory.mktemp("locale")
    for lang in CATALOGS:
        target = root / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        load(lang).save_as_mofile(str(target / "django.mo"))
    return root


@pytest.fixture
def current_catalogs(settings, compiled_locale):
    # Changing LOCALE_PATHS resets Django's translation cache (and again when the test ends).
    settings.LOCALE_PATHS = [compiled_locale]


def navigation_text(body: str) -> str:
    navigation = re.search(r"<nav class=\"navbar.*?</nav>", body, re.S).group(0)
    # The language menu names each language in itself (简体中文 / English), on purpose.
    navigation = re.sub(r"<select.*?</select>", "", navigation, flags=re.S)
    return re.sub(r"<[^>]+>", " ", navigation)


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style|select)\b.*?</\1>", "", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.django_db
def test_home_and_login_pages_in_english(client, current_catalogs):
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in home
    assert "Tech-based SME Portal" in home
    assert "Log in" in navigation_text(home)
    assert "Enterprise sign-up" in navigation_text(home)
    assert not CJK.search(navigation_text(home)), navigation_text(home)
    assert not CJK.search(visible_text(home)), visible_text(home)

    login = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Log in</title>" in login
    assert "Forgot your password?" in login
    assert not CJK.search(navigation_text(login))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_official", ["Enterprise directory", "Registry import", "City official", "Log out"]),
        ("enterprise_user", ["Enterprise profile", "Enterprise user", "Log out"]),
        ("department_user", ["Department user", "Log out"]),
    ],
)
def test_navigation_of_each_role_in_english(persona_client, current_catalogs, persona, expected):
    client = persona_client(persona)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    text = navigation_text(client.get(reverse("home")).content.decode())
    for label in expected:
        assert label in text
    assert not CJK.search(text), text


@pytest.mark.django_db
def test_chinese_stays_the_default(client, current_catalogs):
    body = client.get(reverse("home")).content.decode()
    assert "登录" in navigation_text(body)
    assert "Log in" not in body


def test_review_actions_and_step_markers_read_as_actions_in_english(persona_client, current_catalogs, enterprise):
    """A state and the action that leads to it share their Chinese words (不予通过, 退回修改), not their English
    ones: the review page names its actions as actions; the filing's step bar marks its steps in English."""
    filing = factories.ApplicationFactory(enterprise=enterprise, state="submitted")
    client = persona_client("district_official")
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    page = client.get(reverse("certification:review_detail", args=[filing.pk])).content.decode()
    assert ">Reject</button>" in page and ">Return for revision</h3>" in page
    with translation.override("en"):
        assert [str(label) for _icon, label, _style in MARKERS.values()] == [
            "Needs correction",
            "Has return comments",
            "Evidence missing",
        ]
