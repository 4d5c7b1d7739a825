import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone_normalize(raw: str) -> str:
    """Return a Vietnamese mobile number as +84xxxxxxxxx, whether typed as 0xxxxxxxxx, 84… or +84xxxxxxxxx.

    `phonenumbers` (Google's libphonenumber data) knows which prefixes the carriers were allocated, so a
    number that cannot exist is refused here instead of costing an SMS.
    """
    text = (raw or "").strip()
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if (number is None or number.country_code != 84 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in _MOBILE_TYPES):
        raise ValidationError(
            _("Enter a Vietnamese mobile number such as 0912345678 or +84912345678."), code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(normal: str) -> str:
    """+84912345678 → 0912 345 678, as people write it."""
    if not normal or not normal.startswith("+84"):
        return normal or ""
    local = "0" + normal[3:]
    return f"{local[:4]} {local[4:7]} {local[7:]}"
