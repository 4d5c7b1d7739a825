"""A printable certificate, Vietnamese and English, with the QR; the font ships with PyPI (Be Vietnam Pro)."""
from io import BytesIO
from pathlib import Path

import fontpkg_be_vietnam_pro
import qrcode
from django.utils import translation
from fpdf import FPDF

from registry.text import date_text

FONT_DIR = Path(fontpkg_be_vietnam_pro.ROOT) / "files"


def qr_png(text: str, *, box_size: int = 6) -> bytes:
    """The certificate QR: alphanumeric mode (Base45 is within it), error correction Q."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def _both_languages(level) -> str:
    """The level as the page says it, in Vietnamese and in English (the PDF is read at borders too)."""
    labels = []
    for language in ("vi", "en"):
        with translation.override(language):
            labels.append(str(level))
    return " / ".join(dict.fromkeys(labels))


def certificate_pdf(*, certificate, doses, level) -> bytes:
    """`doses` as person_certificate lists them (dates already local), `level` its course level."""
    pdf = FPDF(format="A4")
    pdf.add_font("BeVietnam", "", str(FONT_DIR / "BeVietnamPro-Regular.ttf"))
    pdf.add_font("BeVietnam", "B", str(FONT_DIR / "BeVietnamPro-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("BeVietnam", "B", 11)
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnam", "", 10)
    pdf.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("BeVietnam", "B", 16)
    pdf.cell(0, 9, "CHỨNG NHẬN TIÊM CHỦNG COVID-19", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnam", "", 11)
    pdf.cell(0, 6, "COVID-19 VACCINATION CERTIFICATE", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    person = certificate.person
    rows = [
        ("Họ và tên / Full name", person.full_name),
        ("Ngày sinh / Date of birth", date_text(person.date_of_birth)),
        ("Tình trạng / Status", _both_languages(level)),
        ("Mã chứng nhận / Certificate ID", certificate.uvci),
        # The day it ends in Viet Nam, as the certificate page says (expires_at is stored in UTC).
        ("Hiệu lực đến / Valid until", date_text(certificate.expires_at)),
    ]
    for label, value in rows:
        pdf.set_font("BeVietnam", "B", 10)
        pdf.cell(70, 7, label)
        pdf.set_font("BeVietnam", "", 10)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("BeVietnam", "B", 10)
    for header, width in (("Mũi / Dose", 22), ("Vắc xin / Vaccine", 55), ("Lô / Lot", 30), ("Ngày / Date", 28),
                          ("Nơi tiêm / Place", 55)):
        pdf.cell(width, 7, header, border=1)
    pdf.ln()
    pdf.set_font("BeVietnam", "", 9)
    for dose in doses:
        pdf.cell(22, 7, str(dose["number"]), border=1)
        pdf.cell(55, 7, dose["vaccine"][:32], border=1)
        pdf.cell(30, 7, dose["lot"][:16], border=1)
        pdf.cell(28, 7, dose["date"], border=1)
        pdf.cell(55, 7, "Tự khai báo / Declared" if dose.get("declared") else dose["place"][:34], border=1)
        pdf.ln()
    pdf.ln(6)
    pdf.image(BytesIO(qr_png(certificate.qr_text, box_size=4)), x=(210 - 70) / 2, w=70)
    pdf.ln(2)
    pdf.set_font("BeVietnam", "", 8)
    pdf.multi_cell(0, 5, "Mã QR được ký số theo chuẩn Chứng nhận COVID số của EU; kiểm tra tại trang xác thực "
                         "chứng nhận. / The QR is digitally signed in the EU Digital COVID Certificate format.",
                   align="C")
    return bytes(pdf.output())
