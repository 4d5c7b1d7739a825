from django.core.management.base import BaseCommand, CommandError

from certificates.models import Certificate


class Command(BaseCommand):
    help = "Print the current HC1: text of the certificate of the person with this ID number."

    def add_arguments(self, parser):
        parser.add_argument("id_number")

    def handle(self, *args, id_number, **options):
        certificate = Certificate.objects.filter(person__id_number=id_number.strip().upper(),
                                                 status=Certificate.Status.VALID).first()
        if certificate is None:
            raise CommandError("No valid certificate for this ID number.")
        self.stdout.write(certificate.qr_text)
