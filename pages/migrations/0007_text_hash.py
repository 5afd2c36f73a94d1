"""Store each published version's text hash, and mirror it on its letter.

A signature records the SHA-256 of the canonical text it endorsed
(``pages.canonical``). Versions published before this migration get their hash
here, computed from the rows as stored; drafts get theirs when they are published.
The letter's ``published_texts`` maps each published language to its version and
hash, so a sign-up binds to it without a query.
"""

from django.db import migrations, models

# Plain values in, hash out: the algorithm the site uses (docs/decisions.md).
from pages.canonical import hash_of, parts_of


def _hash(apps, content) -> str:
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


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("djangocms_versioning", "Version")
    Letter = apps.get_model("pages", "Letter")
    LetterContent = apps.get_model("pages", "LetterContent")

    content_type = ContentType.objects.filter(
        app_label="pages", model="lettercontent"
    ).first()
    if content_type is None:
        return
    states = dict(
        Version.objects.filter(content_type=content_type).values_list(
            "object_id", "state"
        )
    )
    published: dict[int, dict] = {}
    for content in LetterContent.objects.order_by("pk").iterator(chunk_size=500):
        state = states.get(content.pk)
        if state in (None, "draft"):
            continue
        content.text_hash = _hash(apps, content)
        content.save(update_fields=["text_hash"])
        if state == "published":
            published.setdefault(content.letter_id, {})[content.language] = [
                content.pk,
                content.text_hash,
            ]
    for letter_id, texts in published.items():
        Letter.objects.filter(pk=letter_id).update(
            published_texts=dict(sorted(texts.items()))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0006_drop_parler_translations"),
        ("djangocms_versioning", "0018_fix_typo"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="published_texts",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="lettercontent",
            name="text_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
