import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from signatories import services
from signatories.erasure import admin_history_erase
from signatories.tokens import withdraw_token
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/en/admin/signatories/signature/"


def test_withdrawal_erases_the_admin_history_of_the_signature(admin_client):
    """After withdrawal django_admin_log no longer names the organisation."""
    signature = SignatureFactory(status="confirmed", organisation="Brave Media")
    other = SignatureFactory(status="confirmed", organisation="Other Media")
    for each in (signature, other):
        admin_client.post(
            f"{CHANGELIST}{each.pk}/change/",
            {
                "organisation": f"{each.organisation} Ltd",
                "website": each.website,
                "country": each.country,
                "organisation_type": each.organisation_type,
                "contact_name": each.contact_name,
                "contact_role": each.contact_role,
                "comment": "",
                "is_public": "on",
            },
        )
    assert LogEntry.objects.filter(object_repr="Brave Media Ltd").exists()
    token = withdraw_token.make_token(signature)
    result = services.signature_withdraw(signature_id=signature.pk, token=token)
    assert result.outcome == "done"
    entries = LogEntry.objects.filter(object_id=str(signature.pk))
    assert entries.count() == 1  # who changed what and when stays
    assert "Brave" not in entries.get().object_repr
    assert entries.get().change_message == ""
    assert LogEntry.objects.filter(object_repr="Other Media Ltd").exists()


def test_admin_history_erase_leaves_other_models_alone(admin_user):
    """Only the signature's own entries are erased, not another model's with its id."""
    signature = SignatureFactory(organisation="Named Org")
    LogEntry.objects.log_actions(
        user_id=admin_user.pk,
        queryset=[signature, admin_user],
        action_flag=CHANGE,
        change_message="renamed Named Org",
    )
    assert admin_history_erase(signature_ids=[signature.pk]) == 1
    assert admin_history_erase(signature_ids=[signature.pk]) == 0  # idempotent
    kept = LogEntry.objects.get(content_type__model="user")
    assert kept.object_repr == str(admin_user)
    assert kept.change_message == "renamed Named Org"
