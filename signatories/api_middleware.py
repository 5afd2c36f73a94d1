"""Keep every answer under /api/ in JSON, whatever part of the stack produced it."""

from django.http import HttpRequest, HttpResponse

from campaign.problems import is_json, problem

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
        # Successes keep their type: the counter widget and the docs page are HTML.
        if response.status_code < 400 or not path.startswith("/api/"):
            return response
        if is_json(response):
            return response
        replacement = problem(response.status_code)
        for header, value in response.items():
            if header.lower() not in DROPPED_HEADERS:
                replacement[header] = value
        return replacement
