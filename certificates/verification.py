"""Public verification: the check itself (the page and the API share it), photos of QR codes, and how a
result reads for a person (dates as dd/mm/yyyy, the vaccine by its name)."""
import datetime
import re
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Vaccine
from registry.throttle import Hit, throttle_hit, throttle_hit_reading

from . import dcc
from .keys import trust_by_kid
from .services import is_revoked

# Formats a phone camera or a screenshot produces; others (EPS, PSD, TIFF…) are never opened by their decoders.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
# The QR of a certificate is readable well below this; a larger photo is scaled down before it is searched.
PHOTO_SEARCH_SIDE = 2048
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


# Statuses reached only once the signature held: such a certificate is ours, so the public log must hold it.
SIGNED_STATUSES = (dcc.Status.VALID, dcc.Status.EXPIRED, dcc.Status.NOT_YET_VALID, dcc.Status.REVOKED)


def verify_text(qr: str) -> dcc.Verification:
    return _Reads(qr).verify()


def verify_counted(qr: str, *, key: str, limit: int, window_seconds: int) -> tuple[Hit, dcc.Verification | None]:
    """Count one check against `key` (registry.throttle), then verify `qr`: no result past the limit.

    The count comes before the signature is checked. Where the verification's reads go to the database the
    counters are on (no replica), they are read in the same round trip: they need only the SHA-256 of the signed
    message, so nothing in it is read before its signature holds."""
    from .transparency.models import LogLeaf

    reads = _Reads(qr)
    ahead = reads.read_ahead()
    if ahead is not None and router.db_for_read(LogLeaf) == DEFAULT_DB_ALIAS:
        hit, row = throttle_hit_reading(key, limit=limit, window_seconds=window_seconds, read=ahead)
        reads.answered(row)
    else:
        hit = throttle_hit(key, limit=limit, window_seconds=window_seconds, durable=False)
    return hit, reads.verify() if hit.allowed else None


class _Reads:
    """The database reads of one verification, in one round trip from the signed message's SHA-256: where the public
    log holds it, and the certificate it belongs to with its status (read at the first revocation check, or ahead
    with the count by `verify_counted`). Another certificate id is looked up on its own."""

    def __init__(self, qr: str):
        from .transparency.services import message_sha256

        self.qr, self.read, self.holder, self.entry = qr, False, None, None
        try:
            raw = dcc.message_bytes(qr)
            self.message = dcc.decode_bytes(raw)
        except ValueError:
            self.digest = self.message = None
        else:
            self.digest = message_sha256(raw)  # what the certificate's leaf records

    def verify(self) -> dcc.Verification:
        if self.message is None:
            return dcc.verify(self.qr, trust=trust_by_kid(), at=datetime.datetime.now(datetime.UTC))
        result = dcc.verify(self.qr, trust=trust_by_kid(), at=datetime.datetime.now(datetime.UTC),
                            revoked=self.revoked, message=self.message)
        if result.status in SIGNED_STATUSES:
            result.log = self.log_status()
        return result

    def read_ahead(self) -> tuple[str, list] | None:
        """The statement of the reads (None when the text does not decode to a message)."""
        from .transparency.selectors import certificate_reads_query

        return certificate_reads_query(self.digest) if self.digest is not None else None

    def answered(self, row: tuple) -> None:
        from .transparency.selectors import certificate_reads_answer

        self.holder, self.entry = certificate_reads_answer(row)
        self.read = True

    def revoked(self, uvci: str) -> bool:
        from .transparency.selectors import certificate_reads

        if self.digest is not None and not self.read:
            self.holder, self.entry = certificate_reads(self.digest)
            self.read = True
        if self.holder is not None and self.holder[0] == uvci:
            return self.holder[1]
        return is_revoked(uvci)

    def log_status(self) -> dict:
        """Whether the public log holds this certificate, its inclusion proof checked against the latest signed
        head."""
        from .transparency.selectors import certificate_log_status

        if self.digest is None:
            return {"status": "not_found", "recorded": False}
        return certificate_log_status(self.digest, entry=self.entry)


