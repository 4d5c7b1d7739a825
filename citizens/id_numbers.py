"""ID numbers: the one rule for how a number is written and which kind of ID it is.

A citizen ID (CCCD) has 12 digits, an old ID card (CMND) 9, a passport 6 to 12 letters and digits. Digits are
ASCII only: "²" or "١" pass str.isdigit() but are not what anyone meant to type. The profile form checks a number
against the kind the person chose; the site's walk-in form and organisation uploads, which ask for no kind, take
it from the number with `id_kind_of`.
"""
import re

from .models import Person

IdKind = Person.IdKind

ID_NUMBER_PATTERNS = {
    IdKind.CCCD: re.compile(r"[0-9]{12}"),
    IdKind.CMND: re.compile(r"[0-9]{9}"),
    IdKind.PASSPORT: re.compile(r"[A-Z0-9]{6,12}"),
}


def id_number_clean(text: str | None) -> str:
    """The number as stored: capitals, no spaces ("" when none was typed)."""
    return (text or "").strip().upper().replace(" ", "")


def id_number_fits(kind: str, number: str) -> bool:
    """Whether a cleaned number is written as an ID of that kind is."""
    pattern = ID_NUMBER_PATTERNS.get(kind)
    return bool(pattern and pattern.fullmatch(number))


def id_kind_of(number: str) -> str | None:
    """The kind of ID a cleaned number is, when no kind was chosen: only digits are a CCCD or a CMND by their
    length; a passport number, guessed, holds a letter. None when it is none of them."""
    if id_number_fits(IdKind.CCCD, number):
        return IdKind.CCCD.value
    if id_number_fits(IdKind.CMND, number):
        return IdKind.CMND.value
    if id_number_fits(IdKind.PASSPORT, number) and not number.isdigit():
        return IdKind.PASSPORT.value
    return None
