import ast
import io
import re
import tokenize
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.template import templatize

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
ROOT = Path(settings.BASE_DIR)
# What `make messages` leaves out of the catalogues (see the Makefile).
SKIPPED_DIRS = {".venv", "var", "tests", "bench", "locale", "node_modules"}
# The keywords makemessages passes to xgettext, with the position of the context
# and of the message (and plural) among the arguments.
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
PLACEHOLDER = re.compile(r"%(?:\([a-zA-Z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def catalogue(language: str) -> polib.POFile:
    """Parse one language's catalogue."""
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def source_files(*suffixes: str):
    """Yield the files makemessages reads, in a stable order."""
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.suffix not in suffixes or not path.is_file():
            continue
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts):
            continue
        yield path


def python_messages(path: Path):
    """Yield (context, msgid, plural) for each gettext call on literals in a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        literals = [
            arg.value
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            else None
            for arg in node.args
        ]
        message = _pick(KEYWORDS[name], literals)
        if message:
            yield message


def template_messages(path: Path):
    """Yield (context, msgid, plural) for each string a template marks."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    # Only the calls matter: drop the indentation that tokenize would check.
    source = "\n".join(line.lstrip() for line in source.splitlines()) + "\n"
    tokens = [
        token
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS:
            continue
        if tokens[index + 1].string != "(":
            continue
        literals, current, depth = [], None, 0
        for inner in tokens[index + 2 :]:
            if inner.string in "([{" and inner.type == tokenize.OP:
                depth += 1
            elif inner.string in ")]}" and inner.type == tokenize.OP:
                if depth == 0:
                    break
                depth -= 1
            elif inner.string == "," and depth == 0:
                literals.append(current)
                current = None
            elif inner.type == tokenize.STRING:
                current = (current or "") + ast.literal_eval(inner.string)
        literals.append(current)
        message = _pick(KEYWORDS[token.string], literals)
        if message:
            yield message


def _pick(positions, literals):
    context_at, msgid_at, plural_at = positions
    try:
        context = None if context_at is None else literals[context_at]
        msgid = literals[msgid_at]
        plural = None if plural_at is None else literals[plural_at]
    except IndexError:
        return None
    if msgid is None or (context_at is not None and context is None):
        return None  # not a literal: xgettext cannot see it either
    return context, msgid, plural


def marked_messages():
    """Every (context, msgid, plural) the code and templates mark for translation."""
    found = {}
    for path in source_files(".py"):
        for context, msgid, plural in python_messages(path):
            found[(context, msgid)] = (plural, path.relative_to(ROOT))
    for path in source_files(".html", ".txt"):
        for context, msgid, plural in template_messages(path):
            found[(context, msgid)] = (plural, path.relative_to(ROOT))
    return found


def placeholders(text: str) -> list[str]:
    """The printf placeholders and HTML tags of a message, sorted."""
    return sorted(PLACEHOLDER.findall(text) + TAG.findall(text))


def test_marked_messages_are_found():
    """The extractor sees strings from Python code, templates and email templates."""
    found = marked_messages()
    assert (None, "English") in found
    assert ("counter", "signature") in found
    assert (None, "Sign") in found
    assert any(str(path).endswith(".txt") for _plural, path in found.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language):
    """Each string the code marks has an entry: `make messages` was run after it."""
    entries = {(e.msgctxt, e.msgid) for e in catalogue(language) if not e.obsolete}
    missing = [
        f"{path}: {msgid!r}"
        for (context, msgid), (_plural, path) in marked_messages().items()
        if (context, msgid) not in entries
    ]
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    """Every entry of the catalogue is translated and none is marked fuzzy."""
    po = catalogue(language)
    bad = [
        ("fuzzy" if "fuzzy" in entry.flags else "untranslated") + f": {entry.msgid!r}"
        for entry in po
        if not entry.obsolete and ("fuzzy" in entry.flags or not entry.translated())
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_fill_every_form(language):
    """A plural entry fills exactly the forms its catalogue's header declares."""
    po = catalogue(language)
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])[1])
    for entry in po:
        if entry.msgid_plural and not entry.obsolete:
            assert sorted(entry.msgstr_plural) == list(range(nplurals)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_tags(language):
    """A translation keeps every placeholder and HTML tag of the English text."""
    for entry in catalogue(language):
        if entry.obsolete or not entry.translated():
            continue
        if entry.msgid_plural:
            # A singular form may spell out "one" instead of the number.
            wanted = set(placeholders(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                assert set(placeholders(form)) <= wanted, (entry.msgid, form)
            assert set(placeholders(entry.msgstr_plural[1])) == wanted, entry.msgid
        else:
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), (
                entry.msgid,
                entry.msgstr,
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    """The committed .mo holds exactly the .po's translations: it was recompiled."""
    po = catalogue(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))

    def table(entries, skip_fuzzy):
        rows = {}
        for entry in entries:
            if not entry.msgid or entry.obsolete:
                continue
            if skip_fuzzy and "fuzzy" in entry.flags:
                continue  # msgfmt leaves fuzzy entries out
            value = entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            if entry.msgstr or any(entry.msgstr_plural.values()):
                rows[(entry.msgctxt, entry.msgid)] = value
        return rows

    assert table(mo, skip_fuzzy=False) == table(po, skip_fuzzy=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_login_messages_of_packages_are_translated(language):
    """django-otp's and django-axes's login messages read in every site language."""
    from django_otp.forms import OTPAuthenticationFormMixin

    messages = dict(OTPAuthenticationFormMixin.otp_error_messages)
    messages["lockout"] = settings.AXES_COOLOFF_MESSAGE
    with translation.override("en"):
        english = {key: str(text) for key, text in messages.items()}
    with translation.override(language):
        for key, text in messages.items():
            if key == "n_failed_attempts":
                assert text % {"failure_count": 3} != english[key] % {
                    "failure_count": 3
                }, key
            else:
                assert str(text) != english[key], key
        assert gettext("OTP Token:") != "OTP Token:"
