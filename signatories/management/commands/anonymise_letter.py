"""Erase the signers' personal data of a closed letter (counts and listing stay)."""

from django.core.management.base import BaseCommand, CommandError

from pages.models import Letter
from signatories import services


class Command(BaseCommand):
    help = (
        "Anonymise a closed letter's signatures: listed organisations keep what was "
        "published, everything else personal is erased. Try --dry-run first."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the letter's slug")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change and change nothing",
        )

    def handle(self, *args, slug: str, dry_run: bool, **options):
        letter = Letter.objects.filter(slug=slug).first()
        if letter is None:
            raise CommandError(f"No letter with the slug {slug!r}.")
        try:
            report = services.letter_anonymise(letter=letter, dry_run=dry_run)
        except services.LetterStillOpen:
            raise CommandError(
                f"The letter {slug!r} still takes signatures: close it first."
            ) from None
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {report.listed} listed organisations (contact data) and "
            f"{report.unlisted} other signatures (all personal data) of {slug}."
        )
        for name, count in sorted(report.fields.items()):
            self.stdout.write(f"  {name}: {count}")
