"""Count each signature's capped emails on its row (see Signature.capped_emails)."""

from django.db import migrations, models

BACKFILL = """
UPDATE signatories_signature SET capped_emails = (
    SELECT COUNT(*) FROM signatories_outboundemail o
    WHERE o.signature_id = signatories_signature.id
      AND o.kind IN ('confirm', 'already_signed')
)
WHERE id IN (
    SELECT signature_id FROM signatories_outboundemail
    WHERE kind IN ('confirm', 'already_signed') AND signature_id IS NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [("signatories", "0014_email_kinds")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="capped_emails",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=True),
    ]
