"""`kiban verify-log`: check the message log's hash chain and signed checkpoints."""

from django.core.management.base import BaseCommand, CommandError

from kiban.exchange.message_log import log_verify


class Command(BaseCommand):
    help = "Check the message log's hash chain and checkpoint signatures from the database alone."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-key", action="append", dest="public_keys", metavar="HEX",
            help="only accept checkpoints signed by this Ed25519 public key (repeatable)",
        )

    def handle(self, *args, public_keys=None, **options):
        report = log_verify(public_keys=set(public_keys) if public_keys else None)
        if not report.ok:
            raise CommandError(
                f"message log broken at record {report.broken_at}: {report.reason} "
                f"({report.records} records checked before it)", returncode=1,
            )
        keys = ", ".join(sorted(report.keys)) or "none"
        self.stdout.write(
            f"message log ok: {report.records} records, {report.checkpoints} signed checkpoints "
            f"(keys: {keys}); {report.unsigned_tail} records after the last checkpoint, "
            f"{report.unsealed} not sealed yet"
        )
