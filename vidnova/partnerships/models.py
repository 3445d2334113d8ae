"""Dutch–Ukrainian partnerships: expertise offers, hromada needs, match runs and partnership records.

* ``Theme`` is the one taxonomy shared by offers, needs and partnerships. Each theme belongs to one of
  the programme's three fields and names the assessment dimensions whose gaps it answers, so a weak
  dimension in a validated assessment becomes a need for its themes (see selectors/needs.py).
* ``ExpertiseOffer`` is what a partner organisation lends: themes, modes, capacity (hromadas at once)
  and an availability period. Partner experts keep their own organisation's offers.
* ``Need`` holds only the needs typed by hand; needs from assessments and project ideas are derived
  when read, so they never go stale.
* A ``MatchRun`` scores every (hromada, offer) pair, solves the assignment under the offers' places
  and the coordinator's ``PairConstraint`` locks and rule-outs, and stores ``MatchSuggestion`` rows
  (with their explanation) and ``UnmatchedHromada`` rows (with the reasons) in one transaction.
* Accepting a suggestion creates a ``Partnership``: hromada, partners, themes, agreements (documents
  with signatories), status proposed → agreed → active → closed, and an activity log with
  participants by gender and role and follow-up actions tracked to done.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vidnova.core.models import TimeStampedModel, VersionedModel
from vidnova.programmes.models import TranslatedNameMixin

# Working languages people can name for themselves (ISO 639-1). Labels come from Django's own
# translated language names (get_language_info), so they read right in every interface language.
WORKING_LANGUAGES = (
    "uk",
    "en",
    "nl",
    "pl",
    "de",
    "fr",
    "lt",
    "lv",
    "et",
    "cs",
    "sk",
    "ro",
    "sv",
    "da",
    "fi",
    "es",
    "it",
)
MAX_OFFER_CAPACITY = 50


class Theme(TranslatedNameMixin, TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    field = models.PositiveSmallIntegerField(
        _("field"), validators=[MinValueValidator(1), MaxValueValidator(3)], help_text=_("1, 2 or 3")
    )
    # Names of assessment dimensions (groups of the instrument) whose gaps this theme answers.
    dimensions = models.JSONField(_("assessment dimensions"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["field", "sort_order", "code"]


class OfferMode(models.TextChoices):
    PEER_EXCHANGE = "peer_exchange", _("peer exchange")
    STUDY_VISIT = "study_visit", _("study visit to the partner's country")
    REMOTE_COACHING = "remote_coaching", _("remote coaching")
    EXPERT_MISSION = "expert_mission", _("expert mission to the hromada")
    EQUIPMENT_DONATION = "equipment_donation", _("equipment donation")


# Modes that send partner staff into the hromada: not possible where hostilities are active or the
# territory is occupied (the hromada's security status on the run's start date).
MODES_IN_HROMADA = frozenset({OfferMode.EXPERT_MISSION.value})


class OfferStatus(models.TextChoices):
    ACTIVE = "active", _("open")
    PAUSED = "paused", _("paused")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PartnerContact(VersionedModel):
    """A contact person of a partner organisation (private to the programme's insiders)."""

    organisation = models.ForeignKey(
        "programmes.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list)
    is_primary = models.BooleanField(_("main contact"), default=False)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["organisation", "-is_primary", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class ExpertiseOffer(VersionedModel):
    organisation = models.ForeignKey(
        "programmes.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="offers"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The language the title and description are written in (partners write in their own).
    text_language = models.CharField(_("language of the text"), max_length=5, default="en")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="offers")
    modes = models.JSONField(_("modes"), default=list)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (hromadas at once)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_CAPACITY)]
    )
    languages = models.JSONField(_("working languages"), default=list)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("expertise offer")
        verbose_name_plural = _("expertise offers")
        ordering = ["organisation", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True) | Q(available_until__gte=models.F("available_from")),
                name="offer_available_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_available_on(self, day: datetime.date) -> bool:
        return self.available_from <= day and (self.available_until is None or day <= self.available_until)


class NeedSeverity(models.IntegerChoices):
    LOW = 1, pgettext_lazy("need severity", "low")
    MEDIUM = 2, pgettext_lazy("need severity", "medium")
    HIGH = 3, pgettext_lazy("need severity", "high")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need", "open")
    ADDRESSED = "addressed", _("addressed")
    WITHDRAWN = "withdrawn", pgettext_lazy("need", "withdrawn")


