"""Strings that django-otp and django-axes show staff, for our catalogues.

django-otp ships no Russian or Ukrainian catalogue and django-axes no Ukrainian one,
so the staff login (one-time password step, lockout message) would fall back to
English there. Listing the strings here lets `make messages` put them in
`locale/`, whose catalogues take precedence over the packages' own. The msgids must
match the packages' exactly (django-otp 1.7, django-axes 8.3); nothing imports this
module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_OTP = (
    # django_otp/forms.py
    gettext_noop("Please enter your OTP token."),
    gettext_noop("Error generating challenge: {0}"),
    gettext_noop("The selected OTP device is not interactive"),
    gettext_noop("OTP Challenge: {0}"),
    gettext_noop("Invalid token. Please make sure you have entered it correctly."),
    ngettext_lazy(
        "Verification temporarily disabled because of %(failure_count)d failed "
        "attempt, please try again soon.",
        "Verification temporarily disabled because of %(failure_count)d failed "
        "attempts, please try again soon.",
        "failure_count",
    ),
    gettext_noop("Verification of the token is currently disabled"),
    gettext_noop("Please select a device."),
    # django_otp/templates/otp/admin111/login.html
    gettext_noop("OTP Device:"),
    gettext_noop("OTP Token:"),
    gettext_noop("Get OTP Challenge"),
    gettext_noop("Forgotten your password or username?"),
)

DJANGO_AXES = (
    # axes/conf.py: the lockout answer (AXES_COOLOFF_TIME is set, so the first)
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your "
        "account."
    ),
)
