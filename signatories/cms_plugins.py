"""CMS plugins that show signing on any page (kept here: pages never imports us)."""

from cms.plugin_base import CMSPluginBase
from cms.plugin_pool import plugin_pool
from django.utils.translation import gettext_lazy as _

from pages.models import LetterPluginModel


class SigningPluginBase(CMSPluginBase):
    model = LetterPluginModel
    module = _("Campaign")
    cache = False  # counts and lists change with every signature

    def render(self, context, instance, placeholder):
        context = super().render(context, instance, placeholder)
        context["letter"] = instance.letter
        context["visible"] = instance.letter.is_published
        return context


@plugin_pool.register_plugin
class SignFormPlugin(SigningPluginBase):
    name = _("Sign-on form")
    render_template = "signatories/plugins/sign_form.html"


@plugin_pool.register_plugin
class SignatureCounterPlugin(SigningPluginBase):
    name = _("Signature counter")
    render_template = "signatories/plugins/counter.html"


@plugin_pool.register_plugin
class SignatoryListPlugin(SigningPluginBase):
    name = _("List of signatories")
    render_template = "signatories/plugins/signatory_list.html"
