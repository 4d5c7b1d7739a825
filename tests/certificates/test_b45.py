"""Our Base45 codec (big-integer arithmetic, no loop per character) against the reference `base45` package."""
import random

import base45
import pytest

from certificates.b45 import b45decode, b45encode


def test_it_agrees_with_the_reference_on_every_length_and_the_extremes():
    rng = random.Random(45)
    samples = [bytes(rng.getrandbits(8) for _ in range(n)) for n in range(0, 70) for _ in range(20)]
    samples += [b"\xff" * n for n in range(0, 9)] + [b"\x00" * n for n in range(0, 9)]
    samples += [bytes(rng.getrandbits(8) for _ in range(n)) for n in (599, 600, 5000)]
    for data in samples:
        text = b45encode(data)
        assert text == base45.b45encode(data).decode()
        assert b45decode(text) == data == base45.b45decode(text)
    assert b45encode(b"ietf!") == "QED8WEX0"  # RFC 9285, section 4.3
    assert b45decode("QED8WEX0") == b"ietf!"


@pytest.mark.parametrize("text", ["ZZZ", "GGW", "ZZ", ":;", "ABCD", "A", "abc", "QED8WEX0:", "ÀBC", "QED8 WEX"])
def test_what_the_reference_refuses_is_refused(text):
    with pytest.raises(ValueError):
        base45.b45decode(text)
    with pytest.raises(ValueError):
        b45decode(text)
