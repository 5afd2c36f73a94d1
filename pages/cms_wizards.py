from cms.wizards.wizard_base import Wizard
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .forms import LetterWizardForm
from .models import Letter


class LetterWizard(Wizard):
    def get_success_url(self, obj, **kwargs):
        return reverse("admin:pages_letter_change", args=[obj.pk])


letter_wizard = LetterWizard(
    title=_("New open letter"),
    weight=120,
    form=LetterWizardForm,
    model=Letter,
    description=_("Create a draft open letter; add recommendations and publish later."),
)
