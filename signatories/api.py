"""JSON API for embeds and partner sites, on django-ninja. No email ever leaves here.

The OpenAPI document is generated from this module (`/api/v1/openapi.json`). The
API stays a thin layer: it reads through `selectors`, writes through
`services.signature_create`, and validates a signature with `SignatureForm`, so the
form and the API share every rule. Each operation answers on `/api/v1/...` and, as
a deprecated alias kept for embedded widgets, on the unversioned `/api/...`.
Every error is a problem-details object (`campaign.problems`).
"""

import functools
import json
from collections.abc import Callable
from typing import Any, Literal

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django_countries import countries
from django_ratelimit.core import _split_rate
from ninja import Field, NinjaAPI, Path, Query, Schema, Status, Swagger
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, StrictBool, create_model

from campaign.problems import PROBLEM_CONTENT_TYPE, problem
from pages.models import DeliveryChannel, Letter
from pages.selectors import (
    letter_get_for_signing,
    letter_get_public,
    letter_get_public_plain,
    letter_list_public,
    letter_timeline,
    recommendation_timeline,
)

from . import selectors, services
from .forms import SignatureForm
from .http import revalidated
from .models import OrganisationType, SignatureSource
from .ratelimits import client_ip, signing_rate_limited

API_LANGUAGES = {code for code, _name in settings.LANGUAGES}
READ_MAX_AGE = 60
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
EXAMPLE_SLUG = "stop-the-raids"
# Unknown fields are named back to the client, truncated and capped, never echoed
# whole (the body may be megabytes of junk keys).
UNKNOWN_FIELD_KEY_CHARS = 50
UNKNOWN_FIELDS_SHOWN = 20


class ApiProblem(Exception):
    """Raised by an operation to answer with a problem-details response."""

    def __init__(self, status: int, detail: str, *, headers=None, **extra) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extra = extra


# Schemas of the answers


class Problem(Schema):
    """RFC 9457 problem details: the shape of every error."""

    type: str = Field(examples=["about:blank"])
    title: str = Field(examples=["Bad Request"])
    status: int = Field(examples=[400])
    detail: str = Field(examples=["Invalid input."])
    errors: dict[str, list[str]] | None = Field(
        None, description="Field name -> messages, for invalid input."
    )


class LetterSummary(Schema):
    slug: str
    title: str | None
    recipient: str | None
    summary: str | None
    date: str = Field(description="Publication date (ISO 8601).")
    url: str = Field(description="The letter's page.")
    signing_open: bool
    signing_closes: str | None = Field(description="ISO 8601 timestamp, or null.")
    count: int = Field(description="Public signature count.")
    goal: int | None


class LetterList(Schema):
    results: list[LetterSummary]


class StatusChangeOut(Schema):
    status: str
    date: str = Field(description="ISO 8601 date of the change.")


class ResponseOut(Schema):
    date: str = Field(description="ISO 8601 date of the response.")
    text: str = Field(
        description="In the requested language where editors translated it, "
        "else as written."
    )
    language: str = Field(description="Language of `text`.")
    original_language: str = Field(description="Language the response was given in.")
    evidence_url: str | None = Field(description="Link to the response itself.")


class DeliveryOut(Schema):
    date: str = Field(description="ISO 8601 date of delivery.")
    recipient: str
    channel: Literal[tuple(DeliveryChannel.values)]  # type: ignore[valid-type]
    file: str | None = Field(description="Proof of delivery (PDF or image), if public.")


class RecommendationOut(Schema):
    number: int
    anchor: str
    title: str | None
    status: str
    status_date: str | None
    history: list[StatusChangeOut] = Field(description="Status changes, oldest first.")
    responses: list[ResponseOut] = Field(
        description="The target's responses to this recommendation, oldest first."
    )
    response: str | None = Field(
        description="Deprecated: the text of the latest response (see `responses`).",
        json_schema_extra={"deprecated": True},
    )


