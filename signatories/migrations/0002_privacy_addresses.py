"""Re-normalise stored addresses to their canonical form; merge what now collides.

Before this migration an address was only trimmed and lower-cased, so one mailbox
could hold several signatures of a letter (``+tags``, Gmail dots, quoted local
parts, IDNA-equivalent domains). Rows of one letter whose canonical addresses
match are merged into one (docs/decisions.md, "Merging signatures of one mailbox"):
the most advanced state wins (APPROVED > REJECTED > CONFIRMED > PENDING, then the
oldest), the others are deleted with their logos, and the letters' tallies are
recounted. Links mailed before keep working (signatories.tokens accepts the old
form of the address). It also blanks ``ip_hash``, which 0003 then drops.
"""

from collections import defaultdict
from functools import partial

from django.db import migrations, transaction
from django.db.models import Q

# The canonical form is the one the site uses from now on, so the rows must match it.
from signatories.addresses import email_canonical

# An editor's decision outranks the signer's own steps; approval is the editor
# accepting the signature, rejection the editor refusing this mailbox.
RANK = {"approved": 4, "rejected": 3, "confirmed": 2, "pending": 1}
BATCH = 1000


def _canonical(email_normalised: str, contact_email: str) -> str:
    for candidate in (contact_email, email_normalised):
        try:
            return email_canonical(candidate)
        except ValueError:
            continue
    # Stored before validation got stricter: keep it as it was (still unique).
    return email_normalised


def renormalise(apps, schema_editor) -> None:
    """Store canonical addresses, merging rows of one letter and one mailbox."""
    Signature = apps.get_model("signatories", "Signature")
    LetterTally = apps.get_model("signatories", "LetterTally")
    Letter = apps.get_model("pages", "Letter")

    # Only rows whose value changes can collide: the others were unique already.
    changed = {}  # pk -> (letter_id, new value)
    rows = (
        Signature.objects.exclude(email_normalised="")
        .order_by("pk")
        .values_list("pk", "letter_id", "email_normalised", "contact_email")
    )
    for pk, letter_id, old, contact_email in rows.iterator(chunk_size=BATCH):
        new = _canonical(old, contact_email)
        if new != old:
            changed[pk] = (letter_id, new)

    groups = defaultdict(set)  # (letter_id, new value) -> pks
    for pk, key in changed.items():
        groups[key].add(pk)
    by_letter = defaultdict(set)
    for letter_id, new in groups:
        by_letter[letter_id].add(new)
    for letter_id, values in by_letter.items():
        values = sorted(values)
        for start in range(0, len(values), BATCH):
            holders = Signature.objects.filter(
                letter_id=letter_id, email_normalised__in=values[start : start + BATCH]
            ).values_list("pk", "email_normalised")
            for pk, value in holders:
                groups[(letter_id, value)].add(pk)

    losers = []
    affected_letters = set()
    logo_field = Signature._meta.get_field("logo")
    for (letter_id, _value), pks in groups.items():
        if len(pks) < 2:
            continue
        candidates = sorted(
            Signature.objects.filter(pk__in=pks).values(
                "pk", "status", "created_at", "logo"
            ),
            key=lambda row: (-RANK.get(row["status"], 0), row["created_at"], row["pk"]),
        )
        for row in candidates[1:]:
            losers.append(row["pk"])
            changed.pop(row["pk"], None)
            if row["logo"]:
                transaction.on_commit(partial(logo_field.storage.delete, row["logo"]))
        affected_letters.add(letter_id)

    # The admin history of a merged-away row names its signer: it goes with it.
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    content_type = ContentType.objects.filter(
        app_label="signatories", model="signature"
    ).first()
    for start in range(0, len(losers), BATCH):
        batch = losers[start : start + BATCH]
        if content_type is not None:
            LogEntry.objects.filter(
                content_type=content_type, object_id__in=[str(pk) for pk in batch]
            ).delete()
        Signature.objects.filter(pk__in=batch).delete()

    pks = sorted(changed)
    for start in range(0, len(pks), BATCH):
        batch = []
        for signature in Signature.objects.filter(pk__in=pks[start : start + BATCH]):
            signature.email_normalised = changed[signature.pk][1]
            batch.append(signature)
        Signature.objects.bulk_update(batch, ["email_normalised"])

    for letter in Letter.objects.filter(pk__in=affected_letters):
        counted = Q(status="confirmed")
        if letter.requires_approval:
            counted &= Q(kind="individual")
        count = Signature.objects.filter(
            Q(letter=letter) & (Q(status="approved") | counted)
        ).count()
        LetterTally.objects.update_or_create(
            letter=letter, defaults={"public_count": count}
        )

    # Written and never read: a keyed hash that anyone with the secret can reverse
    # for IPv4 (2**32 guesses). Blank it before 0003 drops the column, so that the
    # old values become dead tuples that VACUUM reclaims (a dropped column's data
    # stays in every row until the row is rewritten).
    Signature.objects.exclude(ip_hash="").update(ip_hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0001_initial"),
        ("signatories", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(renormalise, migrations.RunPython.noop, elidable=False),
    ]
