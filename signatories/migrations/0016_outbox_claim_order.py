"""The drains' claim order as an index; the outbox vacuumed like the queue it is."""

from django.db import migrations, models

# Every email leaves two dead row versions (claimed, then recorded): vacuum after
# 1% of the table has changed rather than PostgreSQL's default 20%.
QUEUE_TABLE = (
    "autovacuum_vacuum_scale_factor = 0.01",
    "autovacuum_vacuum_threshold = 500",
    "autovacuum_analyze_scale_factor = 0.05",
)


def vacuum_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE signatories_outboundemail SET ({', '.join(QUEUE_TABLE)})"
        )


def vacuum_as_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        names = ", ".join(setting.split(" = ")[0] for setting in QUEUE_TABLE)
        schema_editor.execute(f"ALTER TABLE signatories_outboundemail RESET ({names})")


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0007_text_hash"),
        ("signatories", "0015_signature_capped_emails"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(
                models.ExpressionWrapper(
                    models.Q(("newsletter__isnull", False)),
                    output_field=models.BooleanField(),
                ),
                models.F("next_attempt_at"),
                models.F("id"),
                condition=models.Q(("state", "pending")),
                name="outbox_claim_order",
            ),
        ),
        migrations.RunPython(vacuum_often, vacuum_as_default, elidable=True),
    ]
