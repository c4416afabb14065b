"""`kiban seed [--residents N] [--demo]`: load demo data and synthetic residents."""

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo installation and/or create N synthetic residents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents", type=int, default=0, metavar="N",
            help="create synthetic residents resident00001 … N (existing ones are skipped)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed of the residents")
        parser.add_argument(
            "--demo", action="store_true",
            help="load the demo bureaus, accounts and procedures (and 1,000 residents)",
        )

    def handle(self, *args, residents: int, seed: int, demo: bool, **options):
        from kiban.web.demo import load_demo, residents_seed

        if residents < 0:
            raise CommandError("--residents must be 0 or more.")
        if not (demo or residents):
            raise CommandError("Nothing to do: give --demo and/or --residents N.")
        if demo:
            started = time.perf_counter()
            load_demo()
            self.stdout.write(f"Demo loaded in {time.perf_counter() - started:.1f} s.")
        if residents:
            started = time.perf_counter()
            created = residents_seed(count=residents, seed=seed)
            self.stdout.write(
                f"{created} synthetic residents created ({residents - created} existed already) "
                f"in {time.perf_counter() - started:.1f} s."
            )
