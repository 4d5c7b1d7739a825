import unicodedata


def ascii_fold(text: str) -> str:
    """Vietnamese without diacritics (Đ → D), as SMS gateways and ICAO machine-readable names need."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
