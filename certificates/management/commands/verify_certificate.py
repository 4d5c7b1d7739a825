import datetime
import hashlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import dcc
from certificates.transparency.offline import check_inclusion
from certificates.verification import SIGNED_STATUSES, log_status


class Command(BaseCommand):
    help = "Verify an HC1: certificate offline; prints the answer as JSON and exits 0 only when it is valid."

    def add_arguments(self, parser):
        parser.add_argument("qr", help='the QR text, "HC1:…", or - to read it from standard input')
        parser.add_argument("--trust-list", help="a trust list file {\"keys\": [{kid, alg, certificate}]}; "
                                                 "default: this platform's keys")
        parser.add_argument("--at", help="check as of this ISO time instead of now")
        parser.add_argument("--log-proof", help="with --trust-list: the certificate's proof from "
                                                "/transparency/proof/<UVCI>.json, checked against the log key the "
                                                "trust list publishes (without --trust-list the log is looked up)")
        parser.add_argument("--require-log", action="store_true",
                            help="exit 1 unless the certificate is proved to be in the public log")

    def handle(self, *args, qr, trust_list, at, log_proof, require_log, **options):
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
        if log_proof and not trust_list:
            raise CommandError("--log-proof needs --trust-list, which names the log's key.")
        if trust_list:
            try:
                document = json.loads(Path(trust_list).read_text())
                trust = dcc.trust_list_load(document)
            except (OSError, ValueError) as error:
                raise CommandError(f"The trust list {trust_list} cannot be used: {error}") from error
        else:
            from certificates.keys import trust_by_kid
            from certificates.services import is_revoked

            trust, revoked = trust_by_kid(), is_revoked
        result = dcc.verify(qr, trust=trust, at=moment, revoked=revoked)
        if result.status in SIGNED_STATUSES:
            result.log = self._log(qr, document.get("log") if trust_list else None, log_proof, trust_list)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        if not result.valid or (require_log and not (result.log or {}).get("recorded")):
            sys.exit(1)

    def _log(self, qr: str, log_trust, log_proof: str | None, offline: bool) -> dict | None:
        if not offline:
            return log_status(qr)
        if not log_proof:
            return None
        if not isinstance(log_trust, dict):
            raise CommandError("The trust list has no \"log\" key to check the proof with.")
        try:
            document = json.loads(Path(log_proof).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"The log proof {log_proof} cannot be read: {error}") from error
        return check_inclusion(document, certificate_sha256=hashlib.sha256(dcc.message_bytes(qr)).digest(),
                               log_trust=log_trust)
