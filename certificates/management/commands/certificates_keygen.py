import base64
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.keys import keygen
from certificates.transparency.keys import log_keygen


class Command(BaseCommand):
    help = ("Make an ES256 signing key and a self-signed signer certificate at the paths named in settings, and the "
            "certificate log's key when it has none (a log keeps its key for life: it is never replaced here).")

    def add_arguments(self, parser):
        parser.add_argument("--key", default=settings.CERT_SIGNING_KEY_FILE)
        parser.add_argument("--cert", default=settings.CERT_SIGNING_CERT_FILE)
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--force", action="store_true", help="replace an existing key")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when a key already exists")
        parser.add_argument("--log-key", default=settings.LOG_SIGNING_KEY_FILE)

    def handle(self, *args, key, cert, days, force, if_missing, log_key, **options):
        log_path = Path(log_key)
        if not log_path.exists():
            made = log_keygen(log_path)
            self.stdout.write(f"Certificate log key written to {log_path}; "
                              f"key id {base64.b64encode(made.key_id).decode()}")
        key_path, cert_path = Path(key), Path(cert)
        if key_path.exists() or cert_path.exists():
            if if_missing:
                self.stdout.write(f"Signing key already at {key_path}")
                return
            if not force:
                raise CommandError(f"{key_path} exists; use --force to replace it (old certificates then need "
                                   "CERT_TRUSTED_CERT_FILES to stay verifiable).")
        signer = keygen(key_path=key_path, cert_path=cert_path, days=days)
        self.stdout.write(f"ES256 key written to {key_path}, signer certificate to {cert_path}; "
                          f"kid {base64.b64encode(signer.kid).decode()}, valid until {signer.not_after:%Y-%m-%d}")
