from django.conf import settings
from django.core.management.base import BaseCommand

from kiban.audit.services import audit_record
from kiban.identity.signing_keys import signing_key_rotate


class Command(BaseCommand):
    help = (
        "Retire the key that signs kiban's ID tokens and start a new one. The retired key stays "
        "in the JWKS so that tokens already issued still verify. Restart the servers afterwards."
    )

    def handle(self, *args, **options):
        retired = signing_key_rotate(settings.OIDC_KEY_DIR)
        audit_record(action="oidc.key_rotate", data={"retired": retired.name})
        self.stdout.write(f"New signing key in {settings.OIDC_KEY_DIR}; retired {retired.name}.")
