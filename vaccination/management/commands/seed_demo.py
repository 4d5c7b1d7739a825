from django.core.management.base import BaseCommand, CommandError

from citizens.demo import CITIZENS, DEMO_PASSWORD, seed_demo
from registry.models import AdministrativeUnit
from vaccination.demo import seed_vaccination_demo


class Command(BaseCommand):
    help = "Create demo facilities, one officer per role, a few citizens and vaccine stock. Safe to run again."

    def handle(self, *args, **options):
        if not AdministrativeUnit.objects.exists():
            raise CommandError("Load the reference data first: python manage.py load_reference_data")
        logins = seed_demo()
        seed_vaccination_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every demo password is: " + DEMO_PASSWORD))
        self.stdout.write("Staff console http://127.0.0.1:8000/console/ (TOTP secret for an authenticator app):")
        for login in logins:
            self.stdout.write(f"  {login.username:<15} {login.role:<32} {login.where:<34} TOTP {login.totp_secret}")
        self.stdout.write("Citizens (sign in at http://127.0.0.1:8000/signin/ with the phone number):")
        for phone, full_name, *_rest in CITIZENS:
            self.stdout.write(f"  {phone}  {full_name}")
