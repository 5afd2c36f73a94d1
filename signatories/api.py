"""JSON API for embeds and partner sites. No email address ever leaves here."""

import functools
import json

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django_countries import countries

from pages.models import Letter
from pages.selectors import letter_get_public, letter_list_public

from . import selectors, services
from .forms import SignatureForm
from .http import revalidated
from .models import OrganisationType
from .ratelimits import client_ip, signing_rate_limited
from .templatetags.signatories_tags import _cursor

API_LANGUAGES = {code for code, _name in settings.LANGUAGES}
# Every form field except the logo (no uploads over JSON); the honeypot stays
# accepted so that bots filling every field are still caught by it.
API_SIGNATURE_FIELDS = set(SignatureForm.base_fields) - {"logo"}


def _error(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def _language(request) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in API_LANGUAGES else translation.get_language() or "en"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def _letter_summary(letter: Letter, count: int) -> dict:
    return {
        "slug": letter.slug,
        "title": letter.safe_translation_getter("title", any_language=True),
        "recipient": letter.safe_translation_getter("recipient", any_language=True),
        "summary": letter.safe_translation_getter("summary", any_language=True),
        "date": letter.published_on.isoformat(),
        "url": _absolute(letter.get_absolute_url()),
        "signing_open": letter.is_signing_open(),
        "signing_closes": letter.signing_closes.isoformat()
        if letter.signing_closes
        else None,
        "count": count,
        "goal": letter.goal,
    }


def _with_letter(view):
    """Resolve the slug to a published letter (JSON 404 otherwise), in ?lang=."""

    def wrapped(request, slug, *args, **kwargs):
        with translation.override(_language(request)):
            letters = Letter.objects.published().filter(slug=slug)
            letter = letters.prefetch_related("translations").first()
            if letter is None:
                return _error(404, "No such letter.")
            return view(request, letter, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@require_GET
@cache_control(public=True, max_age=60)
def letter_list(request):
    with translation.override(_language(request)):
        letters = list(letter_list_public())
        counts = selectors.letter_signature_counts(letters=letters)
        return JsonResponse(
            {"results": [_letter_summary(lt, counts.get(lt.pk, 0)) for lt in letters]}
        )


@require_GET
@cache_control(public=True, max_age=60)
@_with_letter
def letter_detail(request, letter):
    letter = letter_get_public(slug=letter.slug)
    body = _letter_summary(letter, selectors.letter_signature_count(letter=letter))
    body["recommendations"] = [
        {
            "number": rec.number,
            "anchor": rec.anchor,
            "title": rec.safe_translation_getter("title", any_language=True),
            "status": rec.status,
            "status_date": rec.status_changed_on.isoformat()
            if rec.status_changed_on
            else None,
            "response": rec.safe_translation_getter("response", any_language=True),
        }
        for rec in letter.recommendations.all()
    ]
    return JsonResponse(body)


@require_GET
@revalidated  # a withdrawn organisation must not linger in shared caches
@_with_letter
def signatory_list(request, letter):
    country = request.GET.get("country", "").upper()
    if country and country not in countries:
        return _error(400, "Unknown country code.", field="country")
    kind = request.GET.get("type", "")
    if kind and kind not in OrganisationType.values:
        return _error(400, "Unknown organisation type.", field="type")
    raw_after = request.GET.get("after")
    after = _cursor(raw_after)
    if raw_after and after is None:
        return _error(400, "Bad cursor.", field="after")
    try:
        limit = min(max(int(request.GET.get("limit", 50)), 1), 100)
    except ValueError:
        return _error(400, "Bad limit.", field="limit")
    page = selectors.letter_public_signatories(
        letter=letter, country=country, organisation_type=kind, after=after, limit=limit
    )
    return JsonResponse(
        {
            "count": selectors.letter_signature_count(letter=letter),
            "next": page.next_cursor,
            "results": [
                {
                    "id": s.pk,
                    "organisation": s.organisation,
                    "website": s.website,
                    "country": s.country.code or None,
                    "type": s.organisation_type,
                    "logo": _absolute(
                        reverse("signatories:logo", kwargs={"signature_id": s.pk})
                    )
                    if s.logo
                    else None,
                }
                for s in page.items
            ],
        }
    )


ACCEPTED = {
    "status": "accepted",
    "detail": "If the address is valid, a confirmation email is on its way.",
}


@csrf_exempt  # a cross-site API: no cookies are used, the email link confirms
@require_http_methods(["POST"])
@_with_letter
def signature_create(request, letter):
    if not letter.is_signing_open():
        return _error(409, "Signing is closed for this letter.")
    if not request.content_type.startswith("application/json"):
        return _error(415, "Send JSON (Content-Type: application/json).")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # or absurdly deep
        return _error(400, "The body is not valid JSON.")
    if not isinstance(payload, dict):
        return _error(400, "The body must be a JSON object.")
    unknown = sorted(set(payload) - API_SIGNATURE_FIELDS)
    if unknown:  # a misspelt "is_public" must not quietly unlist a signer
        return _error(
            400,
            "Invalid input.",
            errors={key[:50]: ["Unknown field."] for key in unknown[:20]},
        )
    data = {
        key: ("on" if value is True else "" if value is False else value)
        for key, value in payload.items()
        if isinstance(value, str | bool | int) and key != "logo"
    }
    form = SignatureForm(data, letter=letter)
    if not form.is_valid():
        errors = {
            field: [e["message"] for e in errs]
            for field, errs in form.errors.get_json_data().items()
        }
        return JsonResponse({"detail": "Invalid input.", "errors": errors}, status=400)
    if form.is_spam:
        return JsonResponse(ACCEPTED, status=202)
    if signing_rate_limited(request, email=form.cleaned_data["contact_email"]):
        return _error(429, "Too many signatures from this address; try again later.")
    try:
        services.signature_create(
            letter=letter,
            language=translation.get_language(),
            client_ip=client_ip(request),
            **form.service_kwargs(),
        )
    except services.SigningClosed:
        return _error(409, "Signing is closed for this letter.")
    except services.SigningNotAllowed:
        return _error(400, "Invalid input.", errors={"kind": ["Organisations only."]})
    return JsonResponse(ACCEPTED, status=202)


@require_GET
@cache_control(public=True, max_age=3600)
def schema(request):
    return HttpResponse(_schema_bytes(), content_type="application/json")


@functools.cache
def _schema_bytes() -> bytes:
    return (settings.BASE_DIR / "signatories" / "openapi.json").read_bytes()


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@cache_control(public=True, max_age=60)
@_with_letter
def counter_widget(request, letter):
    """A small counter page partner sites can embed in an iframe."""
    return render(
        request,
        "signatories/widget.html",
        {
            "letter": letter,
            "count": selectors.letter_signature_count(letter=letter),
            "url": _absolute(letter.get_absolute_url()),
        },
    )
