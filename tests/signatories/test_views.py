import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from signatories import services
from signatories.models import Signature, SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def sign_url(letter):
    return f"/en/sign/{letter.slug}/"


def png(size=(64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_sign_page_renders(client, letter):
    """The standalone sign page shows the form with its consent box."""
    response = client.get(sign_url(letter))
    assert response.status_code == 200
    assert 'name="consent"' in response.text
    assert 'name="fax_number"' in response.text  # honeypot present, hidden by CSS


def test_sign_post_stores_pending_and_redirects(client, letter, sign_data):
    """A valid form stores one PENDING signature and redirects to 'check your inbox'."""
    response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 302
    assert response["Location"] == f"/en/sign/{letter.slug}/thanks/"
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.PENDING
    assert signature.ip_hash and "127.0.0.1" not in signature.ip_hash
    assert client.get(response["Location"]).status_code == 200


def test_sign_post_twice_looks_the_same(client, letter, sign_data):
    """A repeat submission gives the same redirect and keeps one row."""
    first = client.post(sign_url(letter), sign_data)
    second = client.post(sign_url(letter), sign_data | {"organisation": "Changed"})
    assert first["Location"] == second["Location"]
    assert Signature.objects.get().organisation == "Kestrel Rights Alliance"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_email": ""}, "contact_email"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"organisation": "x" * 10_000}, "organisation"),
        ({"organisation": ""}, "organisation"),
        ({"country": "XX"}, "country"),
        ({"organisation_type": "cult"}, "organisation_type"),
        ({"consent": ""}, "consent"),
        ({"contact_name": "   "}, "contact_name"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_sign_bad_input_gets_a_form_error(client, letter, sign_data, change, field):
    """Bad input answers 400 with the field's error and stores nothing."""
    response = client.post(sign_url(letter), sign_data | change)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_errors"' in response.text
    assert not Signature.objects.exists()


def test_sign_rejects_a_non_image_logo(client, letter, sign_data):
    """A text file named .png is refused with a form error."""
    fake = SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(sign_url(letter), sign_data | {"logo": fake})
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors


def test_sign_rejects_an_oversized_logo(client, letter, sign_data, settings):
    """A logo over the byte limit is refused with a form error."""
    settings.LOGO_MAX_BYTES = 100
    response = client.post(sign_url(letter), sign_data | {"logo": png()})
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors


def test_sign_accepts_a_logo_and_serves_it_for_listed_signers(
    client, letter, sign_data
):
    """A good logo is stored and served once the signature is listed."""
    client.post(sign_url(letter), sign_data | {"logo": png()})
    signature = Signature.objects.get()
    assert client.get(f"/en/sign/logo/{signature.pk}.png").status_code == 404
    services.signature_confirm(
        signature_id=signature.pk, token=confirm_token.make_token(signature)
    )
    response = client.get(f"/en/sign/logo/{signature.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_hidden_signers_logo_is_not_served(client, letter):
    """A signer who asked not to be listed has no public logo."""
    signature = SignatureFactory(
        letter=letter, status=SignatureStatus.CONFIRMED, is_public=False, logo="x.png"
    )
    assert client.get(f"/en/sign/logo/{signature.pk}.png").status_code == 404


def test_honeypot_looks_successful_but_stores_nothing(client, letter, sign_data):
    """A filled honeypot gets the normal redirect and no row."""
    response = client.post(sign_url(letter), sign_data | {"fax_number": "555"})
    assert response.status_code == 302
    assert not Signature.objects.exists()


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
    assert Signature.objects.count() == 2


def test_rate_limit_per_email_spans_addresses(client, letter, sign_data, settings):
    """The per-email limit holds even when the requests come from different IPs."""
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    codes = [
        client.post(sign_url(letter), sign_data, REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_closed_letter_shows_closed_and_refuses(client, sign_data):
    """A closed letter says so with its final count; a POST answers 409."""
    letter = LetterFactory(signing_closes=timezone.now() - timedelta(days=1))
    page = client.get(sign_url(letter))
    assert page.status_code == 200 and "Signing is closed" in page.text
    response = client.post(sign_url(letter), sign_data)
    assert response.status_code == 409
    assert not Signature.objects.exists()


def test_unknown_letter_is_404(client, sign_data):
    """Signing an unknown letter answers 404."""
    assert client.get("/en/sign/no-such-letter/").status_code == 404
    assert client.post("/en/sign/no-such-letter/", sign_data).status_code == 404


def confirm_path(signature):
    return f"/en/sign/confirm/{signature.pk}/{confirm_token.make_token(signature)}/"


def test_confirm_link_get_confirms_nothing_post_confirms(client, letter):
    """The link lands on a page with one POST button; only the POST confirms."""
    signature = SignatureFactory(letter=letter)
    landing = client.get(confirm_path(signature))
    assert landing.status_code == 302
    assert landing["Location"].endswith(f"/confirm/{signature.pk}/link/")
    page = client.get(landing["Location"])
    assert page.status_code == 200 and 'method="post"' in page.text
    assert Signature.objects.get().status == SignatureStatus.PENDING
    done = client.post(landing["Location"])
    assert done.status_code == 200
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    again = client.get(confirm_path(signature))
    assert client.get(again["Location"]).status_code == 200  # harmless repeat


def test_confirm_with_tampered_token_offers_a_new_link(client, letter):
    """A bad link answers 400 with the 'send me a new link' form, never 500."""
    signature = SignatureFactory(letter=letter)
    landing = client.get(f"/en/sign/confirm/{signature.pk}/abc-123/")
    page = client.get(landing["Location"])
    assert page.status_code == 400
    assert 'name="contact_email"' in page.text
    assert client.post(landing["Location"]).status_code == 400
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_confirm_unknown_signature_is_400_not_500(client):
    """A link for a signature that does not exist answers 400."""
    landing = client.get("/en/sign/confirm/999999/abc-123/")
    assert client.get(landing["Location"]).status_code == 400


def test_withdraw_link_erases_after_post(client, letter):
    """The withdraw page confirms by POST and the data is erased."""
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    path = f"/en/sign/withdraw/{signature.pk}/{withdraw_token.make_token(signature)}/"
    landing = client.get(path)
    assert client.get(landing["Location"]).status_code == 200
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    response = client.post(landing["Location"])
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.WITHDRAWN
    assert signature.contact_email == "" and signature.organisation == ""


def test_resend_looks_the_same_whether_or_not_the_address_signed(
    client, letter, django_capture_on_commit_callbacks, celery_eager, mailoutbox
):
    """The 'new link' form never reveals whether an address signed."""
    SignatureFactory(letter=letter, contact_email="known@kestrel.example")
    url = f"/en/sign/{letter.slug}/new-link/"
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"contact_email": "known@kestrel.example"})
        unknown = client.post(url, {"contact_email": "stranger@else.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mailoutbox] == [["known@kestrel.example"]]


def test_letter_page_shows_count_goal_and_public_signatories(
    client, letters_page, letter
):
    """Listed organisations appear; hidden ones are counted, never named."""
    SignatureFactory(
        letter=letter, status="confirmed", organisation="Visible Org", country="UA"
    )
    SignatureFactory(
        letter=letter, status="confirmed", organisation="Hidden Org", is_public=False
    )
    SignatureFactory(letter=letter, status="pending", organisation="Pending Org")
    services.letter_recount(letter=letter)
    page = client.get(f"/en/letters/{letter.slug}/").text
    assert "Visible Org" in page
    assert "Hidden Org" not in page and "Pending Org" not in page
    assert re.search(r"<strong>2</strong>\s*signatures", page)
    assert 'class="goal-bar" max="10" value="2"' in page


def test_letter_page_never_shows_signer_emails(client, letters_page, letter):
    """No contact address appears in the letter page, API, feeds or a 404 page."""
    SignatureFactory(
        letter=letter, status="confirmed", contact_email="secret@hidden.example"
    )
    services.letter_recount(letter=letter)
    urls = [
        f"/en/letters/{letter.slug}/",
        f"/api/letters/{letter.slug}/",
        f"/api/letters/{letter.slug}/signatories/",
        "/en/letters/feed/",
        "/en/letters/no-such-letter/",
    ]
    for url in urls:
        assert "secret@hidden.example" not in client.get(url).content.decode(), url


def test_signatory_list_filters_and_keyset_pagination(client, letters_page, letter):
    """Country and type filters narrow the list; ?after= pages by id."""
    for n in range(60):
        SignatureFactory(
            letter=letter,
            status="confirmed",
            organisation=f"Org {n:02d}",
            country="UA" if n % 2 else "DE",
            organisation_type="media" if n % 3 else "ngo",
        )
    services.letter_recount(letter=letter)
    url = f"/en/letters/{letter.slug}/"
    first = client.get(url)
    assert "Org 00" in first.text and "Org 59" not in first.text
    cursor = re.search(r"after=(\d+)#signatories", first.text).group(1)
    second = client.get(f"{url}?after={cursor}")
    assert "Org 59" in second.text and "Org 00<" not in second.text
    ukraine = client.get(f"{url}?country=UA").text
    assert "Org 01" in ukraine and "Org 00<" not in ukraine
    ngos = client.get(f"{url}?type=ngo").text
    assert "Org 03" in ngos and "Org 01<" not in ngos
    assert client.get(f"{url}?after=oops&country=ZZZ&type=x").status_code == 200


def test_html_in_names_is_escaped(client, letters_page, letter):
    """Markup in an organisation name is shown as text."""
    SignatureFactory(
        letter=letter, status="confirmed", organisation="<script>alert(1)</script>"
    )
    services.letter_recount(letter=letter)
    page = client.get(f"/en/letters/{letter.slug}/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
