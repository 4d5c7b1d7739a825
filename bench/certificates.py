"""Certificates signed and verified per second, beside raw ES256 (ECDSA P-256) sign and verify in the same run.

    python bench/certificates.py [--n 2000] [--repeats 3]

Signing is the whole `dcc.sign` (payload, CBOR, COSE, ECDSA, zlib, Base45) on a real payload; verifying is
the whole `dcc.verify` from the HC1 text, against a trust list whose key was already used once (as in a
running process). The baselines are `cryptography`'s bare ES256 sign and verify of the very bytes a
certificate signs (the COSE Sig_structure of the same payload). Ours and the baseline run in alternating
chunks of 50 and are timed in process CPU time, so that other work on a shared machine slows neither more
than the other; throughputs are per CPU-second, each the median of the repeats. The last lines are
`ratio NAME = VALUE`: our throughput divided by the baseline's (1.0 would be no overhead).
No database is needed for those.

With DATABASE_URL=postgres://… it also measures whole certificate issues through `certificate_issue` (person
lock, payload, signature, certificate row, audit row) in a scratch database, with the public log on and off:
on, each issue also appends its leaf under the log's lock and every chunk of 50 ends with a signed tree head
(LOG_STH_MIN_SECONDS=0, the most heads the task can sign); off, both are skipped. Those chunks alternate too,
timed by the wall clock since most of the work is the database's. `ratio sign_logged` = issues per second
with the log / without it.
"""
import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # last: the shared helpers (_django, _data) still import


CHUNK = 50


def _rates(n: int, ours, baseline, clock=time.process_time) -> tuple[float, float]:
    """(ours, baseline) operations per CPU-second (or per `clock` second) over n operations each, in alternating
    chunks."""
    spent = [0.0, 0.0]
    for start in range(0, n, CHUNK):
        items = range(start, min(start + CHUNK, n))
        for index, work in ((0, ours), (1, baseline)) if start % (2 * CHUNK) == 0 else ((1, baseline), (0, ours)):
            began = clock()
            for item in items:
                work(item)
            spent[index] += clock() - began
    return n / spent[0], n / spent[1]


def _issue_rates(n: int, repeats: int) -> tuple[float, float]:
    """(issues per second with the public log, without it), each the median of the repeats."""
    from _data import doses_series, people_series
    from _django import bench_site, scratch_database
    from django.conf import settings
    from django.utils import timezone

    with scratch_database():
        from certificates import services, tasks
        from registry.models import Vaccine
        from vaccination.models import Dose

        settings.LOG_STH_MIN_SECONDS = 0
        place = bench_site(doses=10)
        first = people_series(n, ward_ids=[place["ward"].pk], tag="9cert")
        doses_series(n, first_person=first, site_ids=[place["site"].pk], lot_id=place["lot"].pk,
                     vaccine_id=Vaccine.objects.get(code="astrazeneca").pk, tag="cert")
        Dose.objects.update(confirmed_at=timezone.now())
        people = list(range(first, first + n))
        tasks.certificates_issue(list(Dose.objects.values_list("pk", flat=True)))  # everyone's first certificate

        append = services.log_certificate_issued

        def issue(index, logged: bool):
            services.log_certificate_issued = append if logged else (lambda **kwargs: None)
            services.certificate_issue(person_id=people[index], force=True)
            if logged and index % CHUNK == CHUNK - 1:
                tasks.tree_head_after_batch()

        logged, plain = [], []
        for _ in range(repeats):
            ours, baseline = _rates(n, lambda i: issue(i, True), lambda i: issue(i, False), clock=time.perf_counter)
            logged.append(ours)
            plain.append(baseline)
        return statistics.median(logged), statistics.median(plain)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--issues", type=int, default=1000, help="certificates issued per figure (with a database)")
    arguments = parser.parse_args()
    n = arguments.n
    import cbor2
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from certificates import dcc
    from certificates.keys import keygen

    folder = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-certificates"
    signer = keygen(key_path=folder / "key.pem", cert_path=folder / "cert.pem")
    hcert = {"ver": "1.3.0", "nam": {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Văn An", "gnt": "VAN<AN"},
             "dob": "1990-04-30", "v": [{"tg": "840539006", "vp": "29061000087103", "mp": "EU/1/21/1529",
                                         "ma": "ORG-100001699", "dn": 2, "sd": 2, "dt": "2021-10-01", "co": "VN",
                                         "is": "Ministry of Health of Viet Nam",
                                         "ci": "URN:UVCI:01:VN:0123456789ABCDEF01234567"}]}
    now = datetime.datetime.now(datetime.UTC)
    trust = {signer.kid: [dcc.TrustedKey(kid=signer.kid, certificate_der=signer.certificate_der)]}

    def sign():
        return dcc.sign(hcert=hcert, private_key=signer.private_key, certificate_der=signer.certificate_der,
                        issuer="VN", issued_at=now, expires_at=now + datetime.timedelta(days=365))

    texts = [sign() for _ in range(n)]
    assert all(dcc.verify(text, trust=trust, at=now).valid for text in texts[:10])
    message = dcc.decode(texts[0])
    to_sign = cbor2.dumps(["Signature1", message.protected_bytes, b"", message.payload])
    public_key = signer.private_key.public_key()
    signatures = [signer.private_key.sign(to_sign, ec.ECDSA(hashes.SHA256())) for _ in range(n)]

    def verify_ours(index):
        if not dcc.verify(texts[index], trust=trust, at=now).valid:
            raise AssertionError("a certificate did not verify")

    def verify_raw(index):
        public_key.verify(signatures[index], to_sign, ec.ECDSA(hashes.SHA256()))

    def sign_raw(_index):
        signer.private_key.sign(to_sign, ec.ECDSA(hashes.SHA256()))

    figures = {"ours sign": [], "raw sign": [], "ours verify": [], "raw verify": []}
    for _ in range(arguments.repeats):
        ours, raw = _rates(n, lambda _index: sign(), sign_raw)
        figures["ours sign"].append(ours)
        figures["raw sign"].append(raw)
        ours, raw = _rates(n, verify_ours, verify_raw)
        figures["ours verify"].append(ours)
        figures["raw verify"].append(raw)
    median = {name: statistics.median(values) for name, values in figures.items()}

    print(f"{len(to_sign)}-byte Sig_structure, {len(texts[0])}-character HC1 text, n={n}, "
          f"median of {arguments.repeats}")
    print(f"certificates signed    {median['ours sign']:>9,.0f}/s   raw ES256 sign   {median['raw sign']:>9,.0f}/s")
    print(f"certificates verified  {median['ours verify']:>9,.0f}/s   raw ES256 verify {median['raw verify']:>9,.0f}/s")
    issues = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        issues = _issue_rates(arguments.issues, arguments.repeats)
        print(f"certificates issued    {issues[0]:>9,.0f}/s with the public log, {issues[1]:>9,.0f}/s without "
              f"(n={arguments.issues}, wall clock)")
    else:
        print("certificates issued with and without the public log: set DATABASE_URL=postgres://… to measure")
    print(f"ratio sign = {median['ours sign'] / median['raw sign']:.2f}")
    print(f"ratio verify = {median['ours verify'] / median['raw verify']:.2f}")
    if issues:
        print(f"ratio sign_logged = {issues[0] / issues[1]:.2f}")


if __name__ == "__main__":
    main()
