"""Tags for the letter page and the CMS plugins. They render what they are handed.

Query strings are parsed by the views (``filters.SignatoryFilterForm``); the tags
never read ``request.GET``.
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import get_language

from ..countries import country_choices
from ..forms import SignatureForm
from ..models import OrganisationType
from ..selectors import (
    SignatoryListing,
    letter_signature_count,
    letter_signature_counts,
)
from ..selectors import letter_change_log as change_log_entries

register = template.Library()


@register.inclusion_tag("signatories/_counter.html")
def signature_counter(letter, count=None):
    """The count and goal bar; ``count`` from the view saves a second tally read."""
    if count is None:
        count = letter_signature_count(letter=letter)
    goal = letter.goal or 0
    return {
        "letter": letter,
        "count": count,
        "goal": goal,
        "percent": min(100, round(100 * count / goal)) if goal else 100,
        "open": letter.is_signing_open(),
    }


@register.simple_tag
def signature_counts(letters) -> dict[int, int]:
    """Public counts of many letters in one tally read (for lists of teasers)."""
    return letter_signature_counts(letters=letters)


@register.inclusion_tag("signatories/_teaser_counter.html")
def teaser_counter(letter, counts=None):
    """A letter teaser's count and goal bar; ``counts`` from ``signature_counts``.

    Without ``counts`` it reads the letter's tally (a teaser plugin; its
    placeholder is cached and cleared when the count moves).
    """
    if isinstance(counts, dict):
        count = counts.get(letter.pk, 0)
    else:
        count = letter_signature_count(letter=letter)
    goal = letter.goal or 0
    return {
        "letter": letter,
        "count": count,
        "goal": goal,
        "percent": min(100, round(100 * count / goal)) if goal else 100,
    }


def _version_link(name: str, letter, number: int, language: str) -> str:
    # In the language of the text listed (the reader's, or its fallback's); no link
    # where there is no such page.
    with translation.override(language):
        try:
            return reverse(
                f"letters:{name}", kwargs={"slug": letter.slug, "number": number}
            )
        except NoReverseMatch:
            return ""


@register.inclusion_tag("signatories/_change_log.html")
def letter_change_log(letter):
    """The public change log of the text shown: versions, dates, notes and counts.

    Per-version counts come from the tally the services keep; the letter page's
    cache moves with it (as for the counter).
    """
    content = letter.content()
    language = content.language if content is not None else get_language()
    entries = change_log_entries(letter=letter, language=language)
    versions = [
        {
            "entry": entry,
            "url": _version_link("letter-version", letter, entry.number, language),
            # The differences page compares a version with the current text.
            "diff_url": ""
            if entry.current
            else _version_link("letter-diff", letter, entry.number, language),
        }
        for entry in entries
    ]
    return {"letter": letter, "versions": versions, "page_language": get_language()}


@register.inclusion_tag("signatories/_sign_form.html", takes_context=True)
def sign_form(context, letter, form=None, count=None):
    is_open = letter.is_signing_open()
    if not is_open and count is None:  # the closed notice names the final count
        count = letter_signature_count(letter=letter)
    return {
        "request": context.get("request"),
        "letter": letter,
        "form": form or SignatureForm(letter=letter),
        "open": is_open,
        "count": count,
    }


@register.inclusion_tag("signatories/_signatory_frame.html")
def signatory_frame(letter):
    """The list in a frame of its own page: never part of a shared-cached page."""
    return {"letter": letter}


@register.inclusion_tag("signatories/_signatory_list.html")
def signatory_list(listing: SignatoryListing, target: str = ""):
    """One page of the list, grouped by type, with the filter form."""
    groups: dict[str, list] = {}
    for signature in listing.page.items:
        groups.setdefault(signature.get_organisation_type_display(), []).append(
            signature
        )
    return {
        "letter": listing.letter,
        "page": listing.page,
        "groups": groups,
        "country": listing.country,
        "type": listing.organisation_type,
        "countries": _present_countries(listing.countries),
        "types": OrganisationType.choices,
        "filtered": bool(listing.country or listing.organisation_type or listing.after),
        "target": target,
    }


def _present_countries(codes) -> list[tuple[str, str]]:
    """The filter's countries, named and sorted in the page's language."""
    present = set(codes)
    return [pair for pair in country_choices(get_language()) if pair[0] in present]


# Rendered unbound selects, per process: the ~250-option country list costs ~20 ms
# to render and is the same for every visitor of a language.
_WIDGET_HTML: dict[tuple, str] = {}


@register.filter
def widget_html(field) -> str:
    """``{{ field }}``, remembered per language while the form is unbound."""
    choices = getattr(field.field, "choices", None)
    if field.form.is_bound or field.errors or choices is None:
        return str(field)
    try:
        short = len(choices) < 50
    except TypeError:  # a callable list (the countries, per language): long
        short = False
    if short:
        return str(field)
    key = (
        get_language(),
        field.html_name,
        field.auto_id,
        field.field.required,
        str(field.help_text),
        repr(field.initial),
        repr(sorted(field.field.widget.attrs.items())),
    )
    html = _WIDGET_HTML.get(key)
    if html is None:
        html = _WIDGET_HTML[key] = str(field)
    return html
