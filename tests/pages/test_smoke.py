import pytest

from tests.factories import LetterFactory


@pytest.mark.django_db
def test_letter_page_renders(client, letters_page):
    """A published letter is served under the apphook page."""
    letter = LetterFactory(slug="stop-the-raids", title="Stop the raids")
    response = client.get(f"/en/letters/{letter.slug}/")
    assert response.status_code == 200
    assert "Stop the raids" in response.text
