"""factory_boy factories for the project's models."""

import datetime

import factory
from django.contrib.auth import get_user_model

from pages.models import (
    Delivery,
    DeliveryChannel,
    Letter,
    LetterContent,
    PublicationStatus,
    Recommendation,
    RecommendationText,
    Response,
    Update,
    UpdateContent,
)
from pages.services import content_new_draft, content_publish, system_user
from signatories.domains import domain_matches
from signatories.models import (
    EmailKind,
    EmailState,
    Newsletter,
    NewsletterText,
    OutboundEmail,
    Signature,
    SignatureStatus,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")


class EditorFactory(UserFactory):
    username = "editor"
    is_staff = True
    is_superuser = True


LETTER_TEXT_FIELDS = ("title", "recipient", "sender", "summary", "body")


def publish_text(
    record, language: str = "en", *, published: bool = True, user=None, **fields
):
    """Give a letter or update a version of its text in ``language``.

    Published (through djangocms-versioning, so the services' hooks run) unless
    ``published`` is false. A letter's recommendations get their wording in the
    new version too (their English title unless ``recommendations`` maps number to
    (title, body)). Returns the content row.
    """
    recommendations = fields.pop("recommendations", None)
    if isinstance(record, Letter):
        defaults = {
            "title": f"Open letter ({language})",
            "recipient": "To the board of Example Corp",
            "sender": "",
            "summary": "",
            "body": "",
        }
        defaults.update(fields)
        content = LetterContent.objects.with_user(user or system_user()).create(
            letter=record, language=language, **defaults
        )
        if recommendations is None:
            recommendations = {
                r.number: (r.title or f"Recommendation {r.number}", r.body)
                for r in record.recommendations.all()
            }
        for number, (title, body) in recommendations.items():
            recommendation, _ = Recommendation.objects.get_or_create(
                letter=record, number=number
            )
            RecommendationText.objects.create(
                content=content, recommendation=recommendation, title=title, body=body
            )
    else:
        defaults = {"title": f"Update ({language})", "body": ""}
        defaults.update(fields)
        content = UpdateContent.objects.with_user(user or system_user()).create(
            update=record, language=language, **defaults
        )
    if published:
        content_publish(content=content, user=user)
    record.__dict__.pop("_published_contents", None)
    return content


def edit_text(record, language: str = "en", *, user=None, publish=True, **changes):
    """A new version of ``record``'s published text in ``language`` with ``changes``."""
    current = type(record).objects.get(pk=record.pk).content(language)
    draft = content_new_draft(content=current, user=user)
    for field, value in changes.items():
        setattr(draft, field, value)
    draft.save()
    if publish:
        content_publish(content=draft, user=user)
    record.__dict__.pop("_published_contents", None)
    return draft


class LetterFactory(factory.django.DjangoModelFactory):
    """A letter with its text in English: published unless ``status`` is draft."""

    class Meta:
        model = Letter

    slug = factory.Sequence(lambda n: f"letter-{n}")
    goal = 100

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", PublicationStatus.PUBLISHED)
        text = {key: kwargs.pop(key) for key in LETTER_TEXT_FIELDS if key in kwargs}
        text.setdefault("title", f"Open letter number {cls._next_sequence()}")
        text.setdefault("recipient", "To the board of Example Corp")
        text.setdefault("sender", "Example Rights Alliance")
        text.setdefault("summary", "We ask Example Corp to stop helping the raids.")
        text.setdefault("body", "<p>We write to you about the raids.</p>")
        letter = model_class.objects.create(*args, **kwargs)
        publish_text(
            letter, "en", published=status == PublicationStatus.PUBLISHED, **text
        )
        letter.refresh_from_db()
        return letter

    @classmethod
    def _next_sequence(cls):
        cls._title_counter = getattr(cls, "_title_counter", 0) + 1
        return cls._title_counter


class RecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation with its wording in every version of its letter's text."""

    class Meta:
        model = Recommendation

    letter = factory.SubFactory(LetterFactory)
    number = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        title = kwargs.pop("title", None) or f"Recommendation {kwargs['number']}"
        body = kwargs.pop("body", "<p>Do the right thing.</p>")
        kwargs.pop("response", None)
        recommendation = model_class.objects.create(*args, **kwargs)
        contents = LetterContent.admin_manager.filter(letter=recommendation.letter)
        for content in contents:
            RecommendationText.objects.create(
                content=content, recommendation=recommendation, title=title, body=body
            )
        recommendation.letter.__dict__.pop("_published_contents", None)
        return recommendation


class UpdateFactory(factory.django.DjangoModelFactory):
    """An update with its text in English: published unless ``status`` is draft."""

    class Meta:
        model = Update

    letter = factory.SubFactory(LetterFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", PublicationStatus.PUBLISHED)
        title = kwargs.pop("title", None) or f"Update {LetterFactory._next_sequence()}"
        body = kwargs.pop("body", "<p>Something happened.</p>")
        update = model_class.objects.create(*args, **kwargs)
        publish_text(
            update,
            "en",
            published=status == PublicationStatus.PUBLISHED,
            title=title,
            body=body,
        )
        update.refresh_from_db()
        return update


class SignatureFactory(factory.django.DjangoModelFactory):
    """A signature row as stored; use services to exercise the rules."""

    class Meta:
        model = Signature

    letter = factory.SubFactory(LetterFactory)
    status = SignatureStatus.PENDING
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    website = factory.Sequence(lambda n: f"https://org{n}.example")
    country = "DE"
    organisation_type = "ngo"
    contact_name = "Ada Contact"
    contact_role = "Director"
    contact_email = factory.Sequence(lambda n: f"contact{n}@org{n}.example")
    email_normalised = factory.LazyAttribute(lambda s: s.contact_email.lower())
    # As the services store it: derived from the address and the website.
    domain_match = factory.LazyAttribute(
        lambda s: domain_matches(email=s.email_normalised, website=s.website)
    )
    language = "en"
    # As the services bind it: the published text shown in the signer's language.
    letter_content_id = factory.LazyAttribute(
        lambda s: (s.letter.published_text(s.language) or (None, ""))[0]
    )
    text_hash = factory.LazyAttribute(
        lambda s: (s.letter.published_text(s.language) or (None, ""))[1]
    )


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """One owed (or settled) email of the outbox."""

    class Meta:
        model = OutboundEmail

    kind = EmailKind.CONFIRM
    signature = factory.SubFactory(SignatureFactory)
    recipient = factory.LazyAttribute(lambda e: e.signature.contact_email)
    language = "en"
    state = EmailState.PENDING


# The recommendation tracker and the delivery record (issues 15 and 16).


class ResponseFactory(factory.django.DjangoModelFactory):
    """A response of the target, to a recommendation (or, with None, the letter)."""

    class Meta:
        model = Response

    recommendation = factory.SubFactory(RecommendationFactory)
    letter = factory.LazyAttribute(
        lambda r: r.recommendation.letter if r.recommendation else LetterFactory()
    )
    date = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))
    text = factory.Sequence(lambda n: f"We have read recommendation {n}.")
    language = "en"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    letter = factory.SubFactory(LetterFactory)
    date = factory.LazyFunction(lambda: datetime.date(2026, 9, 15))
    recipient = "Ms Esk, chair of the board"
    channel = DeliveryChannel.EMAIL


class NewsletterFactory(factory.django.DjangoModelFactory):
    """A draft newsletter of a letter (give it texts: those are its languages)."""

    class Meta:
        model = Newsletter

    letter = factory.SubFactory(LetterFactory)


class NewsletterTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterText

    newsletter = factory.SubFactory(NewsletterFactory)
    language = "en"
    subject = "News about the letter"
    body = "The board answered.\n\nRead more at https://example.org/answer"
