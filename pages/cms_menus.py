"""The letters in django CMS's menus: under the page that carries the letters apphook.

The apphook page's submenu lists the published letters, and on a letter's pages
(the letter, its versions) the breadcrumb runs through the letter. The CMS keeps
built menus in its cache; ``pages.signals`` clears them whenever a version of a
letter's text is published or unpublished.
"""

from cms.menu_bases import CMSAttachMenu
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from menus.base import Modifier, NavigationNode
from menus.menu_pool import menu_pool

from .selectors import letter_menu_entries


class LettersMenu(CMSAttachMenu):
    name = _("Open letters")

    def get_nodes(self, request):
        return [
            NavigationNode(title, url, letter_id, attr={"letter": letter_id})
            for letter_id, title, url in letter_menu_entries(language=get_language())
        ]


class LetterSelectedModifier(Modifier):
    """Select the letter a page is about, rather than the apphook page.

    django CMS selects the page the request resolved to (the apphook's page) for
    every URL under it; on a letter's page, or one of its versions, the letter's
    node is the one to select, so the breadcrumb ends with it. Runs on the built
    (cached) nodes: no query.
    """

    def modify(self, request, nodes, namespace, root_id, post_cut, breadcrumb):
        if post_cut:
            return nodes
        path = request.path
        letter = None
        for node in nodes:
            if "letter" not in node.attr:
                continue
            url = node.get_absolute_url()
            if path.startswith(url) and (letter is None or len(url) > len(letter.url)):
                letter = node
        if letter is None:
            return nodes
        for node in nodes:
            node.selected = False
        letter.selected, letter.ancestor = True, False
        parent = letter.parent
        while parent is not None:
            parent.ancestor = True
            parent = parent.parent
        return nodes


menu_pool.register_menu(LettersMenu)
menu_pool.register_modifier(LetterSelectedModifier)
