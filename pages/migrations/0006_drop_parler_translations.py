"""Drop the parler translation tables: their text lives in versions now (0003)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0005_copy_recommendation_responses"),
    ]

    operations = [
        migrations.DeleteModel(
            name='LetterTranslation',
        ),
        migrations.DeleteModel(
            name='RecommendationTranslation',
        ),
        migrations.DeleteModel(
            name='UpdateTranslation',
        ),
    ]
