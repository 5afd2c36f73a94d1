"""Copy each recommendation's old per-language `response` text into a Response row.

The old field held one answer per recommendation, with a text per language. It
becomes one Response: the text in the first language of the readers' fallback
order (en, ru, uk, de) is taken as written in that language, and the other texts
are kept as its translations, so every reader sees what they saw before. The
old field had no date of its own: the response is dated with the recommendation's
status date (shown next to it before), else the letter's date. The old texts
stay where they are (a later migration drops the field); reversing deletes the
copies.
"""

from django.db import migrations

FALLBACK_ORDER = ["en", "ru", "uk", "de"]


def _rank(code: str) -> int:
    return FALLBACK_ORDER.index(code) if code in FALLBACK_ORDER else len(FALLBACK_ORDER)


def copy_responses(apps, schema_editor):
    Recommendation = apps.get_model("pages", "Recommendation")
    Translation = apps.get_model("pages", "RecommendationTranslation")
    Response = apps.get_model("pages", "Response")
    texts: dict[int, dict[str, str]] = {}
    rows = Translation.objects.exclude(response="").values_list(
        "master_id", "language_code", "response"
    )
    for master_id, code, text in rows:
        if master_id is not None and text.strip():
            texts.setdefault(master_id, {})[code] = text.strip()
    recommendations = Recommendation.objects.filter(pk__in=list(texts)).select_related(
        "letter"
    )
    for recommendation in recommendations.order_by("pk"):
        by_language = texts[recommendation.pk]
        original = min(by_language, key=_rank)
        Response.objects.create(
            letter_id=recommendation.letter_id,
            recommendation=recommendation,
            date=recommendation.status_changed_on or recommendation.letter.published_on,
            text=by_language[original],
            language=original,
            text_translations={
                code: text for code, text in by_language.items() if code != original
            },
        )


def delete_copies(apps, schema_editor):
    # Only rows this migration could have made: answers to a recommendation.
    Response = apps.get_model("pages", "Response")
    Response.objects.filter(recommendation__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0004_tracker_responses_deliveries"),
    ]

    operations = [
        migrations.RunPython(copy_responses, delete_copies),
    ]
