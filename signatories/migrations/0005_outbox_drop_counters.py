import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Second step of 0004: public ids are filled, owed emails are in the outbox."""

    dependencies = [
        ("signatories", "0004_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name='signature',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.RemoveIndex(
            model_name='signature',
            name='signature_outbox',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_error',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_requested_at',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_sent_at',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='emails_requested',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='emails_sent',
        ),
    ]
