"""Load demo content: letters, recommendations, updates, CMS pages, signatories.

Idempotent: running it again finds what exists and adds only what is missing.
"""

import os

from cms.api import add_plugin, create_page, create_page_content
from cms.models import PageContent
from cms.utils.apphook_reload import mark_urlconf_as_changed
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from djangocms_versioning.constants import DRAFT
from djangocms_versioning.models import Version

from campaign import demo
from pages.models import Letter, Recommendation, Update, UpdateContent
from pages.services import (
    content_publish,
    letter_content_create,
    recommendation_set_status,
    response_add,
    update_content_create,
    update_create,
)
from signatories.models import Signature, SignatureStatus
from signatories.services import email_normalise, letter_recount

EDITOR_USERNAME = "editor"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGE_TITLES = {
    "home": {"en": "Home", "ru": "Главная", "de": "Start", "uk": "Головна"},
    "letters": {
        "en": "Open letters",
        "ru": "Открытые письма",
        "de": "Offene Briefe",
        "uk": "Відкриті листи",
    },
}


class Command(BaseCommand):
    help = "Load demo letters, pages and signatories (safe to run again)."

    def handle(self, *args, **options):
        editor = self._editor()
        site = Site.objects.get_current()
        host = settings.SITE_URL.split("://", 1)[-1]
        if site.domain != host:
            site.domain, site.name = host, "Open Letters"
            site.save()
        letter_data = demo.letters()
        with transaction.atomic():
            letters = [self._letter(data) for data in letter_data]
            for data in demo.site_updates():
                self._update(None, data)
        with transaction.atomic():
            self._pages(editor, letters)
        with transaction.atomic():
            for letter, data in zip(letters, letter_data, strict=True):
                self._signatories(letter, data["signatories"])
        mark_urlconf_as_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {len(letters)} letters, "
                f"{Update.objects.count()} updates, "
                f"{Signature.objects.count()} signatures."
            )
        )

    def _editor(self):
        User = get_user_model()
        password = os.environ.get("DEMO_EDITOR_PASSWORD", "editor-demo-2026")
        user, created = User.objects.get_or_create(
            username=EDITOR_USERNAME,
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "editor@localhost",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        return user

    def _letter(self, data) -> Letter:
        """Create the letter and publish its text in every language (versioned)."""
        letter = Letter.objects.filter(slug=data["slug"]).first()
        if letter is not None:
            return letter
        editor = self._editor()
        closes = data["signing_closes"]
        letter = Letter.objects.create(
            slug=data["slug"],
            published_on=data["published_on"],
            goal=data["goal"],
            requires_approval=data["requires_approval"],
            allow_individuals=data["allow_individuals"],
            signing_closes=(
                timezone.make_aware(
                    timezone.datetime.combine(closes, timezone.datetime.min.time())
                )
                if closes
                else None
            ),
        )
        for language, values in data["translations"].items():
            recommendations = {
                number: (
                    rec["translations"].get(language, {}).get("title", ""),
                    rec["translations"].get(language, {}).get("body", ""),
                )
                for number, rec in enumerate(data["recommendations"], start=1)
                if language in rec["translations"]
            }
            content = letter_content_create(
                letter=letter,
                language=language,
                created_by=editor,
                recommendations=recommendations,
                **{
                    field: values.get(field, "")
                    for field in ("title", "recipient", "sender", "summary", "body")
                },
            )
            content_publish(content=content, user=editor)
        for number, rec in enumerate(data["recommendations"], start=1):
            recommendation = Recommendation.objects.get(letter=letter, number=number)
            # The answer first: on the same day, the status follows from it.
            self._response(recommendation, rec, data["published_on"])
            recommendation_set_status(
                recommendation=recommendation,
                status=rec["status"],
                changed_on=rec["status_date"] or data["published_on"],
            )
        for update in data["updates"]:
            self._update(letter, update)
        return letter

    def _response(self, recommendation, data, published_on) -> None:
        """The demo's response texts (English, with translations) as one Response."""
        texts = {
            language: values.get("response", "")
            for language, values in data["translations"].items()
        }
        if not texts.get("en") or recommendation.responses.exists():
            return
        response_add(
            letter=recommendation.letter,
            recommendation=recommendation,
            date=data["status_date"] or published_on,
            text=texts["en"],
            language="en",
            text_translations=texts,
        )

    def _update(self, letter, data) -> Update:
        editor = self._editor()
        languages = iter(data["translations"].items())
        language, values = next(languages)
        existing = Update.objects.filter(
            letter=letter,
            published_on=data["date"],
            contents__language=language,
            contents__title=values["title"],
        ).first()
        if existing is not None:
            return existing
        update = update_create(
            letter=letter,
            published_on=data["date"],
            language=language,
            title=values["title"],
            body=values.get("body", ""),
            created_by=editor,
        )
        contents = [UpdateContent.admin_manager.get(update=update)]
        for language, values in languages:
            contents.append(
                update_content_create(
                    update=update,
                    language=language,
                    title=values["title"],
                    body=values.get("body", ""),
                    created_by=editor,
                )
            )
        for content in contents:
            content_publish(content=content, user=editor)
        return update

    def _pages(self, editor, letters) -> None:
        if PageContent.admin_manager.filter(page__reverse_id="home").exists():
            return
        home = self._page(editor, "home", "cms/home.html", reverse_id="home")
        with transaction.atomic():
            home.set_as_homepage()
        self._page(
            editor,
            "letters",
            "cms/page.html",
            reverse_id="letters",
            apphook="LettersApphook",
            apphook_namespace="letters",
        )
        intro = demo.home_intro()
        for language in LANGUAGES:
            page_content = PageContent.admin_manager.get(page=home, language=language)
            placeholder = page_content.get_placeholders().get(slot="content")
            add_plugin(
                placeholder,
                "TextPlugin",
                language,
                body=intro.get(language, intro["en"]),
            )
            for letter in letters:
                add_plugin(placeholder, "LetterTeaserPlugin", language, letter=letter)
            add_plugin(placeholder, "UpdatesPlugin", language, limit=3)
        for page_content in PageContent.admin_manager.filter(page__in=[home]):
            self._publish(page_content, editor)
        for page_content in PageContent.admin_manager.filter(
            page__reverse_id="letters"
        ):
            self._publish(page_content, editor)

    def _page(self, editor, key, template, **kwargs):
        titles = PAGE_TITLES[key]
        page = create_page(
            titles["en"],
            template,
            "en",
            slug=key,
            created_by=editor,
            in_navigation=True,
            **kwargs,
        )
        for language in LANGUAGES[1:]:
            create_page_content(
                language,
                titles[language],
                page,
                slug=key,
                created_by=editor,
                in_navigation=True,
                # Without it a translation "inherits" from its (missing) parent and
                # falls back to the first CMS template, not the home template.
                template=template,
            )
        return page

    def _publish(self, page_content, editor) -> None:
        version = Version.objects.get_for_content(page_content)
        if version.state == DRAFT:
            version.publish(editor)

    def _signatories(self, letter, rows) -> None:
        now = timezone.now()
        # Bound like a sign-up: to the published English text they were shown.
        letter = Letter.objects.get(pk=letter.pk)
        content_id, text_hash = letter.published_text("en") or (None, "")
        for row in rows:
            email = email_normalise(row["contact_email"])
            if Signature.objects.filter(letter=letter, email_normalised=email).exists():
                continue
            status = (
                SignatureStatus.APPROVED
                if letter.requires_approval
                else SignatureStatus.CONFIRMED
            )
            # Demo rows arrive already confirmed: no emails go to .example addresses.
            Signature.objects.create(
                letter=letter,
                organisation=row["organisation"],
                website=row["website"],
                country=row["country"],
                organisation_type=row["kind"],
                contact_name=row["contact_name"],
                contact_role=row["contact_role"],
                contact_email=row["contact_email"],
                email_normalised=email,
                comment=row["comment"],
                is_public=row["public"],
                status=status,
                confirmed_at=now,
                reviewed_at=now if letter.requires_approval else None,
                letter_content_id=content_id,
                text_hash=text_hash,
            )
        letter_recount(letter=letter)
