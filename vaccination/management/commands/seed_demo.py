from django.core.management.base import BaseCommand, CommandError

from citizens.demo import CITIZENS, DEMO_PASSWORD, seed_demo
from citizens.models import Person
from registry.models import AdministrativeUnit
from vaccination.demo import seed_vaccination_demo


def _what_you_find(phone: str) -> str:
    """What a demo citizen's account holds, read from the data so the list never drifts from it."""
    facts = []
    for person in Person.objects.filter(managed_by__phone="+84" + phone[1:]).order_by("pk"):
        if person.account_id is None:
            facts.append(f"cares for {person.full_name}")
        doses = person.doses.filter(voided=False).count()
        if doses:
            facts.append(f"{doses} dose(s)")
        facts += [f"registration {status}" for status in person.registrations.values_list("status", flat=True)]
    return ", ".join(facts)


class Command(BaseCommand):
    help = "Create demo facilities, one officer per role, a few citizens and vaccine stock. Safe to run again."

    def add_arguments(self, parser):
        # `make run PORT=8100` passes the address it serves, so the links printed here are the ones that work.
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="Where the portal is served, for the links printed (default: %(default)s).")

    def handle(self, *args, **options):
        base = options["base_url"].rstrip("/")
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        logins = seed_demo()
        seed_vaccination_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every demo password is: " + DEMO_PASSWORD))
        self.stdout.write(f"Portal {base}/")
        self.stdout.write(f"Staff console {base}/console/ (TOTP secret for an authenticator app):")
        for login in logins:
            self.stdout.write(f"  {login.username:<15} {login.role:<32} {login.where:<34} TOTP {login.totp_secret}")
        self.stdout.write(f"Citizens (sign in at {base}/signin/ with the phone number):")
        for phone, full_name, *_rest in CITIZENS:
            self.stdout.write(f"  {phone}  {full_name:<16} {_what_you_find(phone)}".rstrip())
