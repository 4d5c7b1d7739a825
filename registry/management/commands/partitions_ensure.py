from django.conf import settings
from django.core.management.base import BaseCommand

from registry.partitions import partitions_ensure


class Command(BaseCommand):
    help = ("Create this month's and the next months' partitions of the monthly-partitioned tables (PostgreSQL); "
            "rows of such a month already in a default partition are moved into it. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=settings.PARTITION_MONTHS_AHEAD,
                            help="How many months after this one get their partitions now.")

    def handle(self, *args, months_ahead: int, **options):
        created = partitions_ensure(months_ahead=months_ahead)
        for name in created:
            self.stdout.write(f"created {name}")
        self.stdout.write(f"{len(created)} partition(s) created.")
