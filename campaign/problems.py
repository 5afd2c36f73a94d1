"""Problem details (RFC 9457): the one error shape of every JSON answer.

Any view or middleware that answers an API client with an error calls `problem()`,
so partner sites parse a single shape whatever went wrong: ``type``, ``title``,
``status``, ``detail``, plus ``errors`` (field name -> messages) for invalid input.
"""

import json
from http import HTTPStatus

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str = "",
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    **extra,
) -> HttpResponse:
    """Answer `status` as application/problem+json; `extra` adds members (errors=)."""
    phrase = (
        HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    )
    body = {
        "type": extra.pop("type", "about:blank"),
        "title": str(title or phrase or "Error"),
        "status": status,
        "detail": str(detail or phrase or "Error"),
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )
    return response


def is_json(response: HttpResponse) -> bool:
    """Whether a response already speaks JSON (plain or problem details)."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")
