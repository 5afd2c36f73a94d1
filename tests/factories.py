"""factory_boy factories for the project's models."""

import factory
from django.contrib.auth import get_user_model

from pages.models import Letter, PublicationStatus, Recommendation, Update
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


class TranslatableFactory(factory.django.DjangoModelFactory):
    """Set parler's translated fields on the instance, in English, before saving."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        fields = model_class._parler_meta.get_all_fields()
        translated = {key: kwargs.pop(key) for key in fields if key in kwargs}
        obj = model_class(*args, **kwargs)
        obj.set_current_language("en")
        for key, value in translated.items():
            setattr(obj, key, value)
        obj.save()
        return obj


class LetterFactory(TranslatableFactory):
    class Meta:
        model = Letter

    slug = factory.Sequence(lambda n: f"letter-{n}")
    status = PublicationStatus.PUBLISHED
    goal = 100
    title = factory.Sequence(lambda n: f"Open letter number {n}")
    recipient = "To the board of Example Corp"
    sender = "Example Rights Alliance"
    summary = "We ask Example Corp to stop helping the raids."
    body = "<p>We write to you about the raids.</p>"


class RecommendationFactory(TranslatableFactory):
    class Meta:
        model = Recommendation

    letter = factory.SubFactory(LetterFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    body = "<p>Do the right thing.</p>"
    response = ""


class UpdateFactory(TranslatableFactory):
    class Meta:
        model = Update

    letter = factory.SubFactory(LetterFactory)
    status = PublicationStatus.PUBLISHED
    title = factory.Sequence(lambda n: f"Update {n}")
    body = "<p>Something happened.</p>"


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


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """One owed (or settled) email of the outbox."""

    class Meta:
        model = OutboundEmail

    kind = EmailKind.CONFIRM
    signature = factory.SubFactory(SignatureFactory)
    recipient = factory.LazyAttribute(lambda e: e.signature.contact_email)
    language = "en"
    state = EmailState.PENDING


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
