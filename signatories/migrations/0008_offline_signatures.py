"""Signatures gathered offline: where a signature came from, and the status of one
that nobody can confirm (no address) until an editor approves it.

Existing rows become "web": API sign-ups were not told apart before this.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0001_initial'),
        ('signatories', '0007_domain_match'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='offline_key',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='signature',
            name='source',
            field=models.CharField(choices=[('web', 'Sign-on form'), ('api', 'API'), ('offline', 'Gathered offline')], default='web', editable=False, max_length=10, verbose_name='source'),
        ),
        migrations.AddField(
            model_name='signature',
            name='source_note',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='gathered at'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for email confirmation'), ('awaiting_review', 'Waiting for approval'), ('confirmed', 'Confirmed'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], default='pending', max_length=20, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('offline_key', ''), _negated=True), fields=('letter', 'offline_key'), name='signature_unique_offline_key_per_letter'),
        ),
    ]
