"""Bulk test data for the benchmarks."""

from django.db import connection


def fill(letter, rows: int) -> None:
    """Insert ``rows`` signatures with one set-based statement (fast at 1M)."""
    table = "signatories_signature"
    columns = (
        "letter_id, kind, status, organisation, website, country, organisation_type, "
        "contact_name, contact_role, contact_email, email_normalised, logo, comment, "
        "is_public, newsletter, language, created_at, rejection_reason, "
        "public_id, domain_match, source, source_note, offline_key, text_hash, "
        "capped_emails"
    )
    values = (
        "{letter}, 'organisation', 'confirmed', 'Org ' || n, 'https://org' || n || "
        "'.example', CASE WHEN n %% 3 = 0 THEN 'UA' ELSE 'DE' END, 'ngo', 'Name', "
        "'Role', 'c' || n || '@org.example', 'c' || n || '@org.example', '', '', "
        "n %% 10 <> 0, false, 'en', {now}, '', {uuid}, true, 'web', '', '', '', 1"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT "
                + values.format(letter=letter.pk, now="now()", uuid="gen_random_uuid()")
                + " FROM generate_series(1, %s) AS n",
                [rows],
            )
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(
                f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                f"WHERE n < %s) INSERT INTO {table} ({columns}) SELECT "
                + values.format(
                    letter=letter.pk,
                    now="datetime('now')",
                    uuid="lower(hex(randomblob(16)))",
                )
                + " FROM seq",
                [rows],
            )
