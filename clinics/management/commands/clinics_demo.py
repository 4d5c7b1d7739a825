from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinics.demo import FACILITY_STAFF, HOTLINE_STAFF, SERVICES, seed_clinics_demo


class Command(BaseCommand):
    help = ("Demo medical appointments (a station's slots for the next days, a booking, a consultation), after "
            "seed_demo. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="Where the portal is served, for the links printed (default: %(default)s).")

    def handle(self, *args, **options):
        base = options["base_url"].rstrip("/")
        try:
            demo = seed_clinics_demo()
        except LookupError as error:
            raise CommandError(str(error)) from error
        booking, consultation = demo.booking, demo.consultation
        services = ", ".join(str(service.label) for service in SERVICES)
        self.stdout.write(self.style.SUCCESS("Medical appointments:"))
        self.stdout.write(f"  {demo.facility.name} ({FACILITY_STAFF}) has slots ({services}) "
                          f"{demo.days[0]:%d/%m}–{demo.days[-1]:%d/%m}, bookable at {base}/clinics/")
        self.stdout.write(f"  {booking.booked_by.full_name} booked {booking.slot.get_service_display()} for "
                          f"{booking.person.full_name} at {timezone.localtime(booking.starts_at):%H:%M %d/%m}: "
                          f"{base}/clinics/appointments/")
        self.stdout.write(f"  {consultation.person.full_name} has a consultation by {HOTLINE_STAFF} in "
                          f"{base}/clinics/history/")
