"""Public pages of earlier versions of a letter's text, and what changed since."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from djangocms_versioning.constants import ARCHIVED
from djangocms_versioning.models import Version

from pages.canonical import canonical_text, text_hash
from pages.services import (
    content_publish,
    content_unpublish,
    recommendation_text_set,
    system_user,
)
from pages.textdiff import letter_text_diff, word_diff
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    edit_text,
    publish_text,
)

pytestmark = pytest.mark.django_db

SLUG = "stop-the-raids"


def version_url(number: int, language: str = "en") -> str:
    return f"/{language}/letters/{SLUG}/versions/{number}/"


@pytest.fixture
def letter(letters_page):
    """Version 1 published, then replaced by version 2 (published)."""
    letter = LetterFactory(
        slug=SLUG,
        title="Stop the raids",
        recipient="To the Board",
        body="<p>We ask you to stop the raids now.</p>",
    )
    RecommendationFactory(letter=letter, number=1, title="Publish the contracts")
    first = letter.content("en")
    second = edit_text(
        letter,
        body="<p>We ask you to end the raids today.</p>",
        change_note="Firmer wording",
    )
    letter.first, letter.second = first, second
    return letter


def test_version_page_shows_the_earlier_text_and_its_hash(client, letter):
    """Version 1 reads as it was published, with its SHA-256 and canonical text."""
    response = client.get(version_url(1))
    assert response.status_code == 200
    html = response.text
    assert "stop the raids now" in html and "end the raids today" not in html
    assert "Publish the contracts" in html
    assert text_hash(letter.first) in html
    assert text_hash(letter.first) != text_hash(letter.second)
    pre = '<pre lang="en" class="canonical-text">'
    shown = html[html.index(pre) + len(pre) : html.index("</pre>")]
    assert shown == canonical_text(letter.first)  # what the hash is computed from
    assert "Version 1 of" in html and "the current text is here" in html
    assert f'href="/en/letters/{SLUG}/"' in html
    assert 'id="sign"' not in html, "a version page has no sign form"


def test_current_version_page_says_it_is_current(client, letter):
    """The page of the published version says it is the current text."""
    html = client.get(version_url(2)).text
    assert "end the raids today" in html
    assert "This is the current text" in html
    assert text_hash(letter.second) in html


def test_version_pages_link_each_other_and_breadcrumb_runs_through_the_letter(
    client, letter
):
    """An old version links its diff; the breadcrumb ends letter › version."""
    html = client.get(version_url(1)).text
    assert f'href="/en/letters/{SLUG}/versions/1/changes/"' in html
    crumbs = html[html.index('class="breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert '<a href="/en/letters/">' in crumbs
    assert f'<a href="/en/letters/{SLUG}/">Stop the raids</a>' in crumbs
    assert '<span aria-current="page">Version 1</span>' in crumbs


def test_diff_marks_removed_and_added_words(client, letter):
    """The changes page wraps removed words in <del> and added ones in <ins>."""
    response = client.get(version_url(1) + "changes/")
    assert response.status_code == 200
    html = response.text
    deleted = re.findall(r"<del>.*?</del>", html)
    inserted = re.findall(r"<ins>.*?</ins>", html)
    assert any(d.endswith("</span>stop</del>") for d in deleted), deleted
    assert any(d.endswith("</span>now.</del>") for d in deleted), deleted
    assert any(i.endswith("</span>end</ins>") for i in inserted), inserted
    assert any(i.endswith("</span>today.</ins>") for i in inserted), inserted
    # Screen readers are told which is which (<del>/<ins> alone are not announced).
    assert '<span class="visually-hidden" lang="en">[removed:] </span>' in html
    assert "Unchanged:" in html and "Title" in html


def test_diff_of_the_current_version_says_nothing_changed(client, letter):
    """Comparing the current version with itself says the text has not changed."""
    html = client.get(version_url(2) + "changes/").text
    assert "<del>" not in html and "<ins>" not in html
    assert "has not changed since this version" in html


def test_word_diff_keeps_the_unchanged_words():
    """The word diff groups changes and keeps the words around them."""
    segments = word_diff("stop the raids now", "end the raids today")
    assert [(s.kind, s.text) for s in segments] == [
        ("delete", "stop"),
        ("insert", "end"),
        ("equal", " the raids "),
        ("delete", "now"),
        ("insert", "today"),
    ]


def test_letter_text_diff_shows_a_new_recommendation_as_added(letter):
    """A recommendation only the newer version has shows wholly as added."""
    draft = edit_text(letter, publish=False)
    recommendation_text_set(content=draft, number=2, title="Consult the groups")
    parts = {p.label: p for p in letter_text_diff(letter.second, draft)}
    added = parts["Recommendation 2"]
    assert [s.kind for s in added.segments] == ["insert"]
    assert not parts["Recommendation 1"].changed


@pytest.mark.parametrize("suffix", ["", "changes/"])
def test_a_draft_version_is_not_public(client, admin_client, letter, suffix):
    """A draft's number answers 404, to visitors and to staff alike."""
    edit_text(letter, body="<p>Secret draft words</p>", publish=False)
    for each in (client, admin_client):
        response = each.get(version_url(3) + suffix)
        assert response.status_code == 404
        assert "Secret draft words" not in response.text


