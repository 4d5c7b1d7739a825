"""A security code drawn as an image ("mã bảo mật"), kept in the server-side session, good for one answer."""
import random
import secrets
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
LENGTH = 5


def _key(name: str) -> str:
    return f"captcha:{name}"


def captcha_new(session, name: str) -> str:
    text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    session[_key(name)] = text
    return text


def captcha_text(session, name: str) -> str:
    return session.get(_key(name)) or captcha_new(session, name)


def captcha_check(session, name: str, answer: str) -> bool:
    """True when the answer matches; the code is used up either way, so each guess needs a new image."""
    expected = session.pop(_key(name), None)
    return bool(expected) and (answer or "").strip().upper() == expected


def captcha_png(text: str) -> bytes:
    rng = random.Random(secrets.randbits(32))
    width, height = 180, 60
    image = Image.new("RGB", (width, height), (245, 247, 246))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for index, char in enumerate(text):
        draw.text((12 + index * 32 + rng.randint(-3, 3), 10 + rng.randint(-6, 6)), char,
                  font=font, fill=(rng.randint(0, 90), rng.randint(0, 90), rng.randint(60, 140)))
    for _ in range(6):
        draw.line([(rng.randint(0, width), rng.randint(0, height)), (rng.randint(0, width), rng.randint(0, height))],
                  fill=(rng.randint(100, 180),) * 3, width=1)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
