from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import HealthDeclaration, Person
from registry.models import Facility, Vaccine

from .registrations import Registration
from .sessions import Appointment, Session
from .stock import Lot


class Visit(models.Model):
    """A person's passage through the 4 steps at a site on one day: check-in, screening, injection, observation."""

    class Step(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        SCREENED = "screened", _("Screened, eligible")
        DEFERRED = "deferred", _("Postponed")
        REFERRED = "referred", _("Referred to hospital")
        OBSERVING = "observing", _("Under observation")
        DONE = "done", _("Done")

    # from → allowed next steps; the site's services (services/visit_steps.py, dose_record) refuse anything else.
    TRANSITIONS = {
        Step.CHECKED_IN: {Step.SCREENED, Step.DEFERRED, Step.REFERRED},
        Step.SCREENED: {Step.OBSERVING},
        Step.OBSERVING: {Step.DONE},
        Step.DEFERRED: set(),
        Step.REFERRED: set(),
        Step.DONE: set(),
    }

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="visits")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="visits")
    appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    declaration = models.ForeignKey(HealthDeclaration, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.CHECKED_IN)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    # Screening (step 2)
    checklist_version = models.CharField(_("checklist"), max_length=60, blank=True)
    answers = models.JSONField(_("screening answers"), default=dict, blank=True)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=4, decimal_places=1, null=True, blank=True)
    pulse = models.PositiveSmallIntegerField(_("pulse (per minute)"), null=True, blank=True)
    systolic = models.PositiveSmallIntegerField(_("blood pressure, systolic"), null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(_("blood pressure, diastolic"), null=True, blank=True)
    postpone_until = models.DateField(_("postpone until"), null=True, blank=True)
    refer_reason = models.CharField(_("reason for referral"), max_length=300, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Observation (step 4)
    observe_until = models.DateTimeField(_("observe until"), null=True, blank=True)
    observation_note = models.CharField(_("observation"), max_length=500, blank=True)
    observed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["checked_in_at", "pk"]
        indexes = [models.Index(fields=["site", "checked_in_at"], name="visit_site_day_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.site} ({self.get_step_display()})"


class Dose(models.Model):
    """The canonical fact: a person received dose n of a vaccine from a lot, at a site, at a time."""

    class Source(models.TextChoices):
        LIVE = "live", _("Recorded at the site")
        IMPORT = "import", _("Imported from an offline record")
        CORRECTION = "correction", _("Added by a correction")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="doses")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="doses")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="doses")
    site = models.ForeignKey(Facility, verbose_name=_("vaccination site"), on_delete=models.PROTECT,
                             related_name="doses")
    vaccine = models.ForeignKey(Vaccine, verbose_name=_("vaccine"), on_delete=models.PROTECT)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="doses")
    dose_number = models.PositiveSmallIntegerField(_("dose number"))
    given_at = models.DateTimeField(_("given at"), db_index=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    # Unique through DoseClaim (a partitioned table cannot hold a unique index without its partition key).
    idempotency_key = models.CharField(max_length=80)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.LIVE)
    voided = models.BooleanField(_("voided"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The site confirms the record before a certificate is signed (Decision 5772/QĐ-BYT).
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("dose")
        verbose_name_plural = _("doses")
        ordering = ["person", "dose_number"]
        # One dose per (person, dose number) and per request key are DoseClaim's constraints, over every month.
        permissions = [("record_dose", "Can record doses at a site"),
                       ("correct_dose", "Can correct dose records and personal details")]

    def __str__(self) -> str:
        return f"{self.person} · {self.vaccine} #{self.dose_number}"


class DoseClaim(models.Model):
    """The rules that span every dose ever recorded: one dose per request key, one valid dose per (person, dose
    number). On PostgreSQL the dose table is partitioned by month of `given_at`, and a unique index there would
    have to include it, i.e. hold per month only; this plain table holds them for all months. It is written in the
    same transaction as the dose (vaccination/services/dose_recording.py) and follows its corrections and voids
    (services/reactions.py), so it always mirrors the dose's person, number, voided flag, time and vaccine.

    The time and vaccine are there for the rules too: the dose transaction and a registration read a person's
    doses from here, in one index, instead of from every monthly partition (which a person's doses span)."""

    # No database foreign key: PostgreSQL cannot reference a partitioned table without its partition key. The
    # services write both rows together; deleting a dose through Django deletes its claim.
    dose = models.OneToOneField(Dose, primary_key=True, on_delete=models.CASCADE, db_constraint=False,
                                related_name="claim")
    # The dose row carries the foreign key to the person; this copy only serves the constraint (and its index).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, db_constraint=False, db_index=False,
                               related_name="+")
    dose_number = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=80)
    voided = models.BooleanField(default=False)
    given_at = models.DateTimeField()
    vaccine = models.ForeignKey(Vaccine, on_delete=models.PROTECT, db_constraint=False, db_index=False,
                                related_name="+")

    class Meta:
        constraints = [
            # A constraint rather than unique=True: no second (LIKE) index to keep up on every dose.
            models.UniqueConstraint(fields=["idempotency_key"], name="one_dose_per_request_key"),
            models.UniqueConstraint(fields=["person", "dose_number"], condition=Q(voided=False),
                                    name="one_dose_per_number"),
        ]


