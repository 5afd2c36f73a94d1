"""Property-based fuzz (hypothesis): no request, however hostile, gets a 5xx.

What it covers, black-box through Django's test client with ``DEBUG=False`` and
``raise_request_exception=False`` (so a crash shows as the 500 a visitor would get),
with requests built by the same request class as the production WSGI handler:

- the sign form, ``POST /en/sign/<slug>/``, as urlencoded and as multipart bodies
  built byte by byte: arbitrary text in every field (lone surrogates sent as the
  CESU bytes a hostile client can send, NUL, controls, odd Unicode, strings up to
  200,000 characters), unknown fields, and a logo part with arbitrary bytes, name
  and type; the resend form the same way;
- the JSON API, ``POST /api/letters/<slug>/signatures/``: a valid payload with
  fields replaced by arbitrary JSON values (nested, NaN, huge numbers, "\\ud800"
  escapes), unknown keys, non-object bodies and raw bytes;
- the URL space: arbitrary (percent-encoded, possibly non-UTF-8) path segments under
  ``/``, ``/en/``, ``/ru/``, ``/en/letters/``, ``/en/sign/…``, ``/api/…`` and more,
  arbitrary query strings, arbitrary methods, content types (charsets included),
  bodies, and a few request headers (cookies, languages, conditional GETs).

Each test fails on the first 5xx and prints the request that caused it. ``make test``
runs ``FUZZ_EXAMPLES`` examples per test (default 25, derandomized: the same
examples every run, so CI is stable); ``make fuzz`` runs 5,000 per test with fresh
random examples (``FUZZ_RANDOM=1``; hypothesis prints the seed of a failure).
No example database is written.
"""

import json
import os
import string
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, example, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaign.middleware import CharsetSafeWSGIRequest

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one letter and client per test
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SLUG = "stop-the-raids"
SIGN_FIELDS = (
    "kind",
    "organisation",
    "website",
    "country",
    "organisation_type",
    "contact_name",
    "contact_role",
    "contact_email",
    "comment",
    "is_public",
    "newsletter",
    "consent",
    "fax_number",
    "csrfmiddlewaretoken",
)
VALID_FORM = {
    "organisation": "Kestrel Rights Alliance",
    "website": "https://kestrel.example",
    "country": "UA",
    "organisation_type": "ngo",
    "contact_name": "Olena Contact",
    "contact_role": "Director",
    "contact_email": "olena@kestrel.example",
    "is_public": "on",
    "consent": "on",
}
VALID_JSON = VALID_FORM | {"is_public": True, "consent": True}

# Every code point, lone surrogates included (hypothesis leaves them out by default).
any_char = st.characters(exclude_categories=())
# The characters that once got through to a 500 come up most often.
nasty = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\x00",
        "\udfff",
        "\ud800",
        "\x07",
        "\ud83d",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\uffff",
        "\U0010ffff",
        "ｅｘａｍｐｌｅ",
        "e\u0301\u0301\u0301",
        "\r\n",
        "%00",
        "'\"<>&;--",
        "xn--",
        "..",
        "@",
    ]
)
huge = st.builds(
    lambda piece, count: piece * count,
    st.sampled_from(["x", "\x00", "ü", "\ud800", "a@", "😀"]),
    st.integers(min_value=300, max_value=200_000),
)
# Ordinary words with one hostile character inside: these pass every other check,
# so they reach the service and the database.
spiked = st.builds(
    lambda head, spike, tail: f"{head}{spike}{tail}",
    st.text(string.ascii_letters, min_size=1, max_size=8),
    st.one_of(nasty, any_char),
    st.text(string.ascii_letters, max_size=8),
)
fuzz_text = st.one_of(
    spiked,
    st.text(any_char, max_size=60),
    st.lists(st.one_of(nasty, st.text(any_char, max_size=5)), max_size=8).map("".join),
    huge,
)
emails = st.one_of(
    st.builds(lambda domain: f"olena@{domain}.example", spiked),
    st.builds(lambda local: f"{local}@kestrel.example", spiked),
    fuzz_text,
    st.builds(lambda local, domain: f"{local}@{domain}", fuzz_text, fuzz_text),
    st.builds(lambda domain: f"olena@{domain}", fuzz_text),
)
websites = st.one_of(
    st.builds(lambda host: f"https://{host}.example/", spiked),
    st.builds(lambda path: f"https://kestrel.example/{path}", spiked),
    fuzz_text,
    st.builds(lambda rest: f"https://{rest}", fuzz_text),
)


