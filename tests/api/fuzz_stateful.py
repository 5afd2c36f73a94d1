"""Stateful Schemathesis sequences (list -> letter -> sign -> signatories) against
a live server, with a real Celery worker, so on-commit work really runs.

Run by `make fuzz-api` only (named so that `make test` does not collect it: a live
server and a worker take longer than the minute the suite gives Schemathesis).
`API_FUZZ_STEPS` sets the number of scenarios.
"""

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from signatories.api import SIGNATURE_EXAMPLE
from signatories.models import Signature

from .conftest import SCHEMA_PATH
from .test_schemathesis import CHECKS

SCENARIOS = int(os.environ.get("API_FUZZ_STEPS", "50"))


@pytest.fixture
def live_api(transactional_db, published_letter, live_server, start_worker, settings):
    """The API on a live server, a worker consuming what signing queues."""
    # Generous limits: the sequences all come from one address.
    settings.SIGNATURE_RATE_IP = settings.SIGNATURE_RATE_EMAIL = "100000/h"
    start_worker(site_url=live_server.url)
    return schemathesis.openapi.from_url(live_server.url + SCHEMA_PATH)


def test_sequences_keep_every_contract_and_leak_no_email(
    live_api, live_server, published_letter, smtp_sink
):
    """Linked calls conform to the schema; no response ever shows a contact email."""
    before = set(Signature.objects.values_list("pk", flat=True))
    # One known-good sequence first: sign with the documented example, then read.
    base = live_server.url
    slug = published_letter.slug
    signed = requests.post(
        f"{base}/api/v1/letters/{slug}/signatures/", json=SIGNATURE_EXAMPLE, timeout=30
    )
    assert signed.status_code == 202, signed.text
    listed = requests.get(f"{base}/api/v1/letters/{slug}/signatories/", timeout=30)
    assert listed.status_code == 200
    assert SIGNATURE_EXAMPLE["contact_email"] not in listed.text
    sent_emails: set[str] = {SIGNATURE_EXAMPLE["contact_email"]}

    class Workflow(live_api.as_state_machine()):
        def before_call(self, case):
            if case.method == "POST" and isinstance(case.body, dict):
                email = case.body.get("contact_email")
                if isinstance(email, str) and "@" in email and len(email) > 3:
                    sent_emails.add(email)

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)
            text = response.text
            leaked = [email for email in sent_emails if email in text]
            assert not leaked, (case.method, case.path, leaked)

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    signed = Signature.objects.exclude(pk__in=before)
    print(f"{len(sent_emails)} signatures submitted, {signed.count()} stored")
    if signed:  # each stored signature's confirmation email leaves through the outbox
        messages = smtp_sink.wait_for(signed.count(), timeout=120)
        recipients = {m["To"].lower() for m in messages}
        assert recipients >= {
            e.lower() for e in signed.values_list("contact_email", flat=True)
        }
