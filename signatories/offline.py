"""Signatures gathered offline: the CSV file an editor imports. Reads only.

An event's sign-up sheet, letters by post or a partner's spreadsheet become one CSV
file (``template_csv`` has the columns). ``csv_rows`` reads it, ``row_validate``
checks each row with the public sign form's own fields, and
``services.signatures_import`` stores the valid rows.
"""

import csv
import functools
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pages.models import Letter

from .addresses import email_canonical
from .countries import country_choices
from .forms import ORGANISATION_FIELDS, SignatureForm
from .models import OrganisationType, SignerKind

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000

# The columns, in the template's order. Only these are read; any other is an error,
# so a misspelt "contact emial" cannot silently drop every address.
COLUMNS = (
    "organisation",
    "website",
    "country",
    "organisation_type",
    "contact_name",
    "contact_role",
    "contact_email",
    "listed",
    "newsletter",
    "comment",
    "kind",
    "language",
)
REQUIRED_COLUMNS = ("country", "contact_name", "listed")
# Spellings a partner's spreadsheet may use for our columns.
ALIASES = {
    "organization": "organisation",
    "name": "contact_name",
    "email": "contact_email",
    "role": "contact_role",
    "type": "organisation_type",
    "is_public": "listed",
    "public": "listed",
}
TEMPLATE_EXAMPLE = {
    "organisation": "Kestrel Rights Alliance",
    "website": "https://kestrel.example",
    "country": "DE",
    "organisation_type": "ngo",
    "contact_name": "Anna Beispiel",
    "contact_role": "Director",
    "contact_email": "anna@kestrel.example",
    "listed": "yes",
    "newsletter": "no",
    "comment": "",
    "kind": "organisation",
    "language": "de",
}
# What each column holds, for the import page.
COLUMN_HELP = {
    "organisation": gettext_lazy("The organisation's name (required for one)."),
    "website": gettext_lazy("Optional."),
    "country": gettext_lazy(
        "Required: a two-letter code (DE) or the country's name in English, "
        "Russian, German or Ukrainian."
    ),
    "organisation_type": gettext_lazy(
        "Required for an organisation: ngo, media, union, academic, company or "
        "other (or the type's name)."
    ),
    "contact_name": gettext_lazy("Required: the person who signed."),
    "contact_role": gettext_lazy("Optional."),
    "contact_email": gettext_lazy(
        "Optional. With an address, the signer gets the usual confirmation email "
        "and counts once they confirm. Without one, the signature counts once an "
        "editor approves it."
    ),
    "listed": gettext_lazy(
        "Required: yes or no, as the signer chose on paper (may we name them "
        "publicly?)."
    ),
    "newsletter": gettext_lazy("Optional: yes or no (no if empty)."),
    "comment": gettext_lazy("Optional."),
    "kind": gettext_lazy(
        "Optional: organisation (if empty) or individual, where the letter "
        "allows individuals."
    ),
    "language": gettext_lazy(
        "Optional: en, ru, de or uk, the language of the emails (the import's "
        "language if empty)."
    ),
}

YES = frozenset({"yes", "y", "true", "1", "x", "ja", "j", "да", "так", "oui"})
NO = frozenset({"no", "n", "false", "0", "", "nein", "нет", "ні", "non"})


class CsvError(ValueError):
    """The file cannot be read as an import; the message says why, for the editor."""


@dataclass(frozen=True)
class CsvRow:
    """One data row of the file: its line number and its cells by column."""

    line: int
    values: dict[str, str]
    extra_cells: bool = False  # more cells than the header has columns


@dataclass(frozen=True)
class RowCheck:
    """A row as checked: keyword arguments for the services, or its errors."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    email_normalised: str = ""
    offline_key: str = ""

    @property
    def name(self) -> str:
        return (
            self.data.get("organisation")
            or self.data.get("contact_name")
            or self.values.get("organisation", "")
            or self.values.get("contact_name", "")
        )


def template_csv() -> str:
    """The file editors start from: the header and one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([TEMPLATE_EXAMPLE[column] for column in COLUMNS])
    return buffer.getvalue()