def field_value(name: str):
    return {"contact_email": emails, "website": websites}.get(name, fuzz_text)


# A few fields at a time over a valid form, so that hostile text also reaches the
# service and the database instead of always failing on some other field first.
form_overrides = st.dictionaries(
    st.sampled_from(SIGN_FIELDS), fuzz_text, max_size=3
).flatmap(lambda keys: st.fixed_dictionaries({key: field_value(key) for key in keys}))
extra_fields = st.dictionaries(fuzz_text, fuzz_text, max_size=3)


def raw(text: str) -> bytes:
    """The bytes a client could send for ``text``, lone surrogates included."""
    return text.encode("utf-8", "surrogatepass")


def urlencoded(fields: dict) -> bytes:
    return "&".join(
        f"{quote_from_bytes(raw(key))}={quote_from_bytes(raw(value))}"
        for key, value in fields.items()
    ).encode()


BOUNDARY = "----fuzz-boundary-7f3a9c1e"


def multipart(fields: dict, logo: tuple[bytes, str, str] | None) -> bytes:
    parts = []
    for key, value in fields.items():
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (BOUNDARY.encode(), raw(key), raw(value))
        )
    if logo is not None:
        data, filename, content_type = logo
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="logo"; '
            b'filename="%s"\r\nContent-Type: %s\r\n\r\n%s\r\n'
            % (BOUNDARY.encode(), raw(filename), raw(content_type), data)
        )
    return b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()


logos = st.one_of(
    st.none(),
    st.tuples(
        st.one_of(
            st.binary(max_size=2000),
            st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            st.just(b"GIF89a" + b"\xff" * 32),
        ),
        fuzz_text,
        st.one_of(st.sampled_from(["image/png", "image/jpeg", "text/html"]), fuzz_text),
    ),
)


@pytest.fixture
def fuzz_client(hostile_client, monkeypatch, letters_page, letter):
    """The hostile client, building requests as the production WSGI handler does."""
    monkeypatch.setattr("django.test.client.WSGIRequest", CharsetSafeWSGIRequest)
    return hostile_client


def assert_no_5xx(response, method, path, body=b""):
    note(f"{method} {path!r} body={body[:300]!r}")
    assert response.status_code < 500, (
        f"{method} {path!r} answered {response.status_code}: {response.content[:500]!r}"
    )


