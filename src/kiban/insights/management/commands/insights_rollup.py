"""`kiban insights_rollup [--rebuild]`: bring the insights rollups up to date now."""

import json

from django.core.management.base import BaseCommand

from kiban.insights.rollups import rollups_rebuild, rollups_run


class Command(BaseCommand):
    help = "Roll up new journey events and satisfaction answers (or rebuild every rollup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute every rollup from the raw tables"
        )

    def handle(self, *args, rebuild: bool = False, **options):
        done = rollups_rebuild() if rebuild else rollups_run(max_seconds=3600)
        self.stdout.write(json.dumps(done))
