import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.transparency.audit import head_from_json, log_audit


class Command(BaseCommand):
    help = ("Monitor the public certificate log: recompute the tree from every leaf and check every signed tree head "
            "(root and signature) and every stored subtree. Exits non-zero, naming the first bad leaf or head, on "
            "any difference.")

    def add_arguments(self, parser):
        parser.add_argument("--trust-list", help="check signatures with the log key of this trust list file "
                                                 "(default: this platform's log key)")
        parser.add_argument("--kept-heads", help="a JSON file of tree heads saved earlier from /transparency/sth.json "
                                                 "(one object or a list): each must still match the log, so a "
                                                 "history rewritten and signed again is caught too")

    def handle(self, *args, trust_list, kept_heads, **options):
        trust_entry, kept = None, []
        try:
            if trust_list:
                trust_entry = json.loads(Path(trust_list).read_text()).get("log")
                if not isinstance(trust_entry, dict):
                    raise ValueError('it has no "log" key')
            if kept_heads:
                documents = json.loads(Path(kept_heads).read_text())
                documents = documents if isinstance(documents, list) else [documents]
                kept = [head_from_json(document, number) for number, document in enumerate(documents, start=1)]
        except (OSError, ValueError, AttributeError) as error:
            raise CommandError(f"Cannot read the file given: {error}") from error
        try:
            report = log_audit(trust_entry=trust_entry, kept=kept)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not report.ok:
            raise CommandError("The certificate log does not hold together:\n  " + "\n  ".join(report.problems))
        self.stdout.write(f"The certificate log holds together: {report.leaves} leaves, {report.heads} signed tree "
                          f"heads" + (f", {report.known_heads} kept heads" if report.known_heads else "") + " checked.")
