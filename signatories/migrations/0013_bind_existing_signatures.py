"""Bind every existing signature to the version of the text it was made against.

Before letters were versioned (pages 0003), each language had one text: it became
version 1 of that language. A signature is bound to version 1 in its signer's
language, or in that language's fallback (English, then any) where the letter had
no text in it, which is what the sign page showed. The hash is the one pages 0005
stored for that version, or, for a letter that is not published, computed from
the stored rows the same way. Counts do not change: ``LetterTally`` is not
touched, and each version's tally is counted from the signatures.
"""

from django.db import migrations
from django.db.models import Count, Q

from pages.canonical import hash_of, parts_of
from pages.languages import fallback_chain


def _hash(apps, content) -> str:
    if content.text_hash:
        return content.text_hash
    RecommendationText = apps.get_model("pages", "RecommendationText")
    texts = RecommendationText.objects.filter(content_id=content.pk).values_list(
        "recommendation__number", "title", "body"
    )
    parts = parts_of(
        title=content.title,
        recipient=content.recipient,
        body=content.body,
        recommendations=list(texts),
    )
    return hash_of("\n".join(parts))


def _first_versions(apps, letter_id, content_type) -> dict:
    """Language -> the first published version's content (else the first draft)."""
    Version = apps.get_model("djangocms_versioning", "Version")
    LetterContent = apps.get_model("pages", "LetterContent")
    contents = {c.pk: c for c in LetterContent.objects.filter(letter_id=letter_id)}
    versions = Version.objects.filter(
        content_type=content_type, object_id__in=list(contents)
    ).order_by("pk")
    first: dict = {}
    for version in versions:
        content = contents[version.object_id]
        language = content.language
        published = version.state != "draft"
        held = first.get(language)
        if held is None or (published and not held[1]):
            first[language] = (content, published)
    for content in sorted(contents.values(), key=lambda c: c.pk):
        first.setdefault(content.language, (content, False))  # no version row
    return {language: content for language, (content, _p) in first.items()}


def _shown(first: dict, language: str):
    for code in fallback_chain(language):
        if code in first:
            return first[code]
    return first[sorted(first)[0]] if first else None


def _counted(requires_approval: bool) -> Q:
    confirmed = Q(status="confirmed")
    if requires_approval:
        confirmed &= Q(kind="individual")
    return Q(status="approved") | confirmed


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Letter = apps.get_model("pages", "Letter")
    Signature = apps.get_model("signatories", "Signature")
    LetterVersionTally = apps.get_model("signatories", "LetterVersionTally")

    content_type = ContentType.objects.filter(
        app_label="pages", model="lettercontent"
    ).first()
    letter_ids = (
        Signature.objects.filter(letter_content__isnull=True)
        .values_list("letter_id", flat=True)
        .distinct()
        .order_by("letter_id")
    )
    for letter in Letter.objects.filter(pk__in=list(letter_ids)).order_by("pk"):
        first = _first_versions(apps, letter.pk, content_type)
        if not first:
            continue  # a letter with no text at all: nothing to bind to
        unbound = Signature.objects.filter(letter_id=letter.pk, letter_content=None)
        languages = unbound.values_list("language", flat=True).distinct()
        hashes: dict = {}
        for language in sorted(set(languages)):
            content = _shown(first, language)
            if content.pk not in hashes:
                hashes[content.pk] = _hash(apps, content)
            unbound.filter(language=language).update(
                letter_content_id=content.pk, text_hash=hashes[content.pk]
            )
        counts = (
            Signature.objects.filter(_counted(letter.requires_approval))
            .filter(letter_id=letter.pk)
            .exclude(letter_content=None)
            .values_list("letter_content_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for content_id, n in counts:
            LetterVersionTally.objects.update_or_create(
                content_id=content_id, defaults={"public_count": n}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("signatories", "0012_version_binding"),
        ("pages", "0007_text_hash"),
        ("djangocms_versioning", "0018_fix_typo"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
