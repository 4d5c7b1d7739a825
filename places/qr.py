"""The poster's QR code: the check-in page's address with the venue's code, as SVG for the page and PNG for the app."""
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.urls import reverse


def checkin_url(request, venue) -> str:
    return request.build_absolute_uri(reverse("places:checkin", kwargs={"code": venue.code}))


def qr_svg(text: str, *, box_size: int = 12) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def qr_png(text: str, *, box_size: int = 12) -> bytes:
    image = qrcode.make(text, box_size=box_size, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
