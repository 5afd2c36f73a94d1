from django.db import migrations


class Migration(migrations.Migration):
    """Drop ``ip_hash``: written and never read (rate limits keep their own keys)."""

    dependencies = [
        ("signatories", "0002_privacy_addresses"),
    ]

    operations = [
        migrations.RemoveField(model_name="signature", name="ip_hash"),
    ]
