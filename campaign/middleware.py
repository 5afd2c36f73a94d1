from csp.middleware import CSPMiddleware


class StaffRelaxedCSPMiddleware(CSPMiddleware):
    """Send the strict policy to everyone except logged-in staff.

    The django CMS toolbar that editors see on public pages injects inline scripts
    and styles; visitors never get it, so they keep the strict policy.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return response
        return super().process_response(request, response)
