"""`kiban totp <email>`: print the current one-time code of a user's confirmed TOTP device.

Meant for the demo and development, where the staff accounts share a known key.
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current TOTP code of the user's confirmed authenticator device."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = (
            TOTPDevice.objects.filter(user__email=email.strip().lower(), confirmed=True)
            .order_by("-id")
            .first()
        )
        if device is None:
            raise CommandError(f"No confirmed authenticator device for {email}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
        remaining = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(code)
        self.stderr.write(f"(valid for about {remaining} more seconds)")
