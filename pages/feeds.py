from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .selectors import letter_list_public, update_list_public


class UpdatesFeed(Feed):
    title = _("Campaign updates")
    description = _("News about our open letters and what their recipients did.")

    def link(self):
        return reverse("letters:update-list")

    def items(self):
        return update_list_public(limit=30)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.published_on, time(12)))


class UpdatesAtomFeed(UpdatesFeed):
    feed_type = Atom1Feed
    subtitle = UpdatesFeed.description


class LettersFeed(Feed):
    """Published letters, newest first, in the language of the feed's address."""

    title = _("Open letters")
    description = _(
        "New open letters from civil society, and who they are addressed to."
    )

    def link(self):
        return reverse("letters:letter-list")

    def items(self):
        return letter_list_public()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.recipient

    def item_author_name(self, item):
        return item.sender or None

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.published_on, time(12)))

    def item_updateddate(self, item):
        return item.updated_at


class LettersAtomFeed(LettersFeed):
    feed_type = Atom1Feed
    subtitle = LettersFeed.description