class Reaction(models.Model):
    """A reaction after vaccination ("phản ứng sau tiêm"), reported by the citizen or seen by the site."""

    class Severity(models.TextChoices):
        MILD = "mild", _("Mild")
        MODERATE = "moderate", _("Moderate")
        SEVERE = "severe", _("Severe")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CONTACTED = "contacted", _("Contacted")
        CLOSED = "closed", _("Closed")

    # from → allowed next states (staying in a state adds a note); reaction_follow_up refuses anything else.
    TRANSITIONS = {
        Status.NEW: {Status.ACKNOWLEDGED, Status.CONTACTED, Status.CLOSED},
        Status.ACKNOWLEDGED: {Status.ACKNOWLEDGED, Status.CONTACTED, Status.CLOSED},
        Status.CONTACTED: {Status.CONTACTED, Status.CLOSED},
        Status.CLOSED: set(),
    }

    class Symptom(models.TextChoices):
        INJECTION_SITE = "injection_site", _("Pain, swelling or redness where injected")
        FEVER = "fever", _("Fever")
        HEADACHE = "headache", _("Headache")
        TIREDNESS = "tiredness", _("Tiredness")
        MUSCLE_PAIN = "muscle_pain", _("Muscle or joint pain")
        NAUSEA = "nausea", _("Nausea or vomiting")
        RASH = "rash", _("Rash or itching")
        BREATHING = "breathing", _("Difficulty breathing")
        CHEST_PAIN = "chest_pain", _("Chest pain or palpitations")
        FAINTING = "fainting", _("Fainting or dizziness")

    # No database foreign key: the dose table is partitioned (see DoseClaim); Django still refuses to delete a
    # dose with reactions (PROTECT), and reactions are only recorded for a dose read in the same transaction.
    dose = models.ForeignKey(Dose, verbose_name=_("dose"), on_delete=models.PROTECT, db_constraint=False,
                             related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reactions")
    site = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="reactions")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    onset_at = models.DateTimeField(_("started at"))
    symptoms = models.JSONField(_("symptoms"), default=list)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("description"), blank=True)
    serious = models.BooleanField(_("serious"), default=False, db_index=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reaction after vaccination")
        verbose_name_plural = _("reactions after vaccination")
        ordering = ["-serious", "-created_at", "-pk"]

    @property
    def symptom_labels(self) -> list[str]:
        labels = dict(self.Symptom.choices)
        return [str(labels[code]) for code in self.symptoms if code in labels]


class ReactionNote(models.Model):
    reaction = models.ForeignKey(Reaction, on_delete=models.CASCADE, related_name="notes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    status = models.CharField(max_length=14, choices=Reaction.Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class HelpRequest(models.Model):
    """The response center: a citizen asks for help or a correction; the responsible facility answers."""

    class Kind(models.TextChoices):
        MISSING_DOSE = "missing_dose", _("A dose I received is missing")
        WRONG_DETAILS = "wrong_details", _("My details are wrong")
        OTHER = "other", _("Other question")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # from → allowed next states (an answered request may be answered again before it closes); help_request_answer
    # refuses anything else, so a closed request is never answered, nor its person told, twice.
    TRANSITIONS = {
        Status.OPEN: {Status.ANSWERED, Status.CLOSED},
        Status.ANSWERED: {Status.ANSWERED, Status.CLOSED},
        Status.CLOSED: set(),
    }

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="help_requests")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what is it about"), max_length=14, choices=Kind.choices)
    message = models.TextField(_("message"))
    facility = models.ForeignKey(Facility, verbose_name=_("handled by"), on_delete=models.PROTECT,
                                 related_name="help_requests")
    # For a missing dose: what the person remembers.
    dose_date = models.DateField(_("date of the dose"), null=True, blank=True)
    dose_vaccine = models.ForeignKey(Vaccine, verbose_name=_("vaccine"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["status", "created_at", "pk"]
