from django.core.management.base import BaseCommand

from reporting.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the reporting rollups from the facts (doses, registrations, reactions)."

    def handle(self, *args, **options):
        counts = rollups_rebuild()
        self.stdout.write("Rollups rebuilt: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))
