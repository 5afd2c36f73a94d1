from cms.toolbar.utils import get_object_edit_url
from cms.wizards.wizard_base import Wizard
from django.utils.translation import gettext_lazy as _

from .forms import LetterWizardForm
from .models import Letter
from .selectors import letter_draft_content


class LetterWizard(Wizard):
    def get_success_url(self, obj, **kwargs):
        """The new letter's draft, open in the CMS's edit mode (with Publish)."""
        content = letter_draft_content(letter=obj, language=kwargs.get("language"))
        return get_object_edit_url(content) if content is not None else ""


letter_wizard = LetterWizard(
    title=_("New open letter"),
    weight=120,
    form=LetterWizardForm,
    model=Letter,
    description=_("Create a draft open letter; add recommendations and publish later."),
)
