"""HTML views for signing. They parse input, call one service, and render."""

import base64

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import _split_rate

from pages import caching
from pages.selectors import (
    letter_get_for_signing,
    letter_get_public,
    letter_get_public_plain,
    letter_public_id,
)

from . import newsletters, selectors, services, share_images
from .filters import SignatoryFilterForm
from .forms import ResendForm, SignatureForm
from .http import etag_for, not_modified, revalidate
from .ratelimits import client_ip, signing_rate_limited

LINK_TOKEN = "link"  # stands in for the real token once it is in the session


def retry_after_seconds() -> int:
    """Seconds after which every signing limit has surely reset: its longest window.

    The counters run in fixed windows per key, so the wait is at most one window.
    """
    rates = (settings.SIGNATURE_RATE_IP, settings.SIGNATURE_RATE_EMAIL)
    return max(_split_rate(rate)[1] for rate in rates)


def rate_limited_response(request, letter=None, *, form=None):
    """429 with Retry-After; a sign form comes back with what was typed."""
    seconds = retry_after_seconds()
    context = {"letter": letter, "retry_minutes": max(1, -(-seconds // 60))}
    if form is None:
        response = render(request, "signatories/rate_limited.html", context, status=429)
    else:
        # A browser cannot be handed a file back: the logo must be chosen again.
        context |= {"form": form, "logo_dropped": bool(form.cleaned_data.get("logo"))}
        response = render(request, "signatories/sign.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


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
    # The letter and its published text only: signing shows no recommendations. A
    # POST that succeeds renders nothing, so it loads no text at all.
    if request.method == "POST":
        letter = letter_get_for_signing(slug=slug)
    else:
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
        return rate_limited_response(request, letter, form=form)
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


RECENT_SIGNATORIES = 5


def _share_context(letter) -> dict:
    """What the pages after signing show: the newest listed organisations."""
    return {
        "letter": letter,
        "recent": selectors.letter_recent_signatories(
            letter=letter, limit=RECENT_SIGNATORIES
        ),
    }


@require_GET
def sign_done(request, slug: str):
    letter = letter_get_public_plain(slug=slug)
    response = render(request, "signatories/sign_done.html", _share_context(letter))
    # It names organisations: a withdrawal must not linger in a shared cache.
    caching.mark_private(response)
    return response


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


def _token_from_session(request, *, key: str, link_id, token: str):
    """Move the token from the URL into the session (no Referer leak), like Django's
    password reset. Returns (redirect, None) first, then (None, token)."""
    session_key = f"signatories-{key}-{link_id}"
    if token != LINK_TOKEN:
        request.session[session_key] = token
        # Only the last segment: the token may also occur earlier in the path.
        head, _token, tail = request.path.rpartition(f"/{token}/")
        return HttpResponseRedirect(f"{head}/{LINK_TOKEN}/{tail}"), None
    return None, request.session.get(session_key)


def _link_response(request, result: services.LinkResult, *, page: str):
    """Render what a confirm or withdraw link leads to, other than success."""
    Outcome = services.LinkOutcome
    if result.outcome == Outcome.UNPUBLISHED:
        return render(
            request,
            "signatories/link_unpublished.html",
            {"signature": result.signature},
            status=410,
        )
    if result.outcome == Outcome.OPEN:
        context = {"letter": result.letter, "signature": result.signature}
        return render(request, page, context | _logo_context(result.signature))
    # Only a genuine (but expired) token learns which letter it belongs to; a
    # wrong or missing one gets the same page whatever the signature's state.
    letter = result.letter if result.outcome == Outcome.EXPIRED else None
    return render(
        request,
        "signatories/link_invalid.html",
        {"letter": letter, "form": ResendForm()},
        status=400,
    )


def _logo_context(signature) -> dict:
    # A pending logo is not served publicly: show the confirmer theirs inline.
    if not signature.logo:
        return {}
    try:
        with signature.logo.open("rb") as handle:
            data = base64.b64encode(handle.read()).decode()
    except OSError:
        return {}
    return {"logo_data_uri": f"data:image/png;base64,{data}"}


def _listing_choice(request) -> bool | None:
    # The confirm form carries the listing choice; an older form does not.
    if "listing" not in request.POST:
        return None
    return request.POST.get("is_public") == "on"


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str, public_id=None, signature_id=None):
    link_id = public_id or signature_id
    response, token = _token_from_session(
        request, key="confirm", link_id=link_id, token=token
    )
    if response:
        return response
    ref = {"public_id": public_id, "signature_id": signature_id, "token": token}
    if request.method == "GET":
        result = services.signature_confirm_check(**ref)
    else:
        result = services.signature_confirm(**ref, is_public=_listing_choice(request))
    if result.outcome != services.LinkOutcome.DONE:
        return _link_response(request, result, page="signatories/confirm.html")
    if request.method == "POST":
        request.session.pop(f"signatories-confirm-{link_id}", None)
    return render(
        request,
        "signatories/confirmed.html",
        _share_context(result.letter) | {"signature": result.signature},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request, token: str, public_id=None, signature_id=None):
    link_id = public_id or signature_id
    response, token = _token_from_session(
        request, key="withdraw", link_id=link_id, token=token
    )
    if response:
        return response
    ref = {"public_id": public_id, "signature_id": signature_id, "token": token}
    if request.method == "GET":
        result = services.signature_withdraw_check(**ref)
        return _link_response(request, result, page="signatories/withdraw.html")
    result = services.signature_withdraw(**ref)
    if result.outcome != services.LinkOutcome.DONE:
        return _link_response(request, result, page="signatories/withdraw.html")
    request.session.pop(f"signatories-withdraw-{link_id}", None)
    messages.success(
        request, _("Your signature was withdrawn and your details erased.")
    )
    url = result.letter.get_absolute_url() or reverse("pages-root")
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


SHARE_IMAGE_MAX_AGE = 300


@require_GET
def share_image(request, slug: str):
    """The letter's share image (OpenGraph) in the page's language: a stable URL."""
    letter = letter_get_public_plain(slug=slug)
    path = share_images.share_image_ensure(letter=letter)
    # The file's name is its fingerprint: a new title or count step, a new ETag.
    response = get_conditional_response(request, etag=etag_for(path.name))
    if response is None:
        try:
            handle = path.open("rb")
        except FileNotFoundError:  # replaced meanwhile by a newer drawing
            path = share_images.share_image_ensure(letter=letter)
            handle = path.open("rb")
        response = FileResponse(handle, content_type="image/png")
    response["ETag"] = etag_for(path.name)
    caching.mark_public(response, max_age=SHARE_IMAGE_MAX_AGE)
    return response


@require_GET
def logo(request, signature_id: int):
    signature = selectors.signature_public_logo(signature_id=signature_id)
    if signature is None:
        raise Http404("No such logo.")
    # The stored name changes with every new file, the status with a withdrawal
    # (which then answers 404, so a revalidating cache drops the logo at once).
    etag = etag_for(signature.pk, signature.logo.name, signature.status)
    cached = not_modified(request, etag=etag)
    if cached is not None:
        return cached
    try:
        handle = signature.logo.open("rb")
    except FileNotFoundError:
        raise Http404("No such logo.") from None
    return revalidate(FileResponse(handle, content_type="image/png"), etag=etag)


@csrf_exempt  # the one-click POST comes from a mail provider; see below
@never_cache
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, public_id, token: str):
    """The unsubscribe link of every newsletter.

    Opened in a browser it shows a page with one button (a GET changes nothing:
    mail scanners follow links). A POST to the link itself is the mail provider's
    one-click unsubscribe (RFC 8058): it carries no cookie and no CSRF token, and
    needs none, since the token in the address is the credential.
    """
    if request.method == "POST" and token != LINK_TOKEN:
        result = newsletters.newsletter_unsubscribe(public_id=public_id, token=token)
        return _unsubscribe_response(request, result)
    return _newsletter_unsubscribe_page(request, public_id=public_id, token=token)


@csrf_protect  # the page's own button: the token sits in the session
def _newsletter_unsubscribe_page(request, *, public_id, token: str):
    response, token = _token_from_session(
        request, key="unsubscribe", link_id=public_id, token=token
    )
    if response:
        return response
    if request.method == "GET":
        result = newsletters.newsletter_unsubscribe_check(
            public_id=public_id, token=token
        )
    else:
        result = newsletters.newsletter_unsubscribe(public_id=public_id, token=token)
        if result.outcome == services.LinkOutcome.DONE:
            request.session.pop(f"signatories-unsubscribe-{public_id}", None)
    return _unsubscribe_response(request, result)


def _unsubscribe_response(request, result: services.LinkResult):
    if result.outcome == services.LinkOutcome.INVALID:
        return render(request, "signatories/newsletter_link_invalid.html", status=400)
    template = (
        "signatories/newsletter_unsubscribe.html"
        if result.outcome == services.LinkOutcome.OPEN
        else "signatories/newsletter_unsubscribed.html"
    )
    return render(request, template, {"letter": result.letter})
