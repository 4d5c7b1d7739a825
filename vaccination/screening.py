"""The Ministry of Health's pre-vaccination screening checklist for COVID-19 vaccines, adults (18 and over).

Source: Bộ Y tế, Quyết định 5785/QĐ-BYT ngày 21/12/2021, "Hướng dẫn tạm thời khám sàng lọc trước tiêm chủng
vắc xin phòng COVID-19 dành cho người từ 18 tuổi trở lên" (which replaced 3802/QĐ-BYT of 10/8/2021).
Each answer "yes" points to a group: contraindicated, postpone, or vaccinate with caution (closer watch,
or at a hospital). The outcome is the screening doctor's; the service only refuses "eligible" when a
contraindication was ticked.
"""
from django.utils.translation import gettext_lazy as _

CHECKLIST_VERSION = "5785/QĐ-BYT (21/12/2021)"

CONTRAINDICATED, POSTPONE, CAUTION = "contraindicated", "postpone", "caution"

ITEMS = [
    ("anaphylaxis", CONTRAINDICATED,
     _("Anaphylaxis of grade 2 or more after an earlier dose of a COVID-19 vaccine or to one of its ingredients")),
    ("acute_illness", POSTPONE, _("An acute illness, or a chronic disease that is getting worse")),
    ("recent_covid", POSTPONE, _("Had COVID-19 recently (within the interval the current guidance sets)")),
    ("immunosuppressed", POSTPONE,
     _("Severe immunodeficiency, or late-stage cancer under chemotherapy or radiotherapy")),
    ("pregnant_early", POSTPONE, _("Pregnant, less than 13 weeks")),
    ("allergy_other", CAUTION, _("History of allergy to anything else")),
    ("chronic_disease", CAUTION, _("Underlying or chronic disease")),
    ("coagulation", CAUTION, _("Low platelets and/or a clotting disorder, or taking anticoagulants")),
    ("consciousness", CAUTION, _("Impaired consciousness or behaviour")),
    ("pregnant_later", CAUTION, _("Pregnant, 13 weeks or more")),
]
ITEM_GROUPS = {code: group for code, group, _label in ITEMS}


def vital_signs_abnormal(*, temperature=None, pulse=None, systolic=None, diastolic=None, breaths=None) -> list[str]:
    """Which measured signs fall outside the guidance's normal range (a reason for caution)."""
    flags = []
    if temperature is not None and not 35.5 <= float(temperature) <= 37.5:
        flags.append("temperature")
    if pulse is not None and not 60 <= pulse <= 100:
        flags.append("pulse")
    if systolic is not None and not 90 <= systolic <= 140:
        flags.append("systolic")
    if diastolic is not None and not 60 <= diastolic <= 90:
        flags.append("diastolic")
    if breaths is not None and breaths > 25:
        flags.append("breaths")
    return flags