@FUZZ
@given(overrides=form_overrides, extra=extra_fields)
def test_sign_form_urlencoded_never_5xx(fuzz_client, overrides, extra):
    """The sign form, urlencoded, with arbitrary text in every field."""
    body = urlencoded(VALID_FORM | overrides | extra)
    path = f"/en/sign/{SLUG}/"
    response = fuzz_client.generic(
        "POST", path, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_no_5xx(response, "POST", path, body)


@FUZZ
@given(overrides=form_overrides, extra=extra_fields, logo=logos)
def test_sign_form_multipart_never_5xx(fuzz_client, overrides, extra, logo):
    """The sign form, multipart, with arbitrary text and an arbitrary logo part."""
    body = multipart(VALID_FORM | overrides | extra, logo)
    path = f"/en/sign/{SLUG}/"
    response = fuzz_client.generic(
        "POST",
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert_no_5xx(response, "POST", path, body)


@FUZZ
@given(email=emails, extra=extra_fields, as_multipart=st.booleans())
def test_resend_form_never_5xx(fuzz_client, email, extra, as_multipart):
    """The "send me a new link" form with an arbitrary address."""
    fields = {"contact_email": email} | extra
    path = f"/en/sign/{SLUG}/new-link/"
    if as_multipart:
        body = multipart(fields, None)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = urlencoded(fields), "application/x-www-form-urlencoded"
    response = fuzz_client.generic("POST", path, data=body, content_type=content_type)
    assert_no_5xx(response, "POST", path, body)


TEXT_FIELDS = (
    "organisation",
    "website",
    "contact_name",
    "contact_role",
    "contact_email",
    "comment",
    "fax_number",
)


def one_field(values):
    """(field, value) pairs: one text field drawn from ``values(field)``."""
    return st.sampled_from(TEXT_FIELDS).flatmap(
        lambda field: st.tuples(st.just(field), values(field))
    )


@FUZZ
@given(item=one_field(field_value), as_multipart=st.booleans())
@example(item=("comment", "a\x00b"), as_multipart=False)
@example(item=("contact_email", "olena@kestrel\udc80.example"), as_multipart=True)
def test_sign_form_one_hostile_field_never_5xx(fuzz_client, item, as_multipart):
    """One text field hostile, the rest valid: the text reaches the service."""
    field, value = item
    fields = VALID_FORM | {field: value}
    path = f"/en/sign/{SLUG}/"
    if as_multipart:
        body = multipart(fields, None)
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = urlencoded(fields), "application/x-www-form-urlencoded"
    response = fuzz_client.generic("POST", path, data=body, content_type=content_type)
    assert_no_5xx(response, "POST", path, body)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=True, allow_infinity=True),
        fuzz_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(fuzz_text, children, max_size=4),
    ),
    max_leaves=8,
)
json_overrides = st.dictionaries(
    st.sampled_from(SIGN_FIELDS), json_values, min_size=1, max_size=3
).flatmap(
    lambda picked: st.fixed_dictionaries(
        {
            key: st.one_of(st.just(value), field_value(key))
            for key, value in picked.items()
        }
    )
)
json_bodies = st.one_of(
    st.builds(lambda over: json.dumps(VALID_JSON | over).encode(), json_overrides),
    st.builds(
        lambda over, extra: json.dumps(VALID_JSON | over | extra).encode(),
        json_overrides,
        st.dictionaries(fuzz_text, json_values, max_size=3),
    ),
    st.builds(lambda value: json.dumps(value).encode(), json_values),
    st.binary(max_size=500),
    st.builds(raw, fuzz_text),
)


@FUZZ
@given(
    body=json_bodies,
    content_type=st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=utf-16",
            "application/json; charset=latin-1",
            "application/json; charset=rot13",
        ]
    ),
)
def test_api_signature_post_never_5xx(fuzz_client, body, content_type):
    """The JSON API's POST with arbitrary JSON values (and some that are not JSON)."""
    path = f"/api/letters/{SLUG}/signatures/"
    response = fuzz_client.generic("POST", path, data=body, content_type=content_type)
    assert_no_5xx(response, "POST", path, body)


@FUZZ
@given(item=one_field(lambda field: st.one_of(field_value(field), json_values)))
# The 500s the attack run found (issue 11.13), kept as fixed examples.
@example(item=("comment", "\ud800"))
@example(item=("website", "https://kestrel\ud800.example"))
@example(item=("contact_email", "olena@\ud800.example"))
@example(item=("contact_email", "olena@kestrel.exampl\udfff"))
def test_api_one_hostile_field_never_5xx(fuzz_client, item):
    """One field of the JSON payload hostile ("\\ud800" escapes included)."""
    field, value = item
    body = json.dumps(VALID_JSON | {field: value}).encode()
    path = f"/api/letters/{SLUG}/signatures/"
    response = fuzz_client.generic(
        "POST", path, data=body, content_type="application/json"
    )
    assert_no_5xx(response, "POST", path, body)


