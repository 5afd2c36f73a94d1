from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Letter, validate_letter_slug
from .services import letter_create


class LetterWizardForm(forms.Form):
    """Create a draft letter in one step (django CMS "Create" wizard)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        validators=[validate_letter_slug],
        help_text=_("Part of the web address, in Latin letters, e.g. stop-the-raids."),
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=300)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    body = forms.CharField(label=_("Text of the letter"), widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        # In the CMS wizard its form mixin pops the wizard_* arguments and sets
        # language_code before this runs; used on its own, the form takes them here.
        language = kwargs.pop("wizard_language", None)
        request = kwargs.pop("wizard_request", None)
        for key in ("wizard_page", "wizard_site"):
            kwargs.pop(key, None)
        super().__init__(*args, **kwargs)
        self.language_code = (
            language or getattr(self, "language_code", None) or get_language()
        )
        self._request = request or getattr(self, "_request", None)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Letter.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A letter with this address already exists."))
        return slug

    def save(self) -> Letter:
        # The wizard API requires save(); the work is the service's. The editor
        # who fills in the wizard is the author of the first version.
        user = getattr(self._request, "user", None)
        return letter_create(
            language=self.language_code,
            created_by=user if user is not None and user.is_authenticated else None,
            **self.cleaned_data,
        )
