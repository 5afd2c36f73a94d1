"""HTML views for signing. They parse input, call one service, and render."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from pages import caching
from pages.selectors import letter_get_public, letter_get_public_plain, letter_public_id

from . import selectors, services
from .filters import SignatoryFilterForm
from .forms import ResendForm, SignatureForm
from .ratelimits import client_ip, signing_rate_limited
from .tokens import confirm_token, withdraw_token

LINK_TOKEN = "link"  # stands in for the real token once it is in the session


def rate_limited_response(request, letter=None):
    return render(
        request, "signatories/rate_limited.html", {"letter": letter}, status=429
    )


def closed_response(request, letter, status=409):
    context = {
        "letter": letter,
        "count": selectors.letter_signature_count(letter=letter),
    }
    return render(request, "signatories/closed.html", context, status=status)


def is_same_origin_post(request) -> bool:
    """True when the browser says the form was sent from one of our own pages.

    The sign form carries no CSRF token, so the letter page it sits on sets no
    cookie and shared caches may store it (docs/decisions.md). Browsers say where a
    POST comes from: ``Sec-Fetch-Site`` (all current ones), else ``Origin``.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    own = {f"{request.scheme}://{request.get_host()}", settings.SITE_URL}
    return origin in own or origin in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt  # replaced by is_same_origin_post: no token, no cookie on the page
@require_http_methods(["GET", "POST"])
def sign(request, slug: str):
    if request.method == "POST" and not is_same_origin_post(request):
        return render(
            request,
            "signatories/cross_origin.html",
            {"letter": letter_get_public_plain(slug=slug)},
            status=403,
        )
    # The letter and its translations only: signing shows no recommendations.
    letter = letter_get_public_plain(slug=slug)
    if not letter.is_signing_open():
        return closed_response(
            request, letter, status=409 if request.method == "POST" else 200
        )
    if request.method == "GET":
        form = SignatureForm(letter=letter)
        return render(
            request, "signatories/sign.html", {"letter": letter, "form": form}
        )
    form = SignatureForm(request.POST, request.FILES, letter=letter)
    if not form.is_valid():
        return render(
            request,
            "signatories/sign.html",
            {"letter": letter, "form": form},
            status=400,
        )
    done = redirect("signatories:sign-done", slug=letter.slug)
    if form.is_spam:
        return done  # look the same to a bot; store nothing
    if signing_rate_limited(request, email=form.cleaned_data["contact_email"]):
        return rate_limited_response(request, letter)
    try:
        services.signature_create(
            letter=letter,
            language=get_language(),
            client_ip=client_ip(request),
            **form.service_kwargs(),
        )
    except services.SigningClosed:
        return closed_response(request, letter)
    except services.SigningNotAllowed:
        form.add_error("kind", _("This letter is signed by organisations only."))
        return render(
            request,
            "signatories/sign.html",
            {"letter": letter, "form": form},
            status=400,
        )
    return done


@require_GET
def sign_done(request, slug: str):
    letter = letter_get_public(slug=slug)
    return render(request, "signatories/sign_done.html", {"letter": letter})


@require_http_methods(["GET", "POST"])
def resend(request, slug: str):
    letter = letter_get_public(slug=slug)
    form = ResendForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "signatories/resend.html",
                {"letter": letter, "form": form},
                status=400,
            )
        if signing_rate_limited(request, email=form.cleaned_data["contact_email"]):
            return rate_limited_response(request, letter)
        services.signature_resend(
            letter=letter, contact_email=form.cleaned_data["contact_email"]
        )
        return redirect("signatories:sign-done", slug=letter.slug)
    return render(request, "signatories/resend.html", {"letter": letter, "form": form})


def _token_from_session(request, *, key: str, signature_id: int, token: str):
    """Move the token from the URL into the session (no Referer leak), like Django's
    password reset. Returns (redirect, None) first, then (None, token)."""
    session_key = f"signatories-{key}-{signature_id}"
    if token != LINK_TOKEN:
        request.session[session_key] = token
        # Only the last segment: the token may also occur earlier in the path.
        head, _token, tail = request.path.rpartition(f"/{token}/")
        return HttpResponseRedirect(f"{head}/{LINK_TOKEN}/{tail}"), None
    return None, request.session.get(session_key)


