"""Keep every answer under /api/ in JSON, whatever part of the stack produced it."""

from django.http import HttpRequest, HttpResponse

from campaign.problems import is_json, problem

# The counter widget and the interactive docs are HTML on purpose.
HTML_PATHS = ("/api/v1/docs/",)
HTML_SUFFIXES = ("/widget/",)
# Headers of the original answer that a client still needs (Allow on 405,
# Retry-After on 429/503, CORS, caching, security headers).
DROPPED_HEADERS = {"content-type", "content-length", "content-language"}


class ApiProblemMiddleware:
    """Turn an HTML or empty error under /api/ into problem details.

    The API's own operations answer problem details already. This catches what
    never reaches them or escapes them: Django's 400 for a bad Host, the 405 of a
    wrong method, a 500 from a view or a middleware (Django logs the exception first;
    the client gets no stack trace, in debug too), and any other 4xx or 5xx.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if (
            response.status_code < 400
            or not path.startswith("/api/")
            or is_json(response)
            or (path.startswith(HTML_PATHS) or path.endswith(HTML_SUFFIXES))
            and response.status_code < 500
        ):
            return response
        replacement = problem(response.status_code)
        for header, value in response.items():
            if header.lower() not in DROPPED_HEADERS:
                replacement[header] = value
        return replacement
