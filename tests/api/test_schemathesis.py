"""Schemathesis drives every operation of the served schema over WSGI.

`API_FUZZ_EXAMPLES` bounds the examples per operation (small in `make test`, large in
`make fuzz-api`).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
MAX_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=os.environ.get("API_FUZZ_RANDOM") != "1",
)
def test_every_operation_conforms_to_the_schema(case):
    """Generated requests, valid and invalid, get documented JSON answers, no 500."""
    case.call_and_validate(checks=CHECKS)
