"""Store the domain match on each signature, for the admin's filter and the CSV.

The export streams rows straight from the database (COPY on PostgreSQL), so the
hint is kept as a column, set by the services; this fills it for existing rows.
"""

from django.db import migrations, models

from signatories.domains import domain_matches


def fill(apps, schema_editor) -> None:
    Signature = apps.get_model("signatories", "Signature")
    rows = (
        Signature.objects.exclude(website="")
        .exclude(email_normalised="")
        .only("pk", "website", "email_normalised")
        .order_by("pk")
    )
    matching = [
        row.pk
        for row in rows.iterator(chunk_size=2000)
        if domain_matches(email=row.email_normalised, website=row.website)
    ]
    for start in range(0, len(matching), 1000):
        Signature.objects.filter(pk__in=matching[start : start + 1000]).update(
            domain_match=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("signatories", "0006_country_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="domain_match",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="domain match"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