class LetterVersion(Schema):
    number: int = Field(description="Version number of the text in `language`.")
    language: str
    date: str = Field(description="Publication date (ISO 8601).")
    note: str = Field(description="The editors' one-line note on the change.")
    count: int = Field(description="Public signatures bound to this version.")
    text_hash: str = Field(
        description="SHA-256 (hex) of the version's canonical text; see "
        'docs/decisions.md, "What a signature is bound to".'
    )
    current: bool


class LetterDetail(LetterSummary):
    recommendations: list[RecommendationOut]
    responses: list[ResponseOut] = Field(
        description="The target's replies to the letter as a whole, oldest first."
    )
    deliveries: list[DeliveryOut] = Field(description="Oldest first.")
    version: int | None = Field(description="Number of the version shown.")
    text_hash: str | None = Field(
        description="SHA-256 of the canonical text of the version shown."
    )
    versions: list[LetterVersion] = Field(
        description="Every published version of the text shown, newest first."
    )


class Signatory(Schema):
    id: int
    organisation: str
    website: str
    country: str | None
    type: str
    logo: str | None
    version: int | None = Field(
        description="Number of the version of the text signed (its language's)."
    )
    text_hash: str | None = Field(
        description="SHA-256 of the canonical text of the version signed."
    )


class SignatoryList(Schema):
    count: int
    next: int | None = Field(description="Cursor for `after=`; null on the last page.")
    results: list[Signatory]


class Accepted(Schema):
    status: Literal["accepted"]
    detail: str


SIGNATURE_EXAMPLE = {
    "organisation": "Kestrel Rights Alliance",
    "website": "https://kestrel.example",
    "country": "UA",
    "organisation_type": "ngo",
    "contact_name": "Olena Kovalenko",
    "contact_role": "Director",
    "contact_email": "olena@kestrel.example",
    "is_public": True,
    "consent": True,
}


def _nodef(schema: dict, fmt: str = "") -> None:
    """Drop the placeholder default: absence means what it means to the form."""
    schema.pop("default", None)
    if fmt:
        schema["format"] = fmt


def _signature_in_model() -> type[Schema]:
    """The request body, derived from SignatureForm so both share one field list.

    It checks only JSON types and lengths: the form decides what is required and
    valid, as it does for the web page (so an empty object is answered with every
    missing field at once). The schema still documents the fields the form always
    requires. Unknown keys are refused (a misspelt "is_public" must not quietly
    unlist a signer). The logo is form-only.
    """
    fields: dict[str, Any] = {}
    required = [
        name
        for name, field in SignatureForm.base_fields.items()
        if field.required and not isinstance(field, forms.FileField)
    ]

    def document(schema: dict) -> None:
        schema["required"] = required
        schema["examples"] = [SIGNATURE_EXAMPLE]
        for name, prop in schema["properties"].items():
            if name in required and prop.get("type") == "boolean":
                prop["const"] = True  # a required checkbox must be ticked
            elif name in required and "enum" not in prop:
                prop["minLength"] = 1
            elif "format" in prop:  # optional: empty means "none given"
                checked = {k: prop.pop(k) for k in ("type", "format", "maxLength")}
                prop["anyOf"] = [checked, {"type": "string", "maxLength": 0}]

    with translation.override("en"):
        for name, field in SignatureForm.base_fields.items():
            if isinstance(field, forms.FileField):
                continue
            description = ". ".join(
                str(text).rstrip(".") for text in (field.label, field.help_text) if text
            )
            if isinstance(field, forms.BooleanField):
                fields[name] = (  # true or false: 0, "no" or "on" are refused
                    StrictBool,
                    Field(False, description=description, json_schema_extra=_nodef),
                )
                continue
            choices = (
                [str(value) for value, _label in field.choices or []]
                if (isinstance(field, forms.ChoiceField))
                else []
            )
            annotation: Any = Literal[tuple(choices)] if choices else str
            extra: dict[str, Any] = {"json_schema_extra": _nodef}
            if getattr(field, "max_length", None) and not choices:
                extra["max_length"] = field.max_length
            if isinstance(field, forms.EmailField):
                extra["json_schema_extra"] = functools.partial(_nodef, fmt="email")
            elif isinstance(field, forms.URLField):
                extra["json_schema_extra"] = functools.partial(_nodef, fmt="uri")
            fields[name] = (annotation, Field("", description=description, **extra))
    base = type(
        "SignatureBase",
        (Schema,),
        {"model_config": ConfigDict(extra="forbid", json_schema_extra=document)},
    )
    return create_model(
        "SignatureIn",
        __base__=base,
        __doc__="A signature, with the fields and rules of the web form.",
        **fields,
    )