def _signature_or_none(signature_id: int):
    from .models import Signature

    return Signature.objects.select_related("letter").filter(pk=signature_id).first()


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, signature_id: int, token: str):
    response, token = _token_from_session(
        request, key="confirm", signature_id=signature_id, token=token
    )
    if response:
        return response
    signature = _signature_or_none(signature_id)
    if signature and signature.status in services.CONFIRMED_STATES:
        return render(
            request,
            "signatories/confirmed.html",
            {"letter": signature.letter, "signature": signature},
        )
    if not confirm_token.check_token(signature, token):
        letter = signature.letter if signature else None
        return render(
            request,
            "signatories/link_invalid.html",
            {"letter": letter, "form": ResendForm()},
            status=400,
        )
    if request.method == "GET":
        return render(
            request,
            "signatories/confirm.html",
            {"letter": signature.letter, "signature": signature},
        )
    confirmed = services.signature_confirm(signature_id=signature_id, token=token)
    if confirmed is None:
        return render(
            request,
            "signatories/link_invalid.html",
            {"letter": signature.letter, "form": ResendForm()},
            status=400,
        )
    request.session.pop(f"signatories-confirm-{signature_id}", None)
    return render(
        request,
        "signatories/confirmed.html",
        {"letter": confirmed.letter, "signature": confirmed},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, signature_id: int, token: str):
    response, token = _token_from_session(
        request, key="withdraw", signature_id=signature_id, token=token
    )
    if response:
        return response
    signature = _signature_or_none(signature_id)
    if not withdraw_token.check_token(signature, token):
        letter = signature.letter if signature else None
        return render(
            request,
            "signatories/link_invalid.html",
            {"letter": letter, "form": ResendForm()},
            status=400,
        )
    if request.method == "GET":
        return render(
            request,
            "signatories/withdraw.html",
            {"letter": signature.letter, "signature": signature},
        )
    services.signature_withdraw(signature_id=signature_id, token=token)
    request.session.pop(f"signatories-withdraw-{signature_id}", None)
    messages.success(
        request, _("Your signature was withdrawn and your details erased.")
    )
    url = signature.letter.get_absolute_url() or reverse("pages-root")
    return redirect(url)


@require_GET
def signatory_list(request, slug: str):
    """The public list on a page of its own (filters and pages)."""
    return _signatory_list(request, slug, "signatories/list.html")


@require_GET
@xframe_options_sameorigin
def signatory_list_frame(request, slug: str):
    """The list's first page, framed by the letter page."""
    return _signatory_list(request, slug, "signatories/list_frame.html")


def _signatory_list(request, slug: str, template: str):
    # Never stored by shared caches (a withdrawal must not linger). The server keeps
    # a copy under the letter's version, which every tally change moves on commit.
    filters = SignatoryFilterForm(request.GET).filters()
    key = None
    if caching.is_shared_request(request):
        letter_id = letter_public_id(slug=slug)
        key = "signatories:list:{}:{}:{}:{}".format(
            template,
            get_language(),
            caching.letter_cache_version(letter_id),
            "|".join(str(v or "") for v in filters.values()),
        )
        html = cache.get(key)
        if html is not None:
            response = HttpResponse(html)
            caching.mark_private(response)
            return response
    letter = letter_get_public_plain(slug=slug)
    listing = selectors.letter_signatory_listing(letter=letter, **filters)
    response = render(request, template, {"letter": letter, "listing": listing})
    if key is not None:
        cache.set(key, response.content, caching.PAGE_SERVER_TTL)
    caching.mark_private(response)
    return response


@require_GET
def logo(request, signature_id: int):
    signature = selectors.signature_public_logo(signature_id=signature_id)
    if signature is None:
        raise Http404("No such logo.")
    try:
        handle = signature.logo.open("rb")
    except FileNotFoundError:
        raise Http404("No such logo.") from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
