import threading

import pytest
from django.db import connection

from signatories import services
from signatories.models import Signature
from tests.factories import LetterFactory


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_signatures_with_one_email_make_one_row():
    """Twenty threads signing with the same address at once leave exactly one row."""
    letter = LetterFactory()
    barrier = threading.Barrier(20)
    errors = []

    def sign(n):
        try:
            barrier.wait()
            services.signature_create(
                letter=letter,
                organisation=f"Org {n}",
                country="DE",
                organisation_type="ngo",
                contact_name="Same Person",
                contact_email="Same@Example.org" if n % 2 else "same@example.org ",
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Signature.objects.count() == 1
    assert Signature.objects.get().emails_requested == 3  # capped, never more
