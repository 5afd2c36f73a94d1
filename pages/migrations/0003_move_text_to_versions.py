"""Move each letter's and update's parler translations into versioned content.

Every translation becomes version 1 of that language's content, published if its
record was published and a draft otherwise; recommendations keep their rows (and
so their numbers, anchors and status history) and get their wording as
``RecommendationText`` rows of that version. Versions need a ``created_by`` user:
the documented system account ``campaign-system`` (inactive, no usable password;
``pages.services.system_user``) is created if missing.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations

SYSTEM_USERNAME = "campaign-system"


def _system_user(apps):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "password": make_password(None)},
    )
    return user


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("djangocms_versioning", "Version")
    Letter = apps.get_model("pages", "Letter")
    LetterTranslation = apps.get_model("pages", "LetterTranslation")
    LetterContent = apps.get_model("pages", "LetterContent")
    RecommendationTranslation = apps.get_model("pages", "RecommendationTranslation")
    RecommendationText = apps.get_model("pages", "RecommendationText")
    Update = apps.get_model("pages", "Update")
    UpdateTranslation = apps.get_model("pages", "UpdateTranslation")
    UpdateContent = apps.get_model("pages", "UpdateContent")

    if not (LetterTranslation.objects.exists() or UpdateTranslation.objects.exists()):
        return
    user = _system_user(apps)
    letter_type, _ = ContentType.objects.get_or_create(
        app_label="pages", model="lettercontent"
    )
    update_type, _ = ContentType.objects.get_or_create(
        app_label="pages", model="updatecontent"
    )

    for letter in Letter.objects.order_by("pk"):
        published = letter.status == "published"
        languages = []
        translations = LetterTranslation.objects.filter(master_id=letter.pk)
        for translation in translations.order_by("language_code"):
            content = LetterContent.objects.create(
                letter_id=letter.pk,
                language=translation.language_code,
                title=translation.title,
                recipient=translation.recipient,
                sender=translation.sender,
                summary=translation.summary,
                body=translation.body,
            )
            Version.objects.create(
                content_type=letter_type,
                object_id=content.pk,
                created_by=user,
                number="1",
                state="published" if published else "draft",
            )
            languages.append(translation.language_code)
            wording = RecommendationTranslation.objects.filter(
                master__letter_id=letter.pk, language_code=translation.language_code
            )
            RecommendationText.objects.bulk_create(
                RecommendationText(
                    content_id=content.pk,
                    recommendation_id=text.master_id,
                    title=text.title,
                    body=text.body,
                )
                for text in wording
            )
        letter.published_languages = sorted(languages) if published else []
        letter.save(update_fields=["published_languages"])

    for update in Update.objects.order_by("pk"):
        published = update.status == "published"
        translations = UpdateTranslation.objects.filter(master_id=update.pk)
        for translation in translations.order_by("language_code"):
            content = UpdateContent.objects.create(
                update_id=update.pk,
                language=translation.language_code,
                title=translation.title,
                body=translation.body,
            )
            Version.objects.create(
                content_type=update_type,
                object_id=content.pk,
                created_by=user,
                number="1",
                state="published" if published else "draft",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_versioned_content"),
        ("djangocms_versioning", "0018_fix_typo"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
