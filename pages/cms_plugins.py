from cms.plugin_base import CMSPluginBase
from cms.plugin_pool import plugin_pool
from django.utils.translation import gettext_lazy as _

from .models import LetterPluginModel, UpdatesPluginModel
from .selectors import letter_recommendations_public, update_list_public


class LetterPluginBase(CMSPluginBase):
    model = LetterPluginModel
    module = _("Campaign")
    cache = True

    def render(self, context, instance, placeholder):
        context = super().render(context, instance, placeholder)
        letter = instance.letter
        context["letter"] = letter
        # A deleted letter leaves the plugin in place: editors see a note.
        context["letter_missing"] = letter is None
        context["visible"] = letter is not None and letter.is_published
        return context


@plugin_pool.register_plugin
class LetterTeaserPlugin(LetterPluginBase):
    name = _("Letter teaser")
    render_template = "pages/plugins/letter_teaser.html"


@plugin_pool.register_plugin
class RecommendationsPlugin(LetterPluginBase):
    name = _("Recommendations of a letter")
    render_template = "pages/plugins/recommendations.html"

    def render(self, context, instance, placeholder):
        context = super().render(context, instance, placeholder)
        # With their timelines in bulk, not two queries per recommendation.
        if context["visible"]:
            context["recommendations"] = letter_recommendations_public(
                letter=context["letter"]
            )
        return context


@plugin_pool.register_plugin
class UpdatesPlugin(CMSPluginBase):
    model = UpdatesPluginModel
    name = _("Latest updates")
    module = _("Campaign")
    render_template = "pages/plugins/updates.html"

    def render(self, context, instance, placeholder):
        context = super().render(context, instance, placeholder)
        context["updates"] = update_list_public(
            letter=instance.letter, limit=instance.limit
        )
        return context
