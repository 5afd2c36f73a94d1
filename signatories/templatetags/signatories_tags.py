from django import template
from django.utils.translation import get_language
from django_countries import countries

from ..countries import country_choices
from ..forms import SignatureForm
from ..models import OrganisationType
from ..selectors import (
    letter_public_signatories,
    letter_signatory_countries,
    letter_signature_count,
)

register = template.Library()


@register.inclusion_tag("signatories/_counter.html")
def signature_counter(letter):
    count = letter_signature_count(letter=letter)
    goal = letter.goal or 0
    return {
        "letter": letter,
        "count": count,
        "goal": goal,
        "percent": min(100, round(100 * count / goal)) if goal else 100,
        "open": letter.is_signing_open(),
    }


@register.inclusion_tag("signatories/_sign_form.html", takes_context=True)
def sign_form(context, letter, form=None):
    return {
        "request": context.get("request"),
        "letter": letter,
        "form": form or SignatureForm(letter=letter),
        "open": letter.is_signing_open(),
        "count": letter_signature_count(letter=letter),
    }


def _cursor(value) -> int | None:
    try:
        cursor = int(value)
    except (TypeError, ValueError):
        return None
    return cursor if 0 < cursor < 2**62 else None


def _present_countries(letter) -> list[tuple[str, str]]:
    """The filter's countries, named and sorted in the page's language."""
    present = set(letter_signatory_countries(letter=letter))
    return [pair for pair in country_choices(get_language()) if pair[0] in present]


@register.inclusion_tag("signatories/_signatory_list.html", takes_context=True)
def signatory_list(context, letter, limit=50):
    request = context.get("request")
    params = request.GET if request else {}
    country = params.get("country", "").upper()
    country = country if country in dict(countries) else ""
    kind = params.get("type", "")
    kind = kind if kind in OrganisationType.values else ""
    page = letter_public_signatories(
        letter=letter,
        country=country,
        organisation_type=kind,
        after=_cursor(params.get("after")),
        limit=limit,
    )
    groups: dict[str, list] = {}
    for signature in page.items:
        groups.setdefault(signature.get_organisation_type_display(), []).append(
            signature
        )
    return {
        "request": request,
        "letter": letter,
        "page": page,
        "groups": groups,
        "country": country,
        "type": kind,
        "countries": _present_countries(letter),
        "types": OrganisationType.choices,
        "filtered": bool(country or kind or params.get("after")),
    }