def _fold(value: str) -> str:
    """Compare names and words by this: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _delimiter(header_line: str) -> str:
    """A comma, or what a spreadsheet in a comma-decimal locale writes instead."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _column(name: str) -> str:
    key = _fold(name).replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def csv_text(data: bytes) -> str:
    """Decode an uploaded file: UTF-8, with or without a BOM, at most MAX_FILE_BYTES."""
    if len(data) > MAX_FILE_BYTES:
        raise CsvError(
            _("The file is larger than %(size)d KB: split it into smaller files.")
            % {"size": MAX_FILE_BYTES // 1024}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError(
            _("The file is not UTF-8 text. In the spreadsheet, save it as “CSV UTF-8”.")
        ) from None


def csv_rows(text: str) -> list[CsvRow]:
    """Read the text of a CSV file (comma, semicolon or tab separated).

    Raises CsvError for a file that cannot be imported at all: binary, no header,
    unknown, repeated or missing columns, too many rows. A bad row is not an error
    here: ``row_validate`` reports it with the others.
    """
    if "\x00" in text:
        raise CsvError(_("The file holds binary data, not CSV text."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise CsvError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise CsvError(
            _("Line %(line)d cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": exc}
        ) from None
    records = [
        (line, cells) for line, cells in records if any(c.strip() for c in cells)
    ]
    if not records:
        raise CsvError(_("The file is empty."))
    (_line, header), *body = records
    columns = [_column(name) for name in header]  # "" for a blank header cell
    unknown = [
        name[:40]
        for name, col in zip(header, columns, strict=True)
        if col not in COLUMNS
    ]
    unknown = [name for name in unknown if name.strip()]
    if unknown:
        raise CsvError(
            _("Unknown columns: %(columns)s. The template lists the columns read.")
            % {"columns": ", ".join(unknown)}
        )
    columns = [col if col in COLUMNS else "" for col in columns]
    repeated = sorted({col for col in columns if col and columns.count(col) > 1})
    if repeated:
        raise CsvError(
            _("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    missing = [col for col in REQUIRED_COLUMNS if col not in columns]
    if missing:
        raise CsvError(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if len(body) > MAX_ROWS:
        raise CsvError(
            _("The file has more than %(rows)d rows: split it into smaller files.")
            % {"rows": MAX_ROWS}
        )
    return [_csv_row(line, cells, columns) for line, cells in body]


def _csv_row(line: int, cells: list[str], columns: list[str]) -> CsvRow:
    # A short row reads as empty cells; cells past the header are kept to report.
    padded = cells + [""] * (len(columns) - len(cells))
    named = list(zip(columns, padded[: len(columns)], strict=True))
    unnamed = [cell for col, cell in named if not col] + padded[len(columns) :]
    return CsvRow(
        line=line,
        values={col: cell for col, cell in named if col},
        extra_cells=any(cell.strip() for cell in unnamed),
    )


@functools.cache
def _country_codes() -> dict[str, str]:
    """Every country's code and its name in each of the site's languages."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        for code, name in country_choices(language):
            lookup[_fold(name)] = code
    for code, _name in country_choices(settings.LANGUAGE_CODE):
        lookup[code.casefold()] = code
    return lookup


def _choice_lookup(choices) -> dict[str, str]:
    """Each choice's value and its label in every language of the site."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices:
                lookup[_fold(str(label))] = value
    for value, _label in choices:
        lookup[value] = value
    return lookup


@functools.cache
def _type_codes() -> dict[str, str]:
    return _choice_lookup(OrganisationType.choices)


@functools.cache
def _kind_codes() -> dict[str, str]:
    return _choice_lookup(SignerKind.choices)


def offline_key(*, kind: str, name: str, country: str) -> str:
    """The identity of a signature without an email address, for deduplication.

    The organisation's (or individual's) name with case, spaces and punctuation
    ignored, plus its kind and country: "Amnesty International e.V." and
    "AMNESTY INTERNATIONAL EV" from DE are one signer. Hashed to a fixed length.
    """
    folded = "".join(ch for ch in _fold(name) if ch.isalnum())
    raw = f"{kind}\x1f{country.upper()}\x1f{folded}"
    return hashlib.sha256(raw.encode()).hexdigest()


class OfflineRowForm(SignatureForm):
    """One CSV row, checked with the sign form's fields and rules.

    What differs offline: the email is optional (without one, an editor approves
    the signature instead of its signer confirming it); there is no logo; consent
    was given on paper and the editor confirms it for the whole file; no honeypot.
    """

    def __init__(self, *args, letter: Letter, **kwargs):
        super().__init__(*args, letter=letter, **kwargs)
        for name in ("logo", "consent", "fax_number"):
            del self.fields[name]
        self.fields["contact_email"].required = False

    def clean_contact_email(self):
        if not self.cleaned_data["contact_email"]:
            return ""
        return super().clean_contact_email()


# The form's field names as the file calls them.
FIELD_COLUMNS = {"is_public": "listed"}


def _yes_no(value: str) -> bool | None:
    word = _fold(value)
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def row_validate(*, letter: Letter, row: CsvRow, language: str) -> RowCheck:
    """Check one row exactly as the sign form checks a web sign-up (see the form).

    Returns the keyword arguments for the services, or every error of the row, each
    prefixed with its column.
    """
    values = row.values
    errors: list[tuple[str, str]] = []
    data = {
        name: values.get(name, "")
        for name in (
            "organisation",
            "website",
            "contact_name",
            "contact_role",
            "contact_email",
            "comment",
        )
    }
    if row.extra_cells:
        errors.append(("row", _("This row has cells outside the named columns.")))

    country = values.get("country", "").strip()
    data["country"] = _country_codes().get(_fold(country), "") if country else ""
    if country and not data["country"]:
        errors.append(
            (
                "country",
                _("Unknown country “%(value)s”: give its two-letter code or its name.")
                % {"value": country[:60]},
            )
        )
    org_type = values.get("organisation_type", "").strip()
    data["organisation_type"] = _type_codes().get(_fold(org_type), "")
    if org_type and not data["organisation_type"]:
        errors.append(
            (
                "organisation_type",
                _("Unknown type: use ngo, media, union, academic, company or other."),
            )
        )
    kind_word = values.get("kind", "").strip()
    kind = (
        _kind_codes().get(_fold(kind_word), "")
        if kind_word
        else SignerKind.ORGANISATION
    )
    if not kind:
        errors.append(("kind", _("Use organisation or individual.")))
    elif kind == SignerKind.INDIVIDUAL and not letter.allow_individuals:
        errors.append(("kind", _("This letter is signed by organisations only.")))
    data["kind"] = kind or SignerKind.ORGANISATION

    listed = _yes_no(values.get("listed", ""))
    if listed is None or not values.get("listed", "").strip():
        errors.append(
            ("listed", _("Write yes or no: may this signer be named publicly?"))
        )
    elif listed:
        data["is_public"] = "on"
    newsletter = _yes_no(values.get("newsletter", ""))
    if newsletter is None:
        errors.append(("newsletter", _("Write yes or no.")))
    elif newsletter:
        data["newsletter"] = "on"
    row_language = values.get("language", "").strip().lower() or language
    if row_language not in {code for code, _name in settings.LANGUAGES}:
        errors.append(("language", _("Use en, ru, de or uk.")))

    form = OfflineRowForm(data, letter=letter)
    valid = form.is_valid()
    reported = {column for column, _message in errors}
    if kind == SignerKind.INDIVIDUAL and "kind" in reported:
        # Refused as an individual: that the organisation's name and type are
        # missing says nothing more.
        reported |= set(ORGANISATION_FIELDS)
    for name, messages in form.errors.items():
        column = FIELD_COLUMNS.get(name, name)
        if column in reported:
            continue  # our own message about the same cell says more
        errors.extend((column, message) for message in messages)
    if errors or not valid:
        return RowCheck(
            line=row.line,
            values=values,
            errors=[f"{column}: {message}" for column, message in errors],
        )
    kwargs = form.service_kwargs()
    del kwargs["logo"]
    kwargs["language"] = row_language
    kind = kwargs["kind"]
    name = kwargs["organisation"] if kind == SignerKind.ORGANISATION else ""
    email = kwargs["contact_email"]
    return RowCheck(
        line=row.line,
        values=values,
        data=kwargs,
        email_normalised=email_canonical(email) if email else "",
        offline_key=""
        if email
        else offline_key(
            kind=kind,
            name=name or kwargs["contact_name"],
            country=kwargs["country"],
        ),
    )


# Between the preview and the import, the file travels back with the editor's
# second POST, signed: nothing is kept on the server, and what is imported is
# exactly what was previewed, by the same editor, within the hour.
PAYLOAD_SALT = "signatories.offline.import"
PAYLOAD_MAX_AGE = 3600


def import_payload_dumps(
    *, user_id: int, letter_id: int, source_note: str, language: str, text: str
) -> str:
    """Sign what the preview showed, for the form that confirms the import."""
    return signing.dumps(
        {
            "user": user_id,
            "letter": letter_id,
            "note": source_note,
            "language": language,
            "csv": text,
        },
        salt=PAYLOAD_SALT,
        compress=True,
    )


def import_payload_loads(payload: str, *, user_id: int) -> dict:
    """Read a signed import; BadSignature if forged, expired or another editor's."""
    job = signing.loads(payload, salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    if not isinstance(job, dict) or job.get("user") != user_id:
        raise signing.BadSignature("not this editor's import")
    return job
