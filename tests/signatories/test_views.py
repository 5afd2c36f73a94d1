import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from signatories import services
from signatories.models import Signature, SignatureStatus
from signatories.selectors import letter_signature_count
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory

from .images import (
    image_bytes,
    png_over_two_megabytes,
    truncated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db


def sign_url(letter, language="en"):
    return f"/{language}/sign/{letter.slug}/"


def confirm_url(signature, token=None):
    token = token or confirm_token.make_token(signature)
    return f"/en/sign/confirm/{signature.pk}/{token}/"


def withdraw_url(signature, token=None):
    token = token or withdraw_token.make_token(signature)
    return f"/en/sign/withdraw/{signature.pk}/{token}/"


def follow_link(client, url):
    """Open an emailed link: it redirects to a token-free URL, which is returned."""
    landing = client.get(url)
    assert landing.status_code == 302
    return landing["Location"]


# The sign form


def test_sign_page_renders(client, letter):
    """The standalone sign page shows the form with its consent box and honeypot."""
    response = client.get(sign_url(letter))
    assert response.status_code == 200
    assert 'name="consent"' in response.text
    assert 'name="fax_number"' in response.text  # hidden from people by CSS
    assert 'name="kind"' not in response.text  # organisations only here
    assert 'enctype="multipart/form-data"' in response.text


def test_sign_page_offers_individual_signing_where_allowed(client):
    """Letters open to individuals show the 'I sign as' choice."""
    letter = LetterFactory(allow_individuals=True)
    assert 'name="kind"' in client.get(sign_url(letter)).text


def test_sign_post_stores_pending_and_redirects(
    client,
    letter,
    sign_data,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """A valid form stores one PENDING signature, mails it, and says 'check inbox'."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign/{letter.slug}/thanks/"
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.PENDING
    assert signature.language == "en"
    assert "127.0.0.1" not in str(Signature.objects.values().get())
    [message] = mailoutbox
    assert message.to == ["olena@kestrel.example"]
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Check your inbox" in thanks.text
    assert "olena@kestrel.example" not in thanks.text


def test_sign_in_russian_records_the_language(
    client,
    letter,
    sign_data,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Signing on the Russian page stores 'ru' and mails Russian links."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter, "ru"), sign_data)
    assert response["Location"] == f"/ru/sign/{letter.slug}/thanks/"
    assert Signature.objects.get().language == "ru"
    assert "/ru/sign/confirm/" in mailoutbox[0].body


def test_sign_post_twice_looks_the_same(client, letter, sign_data):
    """A repeat submission gives the same redirect and keeps one row (newest wins)."""
    first = client.post(sign_url(letter), sign_data)
    second = client.post(
        sign_url(letter),
        sign_data
        | {"organisation": "Changed", "contact_email": "OLENA@kestrel.example"},
    )
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1
    assert Signature.objects.get().organisation == "Changed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": ""}, "contact_email"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"organisation": "x" * 10_000}, "organisation"),
        ({"organisation": ""}, "organisation"),
        ({"organisation_type": ""}, "organisation_type"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"organisation_type": "cult"}, "organisation_type"),
        ({"consent": ""}, "consent"),
        ({"contact_name": "   "}, "contact_name"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"comment": "x" * 5000}, "comment"),
    ],
)
def test_sign_bad_input_gets_a_form_error(client, letter, sign_data, change, field):
    """Bad input answers 400 with the field's error shown, and stores nothing."""
    response = client.post(sign_url(letter), sign_data | change)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_errors"' in response.text
    assert "Please correct the marked fields." in response.text
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "missing", ["organisation", "country", "contact_name", "contact_email", "consent"]
)
def test_sign_missing_required_field_is_400(client, letter, sign_data, missing):
    """Leaving out a required field is a form error, not a crash."""
    data = {k: v for k, v in sign_data.items() if k != missing}
    response = client.post(sign_url(letter), data)
    assert response.status_code == 400
    assert missing in response.context["form"].errors
    assert not Signature.objects.exists()


def test_sign_empty_post_is_400(client, letter):
    """An empty POST shows the form with its errors."""
    response = client.post(sign_url(letter), {})
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_script_in_organisation_name_is_stored_as_text_and_escaped(
    client, letters_page, letter, sign_data, confirm
):
    """Markup in a name is kept as typed and shown as text in the public list."""
    name = '<script>alert("x")</script> Kestrel'
    client.post(sign_url(letter), sign_data | {"organisation": name})
    signature = Signature.objects.get()
    assert signature.organisation == name
    confirm(signature)
    page = client.get(f"/en/sign/{letter.slug}/signatories/").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Kestrel" in page


@pytest.mark.parametrize(
    "make_logo",
    [
        lambda: upload(b"<?php echo 1; ?>"),
        lambda: upload(png_over_two_megabytes()),
        lambda: upload(truncated_jpeg(), "photo.jpg", "image/jpeg"),
    ],
    ids=["text-named-png", "over-2-mb", "truncated-jpeg"],
)
def test_sign_refuses_a_bad_logo_with_a_form_error(
    client, letter, sign_data, make_logo
):
    """Fake, oversized or damaged logos answer 400 with a form error, never 500."""
    response = client.post(sign_url(letter), sign_data | {"logo": make_logo()})
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors
    assert not Signature.objects.exists()


def test_honeypot_looks_successful_but_stores_nothing(
    client,
    letter,
    sign_data,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """A filled honeypot gets the normal redirect, no row and no email."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter), sign_data | {"fax_number": "555"})
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign/{letter.slug}/thanks/"
    assert not Signature.objects.exists()
    assert mailoutbox == []


def test_individual_signs_where_allowed(client, sign_data, confirm):
    """On a letter open to individuals, a person signs without an organisation."""
    letter = LetterFactory(allow_individuals=True)
    data = sign_data | {
        "kind": "individual",
        "organisation": "",
        "organisation_type": "",
    }
    assert client.post(sign_url(letter), data).status_code == 302
    signature = Signature.objects.get()
    assert signature.kind == "individual"
    confirm(signature)
    assert letter_signature_count(letter=letter) == 1


def test_closed_letter_shows_closed_with_final_count(client, sign_data):
    """A closed letter says so with its final count; a POST answers 409."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(days=1))
    SignatureFactory.create_batch(3, letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    page = client.get(sign_url(letter))
    assert page.status_code == 200
    assert "Signing is closed" in page.text
    assert "It was signed 3 times." in page.text
    assert 'name="consent"' not in page.text
    response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 409
    assert "Signing is closed" in response.text
    assert Signature.objects.count() == 3


def test_letter_not_yet_open_refuses_signatures(client, sign_data):
    """Before signing opens the form is not offered and a POST answers 409."""
    letter = LetterFactory(signing_opens=timezone.now() + timedelta(days=1))
    assert 'name="consent"' not in client.get(sign_url(letter)).text
    assert client.post(sign_url(letter), sign_data).status_code == 409
    assert not Signature.objects.exists()


@pytest.mark.parametrize("suffix", ["", "thanks/", "new-link/"])
def test_unknown_or_draft_letter_is_404(client, sign_data, suffix):
    """Signing pages of unknown and draft letters answer 404."""
    draft = LetterFactory(status="draft")
    for slug in ("no-such-letter", draft.slug):
        url = f"/en/sign/{slug}/{suffix}"
        assert client.get(url).status_code == 404
        if suffix != "thanks/":  # GET only: a POST there is 405 whatever the slug
            assert client.post(url, sign_data).status_code == 404
    assert not Signature.objects.exists()


def test_sign_only_answers_get_and_post(client, letter):
    """Other methods on the sign page are refused."""
    assert client.put(sign_url(letter)).status_code == 405
    assert client.delete(sign_url(letter)).status_code == 405


# Confirmation links


def test_confirm_link_moves_the_token_out_of_the_url(client, letter):
    """The emailed link redirects to a URL without the token."""
    signature = SignatureFactory(letter=letter)
    token = confirm_token.make_token(signature)
    location = follow_link(client, confirm_url(signature, token))
    assert location == f"/en/sign/confirm/{signature.pk}/link/"
    page = client.get(location)
    assert token not in page.text
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]


def test_confirm_get_confirms_nothing_post_confirms(client, letter):
    """The link lands on a page with one POST button; only the POST confirms."""
    signature = SignatureFactory(letter=letter, organisation="Kestrel Press")
    location = follow_link(client, confirm_url(signature))
    for _ in range(2):  # a mail scanner may open it more than once
        page = client.get(location)
        assert page.status_code == 200
        assert 'method="post"' in page.text
        assert re.search(r"<button[^>]*>\s*Confirm\s*</button>", page.text)
        assert "Kestrel Press" in page.text
    assert Signature.objects.get().status == SignatureStatus.PENDING
    assert letter_signature_count(letter=letter) == 0
    done = client.post(location)
    assert done.status_code == 200
    assert "Your signature is confirmed" in done.text
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert letter_signature_count(letter=letter) == 1


def test_confirming_twice_is_harmless(client, letter):
    """A second click on the link, GET or POST, shows 'confirmed' and counts once."""
    signature = SignatureFactory(letter=letter)
    url = confirm_url(signature)
    client.post(follow_link(client, url))
    again = follow_link(client, url)
    assert client.get(again).status_code == 200
    second = client.post(again)
    assert second.status_code == 200
    assert "Your signature is confirmed" in second.text
    assert letter_signature_count(letter=letter) == 1


def test_confirm_on_approval_letter_says_an_editor_reviews(client):
    """Where approval is required, the signer learns the signature awaits review."""
    letter = LetterFactory(requires_approval=True)
    signature = SignatureFactory(letter=letter)
    done = client.post(follow_link(client, confirm_url(signature)))
    assert "An editor reviews organisation signatures" in done.text
    assert letter_signature_count(letter=letter) == 0


def test_confirm_with_tampered_token_answers_400_without_naming_the_letter(
    client, letter
):
    """A bad link answers 400, never 500, and says nothing about the signature."""
    signature = SignatureFactory(letter=letter)
    location = follow_link(client, confirm_url(signature, "abc-123"))
    page = client.get(location)
    assert page.status_code == 400
    assert "This link does not work" in page.text
    assert letter.slug not in page.text
    assert client.post(location).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_confirm_with_expired_token_offers_a_new_link(
    client, letter, monkeypatch, settings
):
    """A link older than SIGNATURE_TOKEN_TIMEOUT answers 400 and confirms nothing."""
    signature = SignatureFactory(letter=letter)
    url = confirm_url(signature)
    now = confirm_token._now()
    expired = now + timedelta(seconds=settings.SIGNATURE_TOKEN_TIMEOUT + 60)
    monkeypatch.setattr(confirm_token, "_now", lambda: expired)
    location = follow_link(client, url)
    page = client.get(location)
    assert page.status_code == 400
    assert 'name="contact_email"' in page.text
    assert client.post(location).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


@pytest.mark.parametrize("token", ["en", "sign", "confirm", "the-id"])
def test_confirm_token_that_also_appears_in_the_path_still_redirects(
    client, letter, token
):
    """Only the token segment is replaced, so a junk token still gets the 400 page."""
    signature = SignatureFactory(letter=letter)
    token = str(signature.pk) if token == "the-id" else token
    location = follow_link(client, confirm_url(signature, token))
    assert location == f"/en/sign/confirm/{signature.pk}/link/"
    assert client.get(location).status_code == 400


def test_confirm_link_page_without_a_session_is_400(client, letter):
    """The token-free URL opened in another browser has no token: 400."""
    signature = SignatureFactory(letter=letter)
    assert client.get(f"/en/sign/confirm/{signature.pk}/link/").status_code == 400
    assert client.post(f"/en/sign/confirm/{signature.pk}/link/").status_code == 400


def test_confirm_unknown_signature_is_400_not_500(client):
    """A link for a signature that does not exist answers 400, without a form."""
    for signature_id in (999999, 10**30):
        location = follow_link(client, f"/en/sign/confirm/{signature_id}/abc-123/")
        page = client.get(location)
        assert page.status_code == 400
        assert 'name="contact_email"' not in page.text


def test_confirm_link_after_withdrawal_does_not_say_confirmed(client, letter):
    """An old confirm link on a withdrawn signature does not claim it counts."""
    signature = SignatureFactory(letter=letter)
    url = confirm_url(signature)
    client.post(follow_link(client, url))
    signature.refresh_from_db()
    services.signature_withdraw(
        signature_id=signature.pk, token=withdraw_token.make_token(signature)
    )
    page = client.get(follow_link(client, url))
    assert page.status_code == 400
    assert "now counts" not in page.text
    assert Signature.objects.get().status == SignatureStatus.WITHDRAWN


# Withdraw links


def test_withdraw_get_changes_nothing_post_erases(client, letters_page, letter):
    """The withdraw page asks for a POST, which erases and returns to the letter."""
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    location = follow_link(client, withdraw_url(signature))
    assert location == f"/en/sign/withdraw/{signature.pk}/link/"
    page = client.get(location)
    assert page.status_code == 200
    assert 'method="post"' in page.text and "Withdraw my signature" in page.text
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    response = client.post(location)
    assert response.status_code == 302
    assert response["Location"] == f"/en/letters/{letter.slug}/"
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN
    assert signature.contact_email == "" and signature.organisation == ""
    assert letter_signature_count(letter=letter) == 0
    letter_page = client.get(response["Location"])
    assert "Your signature was withdrawn" in letter_page.text


def test_withdraw_link_from_the_confirmation_email_works_after_confirming(
    client, letter
):
    """Both links of the first email work in turn: confirm, then withdraw."""
    signature = SignatureFactory(letter=letter)
    confirm_link = confirm_url(signature)
    withdraw_link = withdraw_url(signature)  # made while PENDING, as mailed
    client.post(follow_link(client, confirm_link))
    assert letter_signature_count(letter=letter) == 1
    location = follow_link(client, withdraw_link)
    assert client.get(location).status_code == 200
    assert client.post(location).status_code == 302
    assert Signature.objects.get().status == SignatureStatus.WITHDRAWN
    assert letter_signature_count(letter=letter) == 0


def test_withdraw_link_dies_after_use(client, letter):
    """Opening a withdraw link again after using it answers 400."""
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    url = withdraw_url(signature)
    client.post(follow_link(client, url))
    location = follow_link(client, url)
    assert client.get(location).status_code == 400
    assert client.post(location).status_code == 400


@pytest.mark.parametrize("token", ["abc-123", "garbage", "x" * 200])
def test_withdraw_with_bad_token_is_400(client, letter, token):
    """A tampered or junk withdraw link answers 400 and erases nothing."""
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    location = follow_link(client, withdraw_url(signature, token))
    assert client.get(location).status_code == 400
    assert client.post(location).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED


def test_confirm_token_cannot_withdraw(client, letter):
    """A confirm link pasted into the withdraw URL withdraws nothing."""
    signature = SignatureFactory(letter=letter)
    token = confirm_token.make_token(signature)
    location = follow_link(client, withdraw_url(signature, token))
    assert client.post(location).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


# New link (resend)


def test_resend_page_renders(client, letter):
    """The new-link page asks for an address."""
    page = client.get(f"/en/sign/{letter.slug}/new-link/")
    assert page.status_code == 200
    assert 'name="contact_email"' in page.text


def test_resend_looks_the_same_whether_or_not_the_address_signed(
    client, letter, django_capture_on_commit_callbacks, celery_eager, mailoutbox
):
    """The 'new link' form never reveals whether an address signed."""
    SignatureFactory(letter=letter, contact_email="known@kestrel.example")
    url = f"/en/sign/{letter.slug}/new-link/"
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"contact_email": "Known@kestrel.example"})
        unknown = client.post(url, {"contact_email": "stranger@else.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).text == client.get(unknown["Location"]).text
    assert [m.to for m in mailoutbox] == [["known@kestrel.example"]]


def test_resend_bad_address_is_400(client, letter):
    """An invalid address on the new-link form answers 400 with the error."""
    response = client.post(
        f"/en/sign/{letter.slug}/new-link/", {"contact_email": "nope"}
    )
    assert response.status_code == 400
    assert 'id="id_contact_email_errors"' in response.text


def test_resend_is_rate_limited(client, letter, settings):
    """The new-link form shares the per-address limit."""
    settings.SIGNATURE_RATE_IP = "2/h"
    url = f"/en/sign/{letter.slug}/new-link/"
    codes = [
        client.post(url, {"contact_email": f"n{n}@kestrel.example"}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


# Rate limits


def test_rate_limit_per_ip_answers_429(client, letter, sign_data, settings):
    """Past the per-address limit the visitor gets a readable 429 page."""
    settings.SIGNATURE_RATE_IP = "2/h"
    for n in range(2):
        data = sign_data | {"contact_email": f"n{n}@kestrel.example"}
        assert client.post(sign_url(letter), data).status_code == 302
    response = client.post(
        sign_url(letter), sign_data | {"contact_email": "x@y.example"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert f'href="{letter.get_absolute_url()}"' in response.text
    assert Signature.objects.count() == 2
    other_ip = sign_data | {"contact_email": "z@y.example"}
    assert (
        client.post(sign_url(letter), other_ip, REMOTE_ADDR="10.1.1.1").status_code
        == 302
    )


def test_rate_limit_per_email_spans_addresses(client, letter, sign_data, settings):
    """The per-email limit holds even when the requests come from different IPs."""
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    codes = [
        client.post(
            sign_url(letter),
            sign_data | {"contact_email": email},
            REMOTE_ADDR=f"10.0.0.{n}",
        ).status_code
        for n, email in enumerate(
            ["olena@kestrel.example", "OLENA@kestrel.example ", "olena@Kestrel.example"]
        )
    ]
    assert codes == [302, 302, 429]


def test_rate_limit_uses_the_proxy_header_when_configured(
    client, letter, sign_data, settings
):
    """Behind a proxy, the last hop of the configured header is the client."""
    settings.SIGNATURE_RATE_IP = "1/h"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"

    def post(n, forwarded):
        data = sign_data | {"contact_email": f"n{n}@kestrel.example"}
        return client.post(
            sign_url(letter), data, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    assert post(1, "198.51.100.1, 10.0.0.1") == 302
    assert post(2, "203.0.113.99, 10.0.0.1") == 429  # same last hop: same client
    assert post(3, "10.0.0.2") == 302


# Logos


def test_listed_signatures_logo_is_served(client, letter, sign_data, confirm):
    """A logo is served as PNG once its signature is confirmed and listed."""
    client.post(sign_url(letter), sign_data | {"logo": upload(image_bytes("JPEG"))})
    signature = Signature.objects.get()
    url = f"/en/sign/logo/{signature.pk}.png"
    assert client.get(url).status_code == 404  # still pending
    confirm(signature)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "state",
    [
        {"status": "pending"},
        {"status": "confirmed", "is_public": False},
        {"status": "rejected"},
        {"status": "withdrawn"},
        {"status": "confirmed", "kind": "individual"},
    ],
    ids=["pending", "hidden", "rejected", "withdrawn", "individual"],
)
def test_unlisted_signatures_logo_is_404(client, letter, state):
    """Logos of signatures that are not listed publicly are not served."""
    signature = SignatureFactory(letter=letter, logo="logos/x.png", **state)
    assert client.get(f"/en/sign/logo/{signature.pk}.png").status_code == 404


def test_logo_awaiting_approval_is_404(client):
    """A confirmed organisation awaiting approval has no public logo yet."""
    letter = LetterFactory(requires_approval=True)
    signature = SignatureFactory(letter=letter, status="confirmed", logo="logos/x.png")
    assert client.get(f"/en/sign/logo/{signature.pk}.png").status_code == 404


def test_logo_missing_from_storage_is_404(client, letter):
    """A listed signature whose file is gone answers 404, not 500."""
    signature = SignatureFactory(
        letter=letter, status="confirmed", logo="logos/gone.png"
    )
    assert client.get(f"/en/sign/logo/{signature.pk}.png").status_code == 404


def test_logo_of_unknown_signature_is_404(client):
    """Unknown and absurd ids answer 404."""
    assert client.get("/en/sign/logo/999999.png").status_code == 404
    assert client.get(f"/en/sign/logo/{10**30}.png").status_code == 404


def test_confirm_page_on_an_unpublished_letter_says_nothing_counts(client, letter):
    """A valid link on an unpublished letter answers a clear page, confirms nothing."""
    signature = SignatureFactory(letter=letter)
    location = follow_link(client, confirm_url(signature))
    letter.status = "draft"
    letter.save()
    page = client.get(location)
    assert page.status_code == 410
    assert "This letter is not published" in page.text
    assert client.post(location).status_code == 410
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_sign_with_an_invalid_idna_domain_is_a_form_error(client, letter, sign_data):
    """A domain that is no valid IDNA name answers 400 with the form, not a 500."""
    data = sign_data | {"contact_email": "olena@xn--zz.example"}
    response = client.post(sign_url(letter), data)
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert not Signature.objects.exists()


def test_one_mailbox_signs_once_under_any_spelling(client, letter, sign_data):
    """Gmail dots, +tags and IDNA spellings of one mailbox store one signature."""
    for email in [
        "olena.k@gmail.com",
        "OlenaK+letter@googlemail.com",
        '"olena.k"@ｇｍａｉｌ.com',
        "o.l.e.n.a.k@gm\u00adail.com",
    ]:
        response = client.post(sign_url(letter), sign_data | {"contact_email": email})
        assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.email_normalised == "olenak@gmail.com"
    assert signature.contact_email == "olena.k@gmail.com"


def test_confirm_pages_word_an_individual_signature(client):
    """An individual confirms and is thanked in their own name, not "on behalf of"."""
    letter = LetterFactory(allow_individuals=True)
    signature = SignatureFactory(
        letter=letter, kind="individual", organisation="", contact_name="Olena P"
    )
    location = follow_link(client, confirm_url(signature))
    page = client.get(location).text
    assert "in your own name" in page and "on behalf of" not in page
    done = client.post(location).text
    assert "You signed" in done and "in your own name" in done
    assert "on behalf of" not in done


def test_confirmed_page_names_the_organisation(client, letter):
    """An organisation's confirmation says on whose behalf it signed."""
    signature = SignatureFactory(letter=letter, organisation="Kestrel Press")
    done = client.post(follow_link(client, confirm_url(signature))).text
    assert "on behalf of Kestrel Press" in done


def test_form_introduction_follows_who_may_sign(client, letters_page):
    """Where individuals may sign, the introduction says so; otherwise organisations."""
    both = LetterFactory(allow_individuals=True)
    orgs = LetterFactory()
    assert "Organisations and individuals sign here" in client.get(sign_url(both)).text
    page = client.get(f"/en/letters/{both.slug}/").text
    assert "Organisations and individuals sign here" in page
    page = client.get(f"/en/letters/{orgs.slug}/").text
    assert "Organisations sign here" in page
    assert "individuals sign here" not in page


def test_approval_is_announced_before_signing(client, letters_page):
    """On a letter that needs approval, the letter page and form say so up front."""
    letter = LetterFactory(requires_approval=True)
    for url in (f"/en/letters/{letter.slug}/", sign_url(letter)):
        assert "An editor reviews each signature" in client.get(url).text
    plain = LetterFactory()
    for url in (f"/en/letters/{plain.slug}/", sign_url(plain)):
        assert "An editor reviews" not in client.get(url).text


def test_rate_limited_sign_form_keeps_what_was_typed(
    client, letter, sign_data, settings
):
    """The 429 re-shows the form with the typed data and says when to try again."""
    settings.SIGNATURE_RATE_IP = "1/h"
    settings.SIGNATURE_RATE_EMAIL = "5/h"
    first = sign_data | {"contact_email": "a@kestrel.example"}
    assert client.post(sign_url(letter), first).status_code == 302
    typed = sign_data | {
        "contact_email": "b@kestrel.example",
        "comment": "Count us in",
        "logo": upload(image_bytes()),
    }
    response = client.post(sign_url(letter), typed)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.text
    assert "Too many attempts" in html and "try again in 60 minutes" in html
    assert 'value="Kestrel Rights Alliance"' in html
    assert 'value="b@kestrel.example"' in html
    assert "Count us in</textarea>" in html
    assert '<option value="UA" selected>' in html
    assert "The logo cannot be kept" in html
    assert Signature.objects.count() == 1


# The sign form's origin check (it carries no CSRF token: docs/decisions.md)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ],
    ids=["neither", "cross-site", "same-site", "foreign-origin", "null", "lying"],
)
def test_sign_post_from_elsewhere_is_refused_with_a_403_page(
    letter, sign_data, headers
):
    """A POST that a browser did not send from our own page stores nothing."""
    client = Client(headers=headers)
    response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 403
    assert "only accepts submissions sent from this site" in response.text
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}],
    ids=["sec-fetch-site", "origin"],
)
def test_sign_post_from_our_page_needs_no_csrf_token(letter, sign_data, headers):
    """Same-origin posts are accepted without a token, even with CSRF enforced."""
    client = Client(enforce_csrf_checks=True, headers=headers)
    response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_sign_pages_set_no_csrf_cookie(letter):
    """The sign page and form carry no token, so they set no cookie."""
    client = Client()
    response = client.get(sign_url(letter))
    assert "csrfmiddlewaretoken" not in response.text
    assert response.cookies == {}


def test_signing_reads_no_recommendations(client, letter, sign_data):
    """A sign-up loads the letter and its text, not what only the letter page shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.post(sign_url(letter), sign_data).status_code == 302
    assert not [q for q in queries if "pages_recommendation" in q["sql"]]
