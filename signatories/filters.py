"""The public signatory list's filters, parsed once from the query string."""

from django import forms
from django_countries import countries

from .models import OrganisationType


class SignatoryFilterForm(forms.Form):
    """?country=UA&type=media&after=<id>. A bad value is dropped, never an error."""

    country = forms.CharField(required=False)
    type = forms.CharField(required=False)
    after = forms.CharField(required=False)

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        return code if code in dict(countries) else ""

    def clean_type(self) -> str:
        kind = self.cleaned_data["type"]
        return kind if kind in OrganisationType.values else ""

    def clean_after(self) -> int | None:
        return parse_cursor(self.cleaned_data["after"])

    def filters(self) -> dict:
        """The clean values (bad ones blanked) for ``letter_signatory_listing``."""
        self.is_valid()  # no field can fail: clean_* blank what they do not accept
        data = self.cleaned_data
        return {
            "country": data.get("country", ""),
            "organisation_type": data.get("type", ""),
            "after": data.get("after"),
        }


def parse_cursor(value) -> int | None:
    """Only a positive id within range is a cursor."""
    try:
        cursor = int(value)
    except (TypeError, ValueError):
        return None
    return cursor if 0 < cursor < 2**62 else None