PREFIXES = [
    "/",
    "/en/",
    "/ru/",
    "/de/",
    "/xx/",
    "/en/letters/",
    f"/en/letters/{SLUG}/",
    "/en/updates/",
    "/en/sign/",
    f"/en/sign/{SLUG}/",
    f"/en/sign/{SLUG}/thanks/",
    f"/en/sign/{SLUG}/new-link/",
    "/en/sign/confirm/1/",
    "/en/sign/withdraw/1/",
    "/en/sign/logo/",
    "/en/admin/",
    "/api/",
    "/api/letters/",
    f"/api/letters/{SLUG}/",
    f"/api/letters/{SLUG}/signatories/",
    f"/api/letters/{SLUG}/widget/",
    "/api/schema/",
    "/i18n/setlang/",
    "/static/",
    "/sitemap.xml",
]
segment_bytes = st.one_of(
    st.builds(raw, fuzz_text.filter(lambda s: len(s) < 2000)),
    st.binary(max_size=40),
    st.sampled_from([b"\x00", b"%00", b"..", b".", b"\xed\xa0\x80", b"\xff", b"1"]),
)
paths = st.builds(
    lambda prefix, segments, slash: (
        prefix
        + "/".join(quote_from_bytes(s, safe="") for s in segments)
        + ("/" if slash else "")
    ),
    st.sampled_from(PREFIXES),
    st.lists(segment_bytes, max_size=4),
    st.booleans(),
)
query_strings = st.one_of(
    st.just(""),
    st.builds(
        lambda pairs: "&".join(
            f"{quote_from_bytes(k, safe='')}={quote_from_bytes(v, safe='')}"
            for k, v in pairs
        ),
        st.lists(
            st.tuples(
                st.one_of(
                    st.sampled_from(
                        [b"after", b"limit", b"country", b"type", b"lang", b"page"]
                    ),
                    segment_bytes,
                ),
                segment_bytes,
            ),
            max_size=4,
        ),
    ),
    # Unescaped bytes too, as a careless client would send them (latin-1 in WSGI).
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
)
latin1_text = st.text(st.characters(max_codepoint=255), max_size=80)
methods = st.one_of(
    st.sampled_from(
        ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
    ),
    st.text(string.ascii_letters, min_size=1, max_size=10),
)
content_types = st.one_of(
    st.sampled_from(
        [
            "",
            "application/json",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-16",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=x",
            f"multipart/form-data; boundary={BOUNDARY}",
            "text/plain; charset=rot13",
            "text/plain; charset=idna",
            "text/plain; charset=base64",
            "text/plain; charset=utf-32",
            "text/plain; charset=nope",
        ]
    ),
    latin1_text,
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_COOKIE": st.one_of(
            latin1_text, st.just('sessionid="abcdefghij\\000"; django_language=\\000')
        ),
        "HTTP_ACCEPT_LANGUAGE": latin1_text,
        "HTTP_IF_NONE_MATCH": latin1_text,
        "HTTP_IF_MODIFIED_SINCE": latin1_text,
        "HTTP_RANGE": latin1_text,
        "HTTP_REFERER": latin1_text,
        "HTTP_X_REQUESTED_WITH": latin1_text,
    },
)


@FUZZ
@given(path=paths, query=query_strings, extra=headers)
@example(path="/en/%00/", query="", extra={})
@example(path="/api/", query="a=%00", extra={})
@example(path="/en/", query="", extra={"HTTP_COOKIE": 'sessionid="abcdefghij\\000"'})
def test_url_space_get_never_5xx(fuzz_client, path, query, extra):
    """GET on arbitrary paths under every prefix, with arbitrary query strings."""
    response = fuzz_client.get(path, QUERY_STRING=query, **extra)
    assert_no_5xx(response, "GET", f"{path}?{query}")


@FUZZ
@given(
    method=methods,
    path=paths,
    query=query_strings,
    content_type=content_types,
    body=st.one_of(st.binary(max_size=300), st.builds(raw, fuzz_text)),
    extra=headers,
)
@example(
    method="POST",
    path=f"/en/sign/{SLUG}/",
    query="",
    content_type="multipart/form-data",
    body=b"x",
    extra={},
)
@example(
    method="GET",
    path="/en/",
    query="q=1",
    content_type="text/plain; charset=rot13",
    body=b"",
    extra={},
)
def test_methods_and_content_types_never_5xx(
    fuzz_client, method, path, query, content_type, body, extra
):
    """Arbitrary methods, content types and bodies on arbitrary paths."""
    response = fuzz_client.generic(
        method, path, data=body, content_type=content_type, QUERY_STRING=query, **extra
    )
    assert_no_5xx(response, method, f"{path}?{query} [{content_type!r}]", body)