def log_status(qr: str) -> dict:
    """Whether the public log holds this certificate, its inclusion proof checked against the latest signed head."""
    return _Reads(qr).log_status()


def _open_photo(photo):
    from PIL import Image

    photo.seek(0)
    try:
        image = Image.open(photo, formats=PHOTO_FORMATS)
        width, height = image.size
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds on a file that is not a picture
        raise ValidationError(_("The photo must be a JPEG, PNG, WebP, GIF or BMP picture."),
                              code="not_a_picture") from error
    # The size comes from the file's header: a 20 KB PNG may claim 9000×9000 pixels, which would cost
    # seconds of CPU and hundreds of MB to decode. It is refused before any pixel is read.
    if width * height > settings.VERIFY_MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The photo is too large: %(width)s×%(height)s pixels; at most %(limit)s million pixels are read.")
            % {"width": width, "height": height, "limit": f"{settings.VERIFY_MAX_IMAGE_PIXELS / 1e6:g}"},
            code="too_many_pixels")
    return image


def photo_check(photo) -> None:
    """Raises ValidationError, naming what is wrong, for a file that will not be decoded."""
    _open_photo(photo)
    photo.seek(0)


def photo_read(photo) -> str:
    """The text of the QR code in a photo (the HC1 one if there are several), or "" when none can be read."""
    import zxingcpp

    try:
        image = _open_photo(photo)
        image.thumbnail((PHOTO_SEARCH_SIDE, PHOTO_SEARCH_SIDE))  # a JPEG is decoded at the reduced size
        image = image.convert("L")
    except (ValidationError, OSError, ValueError):
        return ""
    results = zxingcpp.read_barcodes(image)
    return next((r.text for r in results if r.text.startswith(dcc.PREFIX)), results[0].text if results else "")


def display_date(value) -> str:
    """An ISO date, a DCC partial date of birth or a datetime, as people in Viet Nam write it: dd/mm/yyyy."""
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if not isinstance(value, str) or not value:
        return ""
    if "T" in value:
        try:
            return display_date(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    match = _ISO_DATE.match(value)
    if not match:
        return value
    year, month, day = match.groups()
    return "/".join(part for part in (day, month, year) if part)


_NAMES_SECONDS = 300  # how long a process keeps the vaccines' names (reference data, renamed rarely if ever)
_names: dict[str, str] = {}
_names_read_at = -_NAMES_SECONDS


def vaccine_names(codes: set[str]) -> dict[str, str]:
    """The names of the vaccines with these EU product codes. Every verification shows them, so each process keeps
    the few dozen names and reads them again every few minutes, or at once when asked for a code it lacks."""
    global _names, _names_read_at
    now = time.monotonic()
    if now - _names_read_at > _NAMES_SECONDS or not codes <= _names.keys():
        _names = dict(Vaccine.objects.exclude(dcc_product="").values_list("dcc_product", "name"))
        _names_read_at = now
    return {code: _names[code] for code in codes if code in _names}


def verification_display(result: dcc.Verification) -> dict:
    """What the public page shows of a result; vaccines are named from the reference data by EU product code."""
    answer = result.as_json()
    if "holder" not in answer:
        return answer
    codes = {v.get("mp") for v in answer["vaccinations"] if isinstance(v.get("mp"), str)}
    names = vaccine_names(codes)
    answer["holder"]["date_of_birth"] = display_date(answer["holder"]["date_of_birth"])
    answer["vaccinations"] = [
        {**v, "date": display_date(v.get("dt")), "code": v.get("mp") if isinstance(v.get("mp"), str) else "",
         "vaccine": names.get(v.get("mp")) if isinstance(v.get("mp"), str) else ""}
        for v in answer["vaccinations"]]
    answer["expires"] = display_date(result.expires_at)
    if answer.get("log", {}).get("tree_head_time"):
        moment = timezone.localtime(datetime.datetime.fromisoformat(answer["log"]["tree_head_time"]))
        answer["log"] = {**answer["log"], "time": f"{moment:%H:%M} {display_date(moment)}"}
    return answer