def test_an_archived_draft_is_not_public(client, letter):
    """A draft discarded without being published never becomes a public version."""
    draft = edit_text(letter, body="<p>Discarded words</p>", publish=False)
    version = Version.objects.get_for_content(draft)
    version.archive(system_user())
    assert Version.objects.get(pk=version.pk).state == ARCHIVED
    assert client.get(version_url(3)).status_code == 404


@pytest.mark.parametrize("path", ["versions/9/", "versions/9/changes/", "versions/0/"])
def test_unknown_version_numbers_are_404(client, letter, path):
    """A number the letter never had answers 404."""
    assert client.get(f"/en/letters/{SLUG}/{path}").status_code == 404


def test_versions_of_a_draft_letter_are_404(client, letters_page):
    """A letter that was never published has no public versions."""
    LetterFactory(slug="draft-letter", status="draft", body="<p>Not yet</p>")
    response = client.get("/en/letters/draft-letter/versions/1/")
    assert response.status_code == 404


def test_draft_preview_is_404_for_visitors(client, letter):
    """The staff preview of a draft is 404 to a visitor."""
    draft = edit_text(letter, body="<p>Secret draft words</p>", publish=False)
    response = client.get(f"/en/preview/letter/{draft.pk}/")
    assert response.status_code == 404
    assert "Secret draft words" not in response.text


def test_version_numbers_are_per_language(client, letter):
    """/ru/…/versions/1/ is the first Russian version, not the English one."""
    publish_text(letter, "ru", title="Прекратите обыски", body="<p>Мы просим</p>")
    html = client.get(version_url(1, "ru")).text
    assert "Прекратите обыски" in html and "stop the raids now" not in html
    assert client.get(version_url(2, "ru")).status_code == 404


def test_an_unpublished_language_keeps_its_versions_but_has_no_diff(client, letter):
    """Text taken off the site stays readable as a version; there is no diff."""
    russian = publish_text(letter, "ru", title="Прекратите обыски")
    content_unpublish(content=russian)
    assert client.get(version_url(1, "ru")).status_code == 200
    assert client.get(version_url(1, "ru") + "changes/").status_code == 404


def test_version_page_shows_the_date_it_was_published(client, letter):
    """The banner dates the version by when it was published."""
    version = Version.objects.get_for_content(letter.first)
    published = version.statetracking_set.get(new_state="published").date
    with translation.override("en"):
        expected = date_format(timezone.localtime(published), "DATE_FORMAT")
    assert f"Version 1 of {expected}" in client.get(version_url(1)).text


def test_version_pages_are_shared_cacheable_for_visitors(client, admin_client, letter):
    """Visitors get a page a shared cache may keep; editors a private one."""
    for path in (version_url(1), version_url(1) + "changes/"):
        response = client.get(path)
        assert "public" in response["Cache-Control"]
        assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
        assert "private" in admin_client.get(path)["Cache-Control"]


def test_version_page_copy_is_dropped_when_a_new_version_is_published(
    client, letter, django_capture_on_commit_callbacks
):
    """The banner of the current version changes once a newer one is published."""
    assert "This is the current text" in client.get(version_url(2)).text
    with django_capture_on_commit_callbacks(execute=True):
        draft = edit_text(letter, body="<p>Third text</p>", publish=False)
        content_publish(content=draft)
    html = client.get(version_url(2)).text
    assert "the current text is here" in html


def test_word_diff_marks_added_words_without_the_space_before_them():
    """Words added at the end are marked; the space before them is not."""
    segments = word_diff("stop the raids", "stop the raids (revised)")
    assert [(s.kind, s.text) for s in segments] == [
        ("equal", "stop the raids "),
        ("insert", "(revised)"),
    ]


def test_version_pages_are_cheap(client, letter):
    """A version page or its diff reads the letter's tables 4 times, then a copy."""
    for path in (version_url(1), version_url(1) + "changes/"):
        client.get(path)  # the CMS builds its menus and apphook URLs once
        cache.delete(f"pages:path-copy:{path}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        ours = [
            q["sql"]
            for q in queries.captured_queries
            if ('"pages_' in q["sql"] or '"djangocms_versioning_' in q["sql"])
            and '"cms_' not in q["sql"]  # the CMS's own page lookups
        ]
        assert len(ours) <= 4, ours  # letter id, version, texts, recommendations
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        # Served from the kept copy: only the CMS's apphook-reload check remains.
        assert all(
            "cms_urlconfrevision" in q["sql"] for q in queries.captured_queries
        ), queries.captured_queries
