import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Vietnamese mobile numbers: 0 or +84, then a 9-digit subscriber number starting with 3, 5, 7, 8 or 9.
_MOBILE = re.compile(r"^(?:\+?84|0)([35789]\d{8})$")


def phone_normalize(raw: str) -> str:
    """Return a Vietnamese mobile number as +84xxxxxxxxx, whether typed as 0xxxxxxxxx or +84xxxxxxxxx."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    match = _MOBILE.match(digits)
    if not match:
        raise ValidationError(
            _("Enter a Vietnamese mobile number such as 0912345678 or +84912345678."), code="invalid_phone"
        )
    return "+84" + match.group(1)


def phone_display(normal: str) -> str:
    """+84912345678 → 0912 345 678, as people write it."""
    if not normal or not normal.startswith("+84"):
        return normal or ""
    local = "0" + normal[3:]
    return f"{local[:4]} {local[4:7]} {local[7:]}"
