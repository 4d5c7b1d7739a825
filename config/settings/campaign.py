"""Settings of the campaign: vaccination rules, stock, the health book's links and the reporting targets. Read from
the environment; imported by base.py."""
from django.utils.translation import gettext_lazy as _

from .env import env_int, env_str

# Vaccination: the booster interval after a completed primary series (Ministry of Health: at least 3 months),
# and how many registrations a bulk action changes per locked chunk.
BOOSTER_MIN_INTERVAL_DAYS = env_int("BOOSTER_MIN_INTERVAL_DAYS", 90)
BULK_CHUNK_SIZE = env_int("BULK_CHUNK_SIZE", 5000)
# Lots expiring within this many days are flagged on stock pages.
STOCK_EXPIRY_WARNING_DAYS = env_int("STOCK_EXPIRY_WARNING_DAYS", 30)
# Links that other apps add to a person's health book (the citizens app knows nothing of campaigns).
HEALTH_BOOK_LINKS = [
    ("vaccination:person_vaccinations", _("My vaccinations")),
    ("certificates:person_certificate", _("Vaccination certificate")),
]
# Sections other apps add to a person's "My vaccinations" page (templates given `person`).
VACCINATION_PAGE_SECTIONS = ["certificates/partials/person_certificate.html"]
# Minutes a person stays under observation after a dose (step 4 of the Ministry of Health's process).
OBSERVATION_MINUTES = env_int("OBSERVATION_MINUTES", 30)
# Console forms (D): the most doses one stock movement (receipt, transfer, adjustment, end-of-session wastage) may
# carry; a larger figure is a typing error, refused on the form before it can reach the ledger's integer columns.
STOCK_MOVEMENT_MAX_DOSES = env_int("STOCK_MOVEMENT_MAX_DOSES", 10_000_000)
# Reporting: the campaign target, and the share of the population aged 18 and over used for adult coverage
# (2019 census: roughly 72 %; set it to the figure your statistics office publishes).
CAMPAIGN_TARGET_DOSES = env_int("CAMPAIGN_TARGET_DOSES", 150_000_000)
ADULT_POPULATION_SHARE = float(env_str("ADULT_POPULATION_SHARE", "0.72"))
