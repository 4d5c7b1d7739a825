"""Certificates signed and verified per second, beside raw ECDSA P-256 sign and verify in the same run.

    python bench/certificates.py [--n 2000]

Signing is the whole `dcc.sign` (payload, CBOR, COSE, ECDSA, zlib, Base45) on a real payload; verifying is
the whole `dcc.verify` from the HC1 text. The baselines are `cryptography`'s bare ECDSA P-256 sign and verify
of the same-sized message. The last lines are `ratio NAME = VALUE`: our seconds divided by the baseline's.
No database is needed.
"""
import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    n = parser.parse_args().n
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

    started = time.perf_counter()
    texts = [dcc.sign(hcert=hcert, private_key=signer.private_key, certificate_der=signer.certificate_der,
                      issuer="VN", issued_at=now, expires_at=now + datetime.timedelta(days=365)) for _ in range(n)]
    ours_sign = time.perf_counter() - started
    started = time.perf_counter()
    assert all(dcc.verify(text, trust=trust, at=now).valid for text in texts)
    ours_verify = time.perf_counter() - started

    message = os.urandom(300)  # about the size of the COSE Sig_structure
    started = time.perf_counter()
    signatures = [signer.private_key.sign(message, ec.ECDSA(hashes.SHA256())) for _ in range(n)]
    raw_sign = time.perf_counter() - started
    public_key = signer.private_key.public_key()
    started = time.perf_counter()
    for signature in signatures:
        public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    raw_verify = time.perf_counter() - started

    print(f"certificates signed    {n / ours_sign:>9,.0f}/s   raw ECDSA P-256 sign   {n / raw_sign:>9,.0f}/s")
    print(f"certificates verified  {n / ours_verify:>9,.0f}/s   raw ECDSA P-256 verify {n / raw_verify:>9,.0f}/s")
    print(f"ratio sign = {ours_sign / raw_sign:.2f}")
    print(f"ratio verify = {ours_verify / raw_verify:.2f}")


if __name__ == "__main__":
    main()
