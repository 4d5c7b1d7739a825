from django.core.management.base import BaseCommand

from registry.reference_data import load_reference_data


class Command(BaseCommand):
    help = "Load (or refresh) administrative units, population, priority groups and vaccines. Safe to run again."

    def handle(self, *args, **options):
        result = load_reference_data()
        self.stdout.write(
            f"Reference data: {result.provinces} provinces, {result.districts} districts, {result.wards} wards, "
            f"{result.priority_groups} priority groups, {result.vaccines} vaccines."
        )