class Need(VersionedModel):
    """A need typed by hand (derived needs are computed when read, see selectors/needs.py)."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="partner_needs"
    )
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.PROTECT, related_name="partner_needs"
    )
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="needs")
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=NeedSeverity.choices, default=NeedSeverity.MEDIUM
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["hromada", "theme", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "hromada", "theme"],
                condition=Q(status="open"),
                name="need_open_theme_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hromada}: {self.theme}"


class HromadaPartnerProfile(VersionedModel):
    """What a hromada says about looking for partners in a programme: whether it seeks one at all,
    the languages its team works in and the modes it prefers (empty: any)."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.CASCADE, related_name="partner_profiles"
    )
    seeks_partner = models.BooleanField(_("looking for a partner"), default=True)
    languages = models.JSONField(_("working languages of the team"), default=list)
    preferred_modes = models.JSONField(_("preferred modes"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("partner search profile")
        verbose_name_plural = _("partner search profiles")
        constraints = [models.UniqueConstraint(fields=["programme", "hromada"], name="partner_profile_unique")]

    def __str__(self) -> str:
        return str(self.hromada)


# --- matching ------------------------------------------------------------------------------------


class ConstraintKind(models.TextChoices):
    LOCK = "lock", _("locked in")
    RULE_OUT = "rule_out", _("ruled out")


class PairConstraint(TimeStampedModel):
    """A coordinator's decision about one (hromada, offer) pair that every later run respects."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+"
    )
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.CASCADE, related_name="+"
    )
    offer = models.ForeignKey(
        ExpertiseOffer, verbose_name=_("expertise offer"), on_delete=models.CASCADE, related_name="constraints"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ConstraintKind.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pair constraint")
        verbose_name_plural = _("pair constraints")
        ordering = ["programme", "hromada", "offer"]
        constraints = [models.UniqueConstraint(fields=["programme", "hromada", "offer"], name="pair_constraint_unique")]

    def __str__(self) -> str:
        return f"{self.hromada} – {self.offer}: {self.get_kind_display()}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class MatchRun(TimeStampedModel):
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="match_runs"
    )
    # None: every hromada taking part in any phase of the programme.
    phase = models.ForeignKey(
        "programmes.Phase", verbose_name=_("phase"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Offers must be available on this day; the hromadas' security status is read on it.
    starts_on = models.DateField(_("partnerships would start on"))
    weight_theme = models.PositiveSmallIntegerField(_("weight: theme fit"), default=60)
    weight_mode = models.PositiveSmallIntegerField(_("weight: modes"), default=10)
    weight_language = models.PositiveSmallIntegerField(_("weight: languages"), default=10)
    weight_ties = models.PositiveSmallIntegerField(_("weight: existing ties"), default=10)
    weight_size = models.PositiveSmallIntegerField(_("weight: similar size"), default=10)
    fairness_weight = models.PositiveSmallIntegerField(_("fairness weight"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    # Counts, totals and the fairness tables with and without the fairness weight (see matching/).
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The constraints and input sizes the run used, for the record.
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class Decision(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class MatchSuggestion(models.Model):
    run = models.ForeignKey(MatchRun, verbose_name=_("match run"), on_delete=models.CASCADE, related_name="suggestions")
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.CASCADE, related_name="+"
    )
    offer = models.ForeignKey(
        ExpertiseOffer, verbose_name=_("expertise offer"), on_delete=models.CASCADE, related_name="suggestions"
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    # [{"code": "theme", "value": 0.78, "points": 46.8, "facts": {...}}, ...]: rendered in the reader's
    # language by matching/explain.py.
    components = models.JSONField(_("score components"), default=list)
    locked = models.BooleanField(_("locked in by a coordinator"), default=False)
    places_left = models.PositiveSmallIntegerField(_("places left on the offer after this match"), default=0)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.CharField(_("note on the decision"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggested match")
        verbose_name_plural = _("suggested matches")
        ordering = ["run", "-score", "hromada_id", "offer_id"]
        constraints = [models.UniqueConstraint(fields=["run", "hromada", "offer"], name="suggestion_pair_unique")]

    def __str__(self) -> str:
        return f"{self.hromada} – {self.offer}"


class UnmatchedHromada(models.Model):
    run = models.ForeignKey(MatchRun, verbose_name=_("match run"), on_delete=models.CASCADE, related_name="unmatched")
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.CASCADE, related_name="+"
    )
    # [{"code": "no_theme", "facts": {...}}, ...] rendered by matching/explain.py.
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        verbose_name = _("unmatched hromada")
        verbose_name_plural = _("unmatched hromadas")
        ordering = ["run", "hromada_id"]
        constraints = [models.UniqueConstraint(fields=["run", "hromada"], name="unmatched_hromada_unique")]

    def __str__(self) -> str:
        return str(self.hromada)


# --- partnerships --------------------------------------------------------------------------------


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("partnership", "proposed")
    AGREED = "agreed", pgettext_lazy("partnership", "agreed")
    ACTIVE = "active", pgettext_lazy("partnership", "active")
    CLOSED = "closed", pgettext_lazy("partnership", "closed")


class Partnership(VersionedModel):
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="partnerships"
    )
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.PROTECT, related_name="partnerships"
    )
    partners = models.ManyToManyField(
        "programmes.Organisation", verbose_name=_("partners"), through="PartnershipPartner", related_name="partnerships"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="partnerships")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.PROPOSED
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # Where it came from: the offer it takes places on (a place is taken while it is not closed).
    offer = models.ForeignKey(
        ExpertiseOffer,
        verbose_name=_("expertise offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnerships",
    )
    suggestion = models.OneToOneField(
        MatchSuggestion,
        verbose_name=_("suggested match"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnership",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="partnership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partnerships:partnership-detail", kwargs={"partnership_id": self.pk})


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("lead partner")
    PARTNER = "partner", _("partner")
    SUPPORTING = "supporting", _("supporting partner")


class PartnershipPartner(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "programmes.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=PartnerRole.choices, default=PartnerRole.PARTNER)

    class Meta:
        verbose_name = _("partner in a partnership")
        verbose_name_plural = _("partners in partnerships")
        ordering = ["partnership", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="partnership_partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.organisation}"


class PartnershipTransition(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=10, choices=PartnershipStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=PartnershipStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("partnership status change")
        verbose_name_plural = _("partnership status changes")
        ordering = ["partnership", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.from_status} → {self.to_status}"


class AgreementKind(models.TextChoices):
    TRIPARTITE_MEMORANDUM = "tripartite_memorandum", _("tripartite memorandum (association, agency, hromada)")
    MUNICIPAL_AGREEMENT = "municipal_agreement", _("municipal partnership agreement")
    OTHER = "other", _("other agreement")


class Agreement(TimeStampedModel):
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("document"), upload_to="partnerships/agreements/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["partnership", "signed_on", "pk"]

    def __str__(self) -> str:
        return self.title


class AgreementSignatory(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organisation_name = models.CharField(_("on behalf of"), max_length=300)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agreement", "pk"]

    def __str__(self) -> str:
        return self.full_name


class ActivityKind(models.TextChoices):
    VISIT_TO_HROMADA = "visit_to_hromada", _("visit to the hromada")
    VISIT_TO_PARTNER = "visit_to_partner", _("visit to the partner")
    CALL = "call", _("call or online meeting")
    EXPERT_MISSION = "expert_mission", _("expert mission")
    STUDY_VISIT = "study_visit", _("study visit")
    DONATION = "donation", _("donation")
    WORKSHOP = "workshop", _("workshop or training")
    OTHER = "other", _("other")


class Activity(VersionedModel):
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["partnership", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    HROMADA_STAFF = "hromada_staff", _("hromada staff")
    ELECTED = "elected", _("elected officials")
    PARTNER_EXPERTS = "partner_experts", _("partner experts")
    RESIDENTS = "residents", _("residents")
    OTHER = "other", _("others")


class ActivityParticipants(models.Model):
    """Head counts of one role at an activity, by gender (as the results framework reports them)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    not_stated = models.PositiveIntegerField(_("gender not stated"), default=0)

    class Meta:
        verbose_name = _("participants")
        verbose_name_plural = _("participants")
        ordering = ["activity", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "role"], name="activity_participants_role_unique")]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_role_display()}"

    @property
    def total(self) -> int:
        return self.women + self.men + self.not_stated


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up", "open")
    DONE = "done", pgettext_lazy("follow-up", "done")


class FollowUp(VersionedModel):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("action"), max_length=500)
    responsible = models.CharField(_("who"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["activity", "status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description
