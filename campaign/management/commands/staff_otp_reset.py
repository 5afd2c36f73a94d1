"""Give a staff account a new TOTP device (first enrolment or a lost phone)."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


class Command(BaseCommand):
    help = (
        "Replace a staff user's TOTP devices with a new one and print its "
        "provisioning URI (otpauth://...) for an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--qr", action="store_true", help="also draw the URI as a QR code"
        )

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        with transaction.atomic():
            # The old device may be in a lost or stolen phone: it stops working now.
            removed, _detail = TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(
                user=user, name=DEVICE_NAME, confirmed=True
            )
        if removed:
            self.stdout.write(f"Removed {removed} old device(s) of {username}.")
        self.stdout.write(
            f"New TOTP device for {username}. Add it to an authenticator app "
            "(scan the URI as a QR code, or type the secret):"
        )
        self.stdout.write(device.config_url)
        self.stdout.write(f"secret: {b32encode(device.bin_key).decode()}")
        if options["qr"]:
            self._print_qr(device.config_url)
        self.stdout.write(
            "This is a secret: show it to that person only, then clear the screen."
        )

    def _print_qr(self, uri: str) -> None:
        import io

        import qrcode

        code = qrcode.QRCode(border=2)
        code.add_data(uri)
        out = io.StringIO()
        code.print_ascii(out=out, invert=True)
        self.stdout.write(out.getvalue())
