from django.core.management.base import BaseCommand, CommandError

from places.demo import seed_places_demo


class Command(BaseCommand):
    help = "Demo places visited (a venue run by a demo citizen, with visits), after seed_demo. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="Where the portal is served, for the links printed (default: %(default)s).")

    def handle(self, *args, **options):
        base = options["base_url"].rstrip("/")
        try:
            venue = seed_places_demo()
        except LookupError as error:
            raise CommandError(str(error)) from error
        visitors = sorted({visit.person.full_name for visit in venue.visits.select_related("person")})
        self.stdout.write(self.style.SUCCESS("Places visited:"))
        self.stdout.write(f"  {venue.owner.full_name} runs {venue.name} (poster code {venue.code_display}): "
                          f"{base}/places/venues/")
        self.stdout.write(f"  visited by {', '.join(visitors)}: {base}/places/")
        self.stdout.write(f"  ttyt.badinh may declare an exposure there: {base}/console/places/{venue.pk}/")
