"""`kiban log_checkpoint`: seal what is pending and sign the message log (e.g. from cron)."""

from django.core.management.base import BaseCommand

from kiban.exchange.message_log import checkpoint_sign, log_seal


class Command(BaseCommand):
    help = "Sign a checkpoint of the message log at its current head."

    def handle(self, *args, **options):
        sealed = log_seal()
        if sealed:
            self.stdout.write(f"sealed {sealed} records")
        checkpoint = checkpoint_sign()
        if checkpoint is None:
            self.stdout.write("nothing new to sign")
            return
        self.stdout.write(f"signed record {checkpoint.number} with key {checkpoint.public_key}")
