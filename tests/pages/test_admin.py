from datetime import date
from html.parser import HTMLParser

import pytest

from pages.models import RecommendationStatus, RecommendationStatusChange
from pages.services import recommendation_set_status
from tests.factories import LetterFactory, RecommendationFactory, UpdateFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """Collect what a browser would submit from the admin's main form."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if "checked" in attrs else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(admin_client, url):
    """The fields of an admin change form as the browser would post them back."""
    parser = _FormFields()
    response = admin_client.get(url)
    assert response.status_code == 200
    parser.feed(response.text)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.mark.parametrize("model", ["letter", "recommendation", "update"])
def test_admin_changelist_and_add_pages_render(admin_client, model):
    """A superuser can open the list, add and change pages of each model."""
    letter = LetterFactory()
    recommendation = RecommendationFactory(letter=letter)
    update = UpdateFactory(letter=letter)
    obj = {"letter": letter, "recommendation": recommendation, "update": update}[model]
    assert admin_client.get(f"/en/admin/pages/{model}/").status_code == 200
    assert admin_client.get(f"/en/admin/pages/{model}/add/").status_code == 200
    change = admin_client.get(f"/en/admin/pages/{model}/{obj.pk}/change/")
    assert change.status_code == 200


def test_admin_recommendation_status_changes_are_each_recorded(admin_client):
    """Each "record a status change" in the admin adds one history entry, in order."""
    recommendation = RecommendationFactory()
    url = f"/en/admin/pages/recommendation/{recommendation.pk}/change/?language=en"
    for status, day in (("acknowledged", "2026-10-01"), ("adopted", "2026-11-01")):
        data = form_data(admin_client, url)
        data.update(new_status=status, new_status_on=day)
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.text[:3000]
    data = form_data(admin_client, url)  # saved again without a change: no entry
    assert admin_client.post(url, data).status_code == 302
    history = RecommendationStatusChange.objects.filter(recommendation=recommendation)
    assert [(c.status, str(c.changed_on)) for c in history] == [
        ("adopted", "2026-11-01"),
        ("acknowledged", "2026-10-01"),
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ADOPTED
    assert str(recommendation.status_changed_on) == "2026-11-01"


def test_admin_cannot_set_the_status_on_the_row(admin_client):
    """The status is read-only in both admin forms: a posted status changes nothing."""
    recommendation = RecommendationFactory()
    url = f"/en/admin/pages/recommendation/{recommendation.pk}/change/?language=en"
    data = form_data(admin_client, url)
    assert "status" not in data and "status_changed_on" not in data
    data.update(status="adopted", status_changed_on="2026-11-01")
    assert admin_client.post(url, data).status_code == 302
    letter_url = f"/en/admin/pages/letter/{recommendation.letter.pk}/change/"
    data = form_data(admin_client, letter_url + "?language=en")
    assert not any(key.endswith("-0-status") for key in data)
    data["recommendations-0-status"] = "rejected"
    assert admin_client.post(letter_url + "?language=en", data).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.PROPOSED
    assert not RecommendationStatusChange.objects.exists()


def test_admin_status_field_alone_cannot_change_the_status(admin_client):
    """Posting a status field directly changes nothing: the service is the one path."""
    recommendation = RecommendationFactory()
    recommendation_set_status(recommendation=recommendation, status="acknowledged")
    url = f"/en/admin/pages/recommendation/{recommendation.pk}/change/"
    data = form_data(admin_client, url)
    data.update(status="rejected", status_changed_on="2026-11-01")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.text[:3000]
    recommendation.refresh_from_db()
    assert recommendation.status == "acknowledged"
    statuses = RecommendationStatusChange.objects.filter(
        recommendation=recommendation
    ).values_list("status", flat=True)
    assert list(statuses) == ["acknowledged"]


@pytest.mark.parametrize(
    ("status", "day", "field", "message"),
    [
        ("proposed", "2026-10-01", "new_status", "already has this status"),
        ("adopted", "2026-08-01", "new_status_on", "cannot be dated earlier"),
        ("adopted", "2999-01-01", "new_status_on", "cannot be in the future"),
    ],
)
def test_admin_status_change_refused_with_a_form_error(
    admin_client, status, day, field, message
):
    """The same status, an earlier or a future date give a form error, no entry."""
    recommendation = RecommendationFactory()
    recommendation_set_status(
        recommendation=recommendation, status="adopted", changed_on=date(2026, 9, 1)
    )
    recommendation_set_status(
        recommendation=recommendation, status="proposed", changed_on=date(2026, 9, 2)
    )
    url = f"/en/admin/pages/recommendation/{recommendation.pk}/change/?language=en"
    data = form_data(admin_client, url)
    data.update(new_status=status, new_status_on=day)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert RecommendationStatusChange.objects.count() == 2
