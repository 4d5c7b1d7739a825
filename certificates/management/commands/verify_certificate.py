import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import dcc


class Command(BaseCommand):
    help = "Verify an HC1: certificate offline; prints the answer as JSON and exits 0 only when it is valid."

    def add_arguments(self, parser):
        parser.add_argument("qr", help='the QR text, "HC1:…", or - to read it from standard input')
        parser.add_argument("--trust-list", help="a trust list file {\"keys\": [{kid, alg, certificate}]}; "
                                                 "default: this platform's keys")
        parser.add_argument("--at", help="check as of this ISO time instead of now")

    def handle(self, *args, qr, trust_list, at, **options):
        if qr == "-":
            qr = sys.stdin.read().strip()
        if at:
            try:
                moment = datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
            except ValueError as error:
                raise CommandError(f"--at must be an ISO time, not {at!r}") from error
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
        else:
            moment = datetime.datetime.now(datetime.UTC)
        revoked = None
        if trust_list:
            try:
                trust = dcc.trust_list_load(json.loads(Path(trust_list).read_text()))
            except (OSError, ValueError) as error:
                raise CommandError(f"The trust list {trust_list} cannot be used: {error}") from error
        else:
            from certificates.keys import trust_by_kid
            from certificates.services import is_revoked

            trust, revoked = trust_by_kid(), is_revoked
        result = dcc.verify(qr, trust=trust, at=moment, revoked=revoked)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        if not result.valid:
            sys.exit(1)