SignatureIn = _signature_in_model()


# Documentation of the answers every operation shares


def _problem_response(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {
            PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    if headers:
        response["headers"] = headers
    return response


READ_HEADERS = {
    "ETag": {"description": "Entity tag of the body.", "schema": {"type": "string"}},
    "Cache-Control": {
        "description": "public, max-age=60",
        "schema": {"type": "string"},
    },
}
NOT_FOUND = _problem_response("No such letter (unknown, or not published).")
BAD_QUERY = _problem_response("A query parameter is invalid (see `errors`).")
NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)."}
# Any operation: a request no view should see (a NUL or bad UTF-8 in the query
# string, a malformed body) is refused before routing (campaign.middleware).
MALFORMED = _problem_response("The request is malformed (see `detail`).")


def _responses(ok: int, links: dict | None = None, **errors: dict) -> dict:
    """openapi_extra for an operation: ETag/Cache-Control on reads, problem errors,
    and links to what a client reads next (they drive stateful fuzzing too)."""
    # Integer keys, as ninja's own: they must merge with the success response.
    responses: dict[int, dict] = {int(code[1:]): doc for code, doc in errors.items()}
    responses.setdefault(400, MALFORMED)
    responses[ok] = {"headers": READ_HEADERS} if ok == 200 else {}
    if links:
        responses[ok]["links"] = links
    return {"responses": responses}


def _link(operation_id: str, slug: str) -> dict:
    return {"operationId": operation_id, "parameters": {"slug": slug}}


FROM_LIST = "$response.body#/results/0/slug"
FROM_PATH = "$request.path.slug"


# The API object


class CampaignAPI(NinjaAPI):
    """NinjaAPI with problem-details errors and a schema built once per process."""

    @functools.cache  # noqa: B019 - one API object for the process
    def _schema(self, path_prefix: str) -> dict:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schema["components"].setdefault("schemas", {})["Problem"] = (
            Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        return schema

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return self._schema(path_prefix)


api = CampaignAPI(
    title="Open Letters API",
    version="1",
    description=(
        "Read letters, counts and public signatories; submit a signature with the "
        "same rules as the web form. Contact emails never appear in any response. "
        "Read endpoints are open to any origin (CORS), send `ETag` and "
        "`Cache-Control`, and answer `If-None-Match` with 304. Every error is a "
        "problem-details object (RFC 9457, `application/problem+json`). The "
        "unversioned `/api/...` paths are deprecated aliases of `/api/v1/...`."
    ),
    urls_namespace="api:v1",
    openapi_url="/v1/openapi.json",
    docs_url="/v1/docs/",
    # Our own copy of Swagger UI (ninja's static files): nothing from a CDN, and no
    # call to the public validator service.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
    docs_decorator=cache_control(public=True, max_age=300),
)


def route(method: str, path: str, name: str, **kwargs) -> Callable:
    """Register an operation at /api/v1<path> and, deprecated, at /api<path>."""

    def register(view: Callable) -> Callable:
        api.api_operation(
            [method],
            f"/v1{path}",
            operation_id=name,
            url_name=name,
            tags=["v1"],
            **kwargs,
        )(view)
        api.api_operation(
            [method],
            path,
            operation_id=f"{name}_unversioned",
            url_name=f"{name}-unversioned",
            deprecated=True,
            tags=["unversioned aliases"],
            **kwargs,
        )(view)
        return view

    return register


# Errors


def _field_of(loc: tuple) -> str:
    return str(loc[-1]) if len(loc) > 2 or loc[0] != "body" else ""


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Ninja answers 422; our clients have always had 400 with field errors."""
    if any(error["loc"][0] == "path" for error in exc.errors):
        return problem(404, detail="No such letter.")
    errors: dict[str, list[str]] = {}
    unknown = 0
    for error in exc.errors:
        field = _field_of(tuple(error["loc"]))
        if not field:
            return problem(400, detail="The body must be a JSON object.")
        if error["type"] == "extra_forbidden":
            unknown += 1
            if unknown > UNKNOWN_FIELDS_SHOWN:
                continue
            errors[field[:UNKNOWN_FIELD_KEY_CHARS]] = ["Unknown field."]
        else:
            errors.setdefault(field, []).append(error["msg"])
    return problem(400, detail="Invalid input.", errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja could not parse the body
        return problem(400, detail="The body is not valid JSON.")
    return problem(exc.status_code, detail=str(exc))


@api.exception_handler(ApiProblem)
def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem(exc.status, detail=exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, detail="The body is too large.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, detail="Not found.")


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django logs it, reports it and answers 500; ApiProblemMiddleware turns that
    # answer into problem details without a stack trace.
    raise exc


# Helpers


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in API_LANGUAGES else translation.get_language() or "en"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def _published_letter(slug: str) -> Letter:
    try:
        return letter_get_public_plain(slug=slug)
    except Http404:
        raise ApiProblem(404, "No such letter.") from None


def _letter_for_signing(slug: str) -> Letter:
    # No text: signing answers with nothing from the letter.
    try:
        return letter_get_for_signing(slug=slug)
    except Http404:
        raise ApiProblem(404, "No such letter.") from None


def _letter_summary(letter: Letter, count: int) -> dict:
    return {
        "slug": letter.slug,
        "title": letter.title,
        "recipient": letter.recipient,
        "summary": letter.summary,
        "date": letter.published_on.isoformat(),
        "url": _absolute(letter.get_absolute_url()),
        "signing_open": letter.is_signing_open(),
        "signing_closes": letter.signing_closes.isoformat()
        if letter.signing_closes
        else None,
        "count": count,
        "goal": letter.goal,
    }


def _retry_after() -> str:
    """Seconds until a limited client may try again: at most the longest window."""
    windows = (
        _split_rate(rate)[1]
        for rate in (settings.SIGNATURE_RATE_IP, settings.SIGNATURE_RATE_EMAIL)
    )
    return str(max(windows))


def require_json(run: Callable) -> Callable:
    """415 for a body not declared as JSON, before ninja tries to parse it."""

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.content_type != "application/json":
            return problem(415, detail="Send JSON (Content-Type: application/json).")
        return run(request, *args, **kwargs)

    return wrapped


def cache_ok(run: Callable) -> Callable:
    """Public caching for a minute and an ETag over the body, on 200s only (an
    error is not worth a cached copy), and 304 for a matching If-None-Match."""

    @functools.wraps(run)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=READ_MAX_AGE)
        set_response_etag(response)
        return get_conditional_response(
            request, etag=response["ETag"], response=response
        )

    return wrapped


cached_read = decorate_view(cache_ok)
Slug = Path(
    ...,
    pattern=SLUG_PATTERN,
    max_length=80,
    example=EXAMPLE_SLUG,
)
Lang = Query(
    "",
    description="Language of the texts: en, ru, de or uk (default: Accept-Language, "
    "then English). Unknown values fall back.",
)


@route(
    "GET",
    "/letters/",
    "letter-list",
    response=LetterList,
    summary="Published letters",
    openapi_extra=_responses(
        200,
        links={
            "Letter": _link("letter-detail", FROM_LIST),
            "Signatories": _link("signatory-list", FROM_LIST),
            "Sign": _link("signature-create", FROM_LIST),
        },
        _304=NOT_MODIFIED,
    ),
)
@cached_read
def letter_list(request: HttpRequest, lang: str = Lang):
    with translation.override(_language(request)):
        letters = list(letter_list_public())
        counts = selectors.letter_signature_counts(letters=letters)
        return {
            "results": [_letter_summary(lt, counts.get(lt.pk, 0)) for lt in letters]
        }


@route(
    "GET",
    "/letters/{slug}/",
    "letter-detail",
    response=LetterDetail,
    summary="One letter with its count, recommendations and versions",
    openapi_extra=_responses(200, _304=NOT_MODIFIED, _404=NOT_FOUND),
)
@cached_read
def letter_detail(request: HttpRequest, slug: str = Slug, lang: str = Lang):
    with translation.override(_language(request)):
        _published_letter(slug)
        letter = letter_get_public(slug=slug)
        body = _letter_summary(letter, selectors.letter_signature_count(letter=letter))
        body["recommendations"] = [
            _recommendation_out(rec) for rec in letter.current_recommendations()
        ]
        letter_events = letter_timeline(letter=letter)
        body["responses"] = [
            _response_out(event) for event in letter_events if event.kind == "response"
        ]
        body["deliveries"] = [
            _delivery_out(event.item)
            for event in letter_events
            if event.kind == "delivery"
        ]
        content = letter.content()
        versions = (
            selectors.letter_change_log(letter=letter, language=content.language)
            if content is not None
            else []
        )
        current = next((v for v in versions if v.current), None)
        body["version"] = current.number if current else None
        body["text_hash"] = (content.text_hash or None) if content else None
        body["versions"] = [
            {
                "number": v.number,
                "language": v.language,
                "date": v.published_on.isoformat(),
                "note": v.note,
                "count": v.count,
                "text_hash": v.text_hash,
                "current": v.current,
            }
            for v in versions
        ]
        return body


def _recommendation_out(rec) -> dict:
    events = recommendation_timeline(recommendation=rec)
    responses = [_response_out(event) for event in events if event.kind == "response"]
    return {
        "number": rec.number,
        "anchor": rec.anchor,
        "title": rec.title,
        "status": rec.status,
        "status_date": rec.status_changed_on.isoformat()
        if rec.status_changed_on
        else None,
        "history": [
            {"status": event.item.status, "date": event.date.isoformat()}
            for event in events
            if event.kind == "status"
        ],
        "responses": responses,
        "response": responses[-1]["text"] if responses else None,
    }


def _response_out(event) -> dict:
    return {
        "date": event.date.isoformat(),
        "text": event.text,
        "language": event.language,
        "original_language": event.item.language,
        "evidence_url": event.item.evidence_url or None,
    }


def _delivery_out(delivery) -> dict:
    file_url = delivery.get_file_url() if delivery.file_public else ""
    return {
        "date": delivery.date.isoformat(),
        "recipient": delivery.recipient,
        "channel": delivery.channel,
        "file": _absolute(file_url) or None,
    }


@route(
    "GET",
    "/letters/{slug}/signatories/",
    "signatory-list",
    response=SignatoryList,
    summary="Publicly listed organisations, in signing order",
    openapi_extra=_responses(200, _304=NOT_MODIFIED, _400=BAD_QUERY, _404=NOT_FOUND),
)
# Revalidated, not cached for a minute: a withdrawal must never linger in a cache.
@decorate_view(revalidated)
def signatory_list(
    request: HttpRequest,
    slug: str = Slug,
    country: str = Query(
        "", pattern=r"^([A-Za-z]{2})?$", description="ISO 3166 code, any case."
    ),
    kind: Literal[("", *OrganisationType.values)] = Query(  # type: ignore
        "", alias="type", description="Organisation type."
    ),
    after: int | None = Query(
        None, gt=0, lt=2**62, description="The `next` cursor of the previous page."
    ),
    limit: int = Query(50, description="Page size, clamped to 1..100."),
):
    letter = _published_letter(slug)
    country = country.upper()
    if country and country not in countries:
        raise ApiProblem(
            400, "Invalid input.", errors={"country": ["Unknown country code."]}
        )
    page = selectors.letter_public_signatories(
        letter=letter,
        country=country,
        organisation_type=kind,
        after=after,
        limit=min(max(limit, 1), 100),
    )
    return {
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
                "version": int(s.version_number) if s.version_number else None,
                "text_hash": s.text_hash or None,
            }
            for s in page.items
        ],
    }


ACCEPTED = {
    "status": "accepted",
    "detail": "If the address is valid, a confirmation email is on its way.",
}


@route(
    "POST",
    "/letters/{slug}/signatures/",
    "signature-create",
    response={202: Accepted},
    summary="Sign a letter",
    description=(
        "The same rules as the web form. 202 for a new and a repeat signature alike "
        "(the answer never reveals whether an address had signed); the signer "
        "confirms through the emailed link. `is_public: true` lists the signer; "
        "leaving it out means not listed. Unknown fields are refused."
    ),
    openapi_extra=_responses(
        202,
        links={
            "Signatories": _link("signatory-list", FROM_PATH),
            "Letter": _link("letter-detail", FROM_PATH),
        },
        _400=_problem_response("Invalid input (see `errors`) or a malformed body."),
        _404=NOT_FOUND,
        _409=_problem_response("Signing is closed for this letter."),
        _413=_problem_response("The body is too large."),
        _415=_problem_response("The body is not declared as application/json."),
        _429=_problem_response(
            "Too many signatures from this address or for this email.",
            headers={
                "Retry-After": {
                    "description": "Seconds to wait.",
                    "schema": {"type": "string"},
                }
            },
        ),
    ),
)
@decorate_view(require_json)
def signature_create(request: HttpRequest, payload: SignatureIn, slug: str = Slug):
    with translation.override(_language(request)):
        letter = _letter_for_signing(slug)
        if not letter.is_signing_open():
            raise ApiProblem(409, "Signing is closed for this letter.")
        data = {
            key: ("on" if value is True else "" if value is False else value)
            for key, value in payload.model_dump(exclude_unset=True).items()
        }
        form = SignatureForm(data, letter=letter)
        if not form.is_valid():
            errors = {
                field: [e["message"] for e in errs]
                for field, errs in form.errors.get_json_data().items()
            }
            raise ApiProblem(400, "Invalid input.", errors=errors)
        if form.is_spam:
            return Status(202, ACCEPTED)
        if signing_rate_limited(request, email=form.cleaned_data["contact_email"]):
            raise ApiProblem(
                429,
                "Too many signatures from this address; try again later.",
                headers={"Retry-After": _retry_after()},
            )
        try:
            services.signature_create(
                letter=letter,
                language=translation.get_language(),
                client_ip=client_ip(request),
                source=SignatureSource.API,
                **form.service_kwargs(),
            )
        except services.SigningClosed as closed:
            raise ApiProblem(409, "Signing is closed for this letter.") from closed
        except services.SigningNotAllowed as refused:
            raise ApiProblem(
                400, "Invalid input.", errors={"kind": ["Organisations only."]}
            ) from refused
        return Status(202, ACCEPTED)


@route(
    "GET",
    "/letters/{slug}/widget/",
    "widget",
    summary="Embeddable counter (HTML, for an iframe)",
    openapi_extra={
        "responses": {
            200: {
                "description": "A small HTML page any site may frame.",
                "content": {"text/html": {"schema": {"type": "string"}}},
                "headers": READ_HEADERS,
            },
            304: NOT_MODIFIED,
            400: MALFORMED,
            404: NOT_FOUND,
        }
    },
)
@decorate_view(xframe_options_exempt, csp_replace({"frame-ancestors": ["*"]}), cache_ok)
def counter_widget(request: HttpRequest, slug: str = Slug, lang: str = Lang):
    """A small counter page partner sites can embed in an iframe."""
    with translation.override(_language(request)):
        letter = _published_letter(slug)
        return render(
            request,
            "signatories/widget.html",
            {
                "letter": letter,
                "count": selectors.letter_signature_count(letter=letter),
                "url": _absolute(letter.get_absolute_url()),
            },
        )


def schema_alias(request: HttpRequest) -> HttpResponse:
    """/api/schema/: the generated OpenAPI document, where it used to be served."""
    if request.method not in ("GET", "HEAD"):
        return problem(405, headers={"Allow": "GET, HEAD"})
    response = HttpResponse(
        _schema_json(), content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@functools.cache
def _schema_json() -> bytes:
    schema = api.get_openapi_schema(path_prefix=reverse("api:v1:api-root"))
    return json.dumps(schema).encode()


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/: a JSON 404, never the HTML page."""
    return problem(404, detail="No such API endpoint.")
