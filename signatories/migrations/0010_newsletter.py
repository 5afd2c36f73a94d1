"""Newsletters to opted-in signers (issue 16): the newsletter, its texts per
language, and the outbox's link to it (one email per newsletter and signature)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pages', '0001_initial'),
        ('signatories', '0009_dashboard_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Newsletter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Being sent'), ('sent', 'Sent')], default='draft', max_length=20, verbose_name='state')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='written at')),
                ('send_started_at', models.DateTimeField(blank=True, null=True, verbose_name='sending started')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('recipients_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='recipients')),
                ('lease_until', models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                'verbose_name': 'newsletter',
                'verbose_name_plural': 'newsletters',
                'ordering': ['-created_at'],
                'permissions': [('send_newsletter', 'Can send newsletters')],
            },
        ),
        migrations.CreateModel(
            name='NewsletterText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=[('en', 'English'), ('ru', 'Russian'), ('de', 'German'), ('uk', 'Ukrainian')], max_length=10, verbose_name='language')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('body', models.TextField(help_text='Plain text. Blank lines separate paragraphs; web addresses become links.', max_length=20000, verbose_name='text')),
            ],
            options={
                'verbose_name': 'text in one language',
                'verbose_name_plural': 'texts',
            },
        ),
        migrations.AlterField(
            model_name='outboundemail',
            name='kind',
            field=models.CharField(choices=[('confirm', 'Confirmation request'), ('already_signed', 'Already signed'), ('approved', 'Signature approved'), ('rejected', 'Signature rejected'), ('newsletter', 'Newsletter')], max_length=40, verbose_name='kind'),
        ),
        migrations.AddIndex(
            model_name='signature',
            index=models.Index(condition=models.Q(('newsletter', True)), fields=['letter', 'id'], name='signature_newsletter'),
        ),
        migrations.AddField(
            model_name='newsletter',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by'),
        ),
        migrations.AddField(
            model_name='newsletter',
            name='letter',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='newsletters', to='pages.letter', verbose_name='letter'),
        ),
        migrations.AddField(
            model_name='newsletter',
            name='sent_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by'),
        ),
        migrations.AddField(
            model_name='outboundemail',
            name='newsletter',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='emails', to='signatories.newsletter'),
        ),
        migrations.AddConstraint(
            model_name='outboundemail',
            constraint=models.UniqueConstraint(condition=models.Q(('newsletter__isnull', False)), fields=('newsletter', 'signature'), name='outbox_one_newsletter_per_signature'),
        ),
        migrations.AddField(
            model_name='newslettertext',
            name='newsletter',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='signatories.newsletter'),
        ),
        migrations.AddConstraint(
            model_name='newslettertext',
            constraint=models.UniqueConstraint(fields=('newsletter', 'language'), name='newsletter_text_one_per_language'),
        ),
    ]
