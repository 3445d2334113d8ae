"""Project ideas of hromadas, held as complete project fiches (domain.md 3.3) and taken from idea to
completion through a lifecycle aligned with DREAM and OC4IDS (domain.md 10.4, projects/lifecycle.py).

Money is stored exactly (Decimal) with its currency; conversions use dated exchange rates entered or
imported by a coordinator (ExchangeRate), never a live rate. The funding gap and the local
co-financing share are computed (projects/money.py), never typed in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vidnova.core.models import TimeStampedModel, VersionedModel
from vidnova.programmes.models import TranslatedNameMixin

AMOUNT: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
edrpou_validator = RegexValidator(r"^\d{8}$", _("An EDRPOU code has 8 digits."))


class Currency(models.TextChoices):
    """The currencies DREAM accepts."""

    UAH = "UAH", _("hryvnia (UAH)")
    EUR = "EUR", _("euro (EUR)")
    USD = "USD", _("US dollar (USD)")


class ProjectState(models.TextChoices):
    IDEA = "idea", _("idea")
    CONCEPT = "concept", _("concept")
    APPRAISAL = "appraisal", _("appraisal")
    STRUCTURING = "structuring", _("structuring of financing")
    APPLIED = "applied", _("applied for funding")
    APPROVED = "approved", _("approved for funding")
    REFUSED = "refused", _("refused")
    IMPLEMENTATION = "implementation", _("implementation")
    COMPLETION = "completion", _("completion")
    EX_POST_EVALUATED = "ex_post_evaluated", _("evaluated ex post")
    CANCELLED = "cancelled", _("cancelled")


class Purpose(models.TextChoices):
    RESTORATION = "restoration", _("restoration")
    DEVELOPMENT = "development", _("development")


class Readiness(models.IntegerChoices):
    """domain.md 5.2, anchored to DREAM statusDetails and object phases."""

    IDEA = 0, _("0 — idea")
    CONCEPT = 1, _("1 — concept")
    APPRAISED = 2, _("2 — appraised")
    STRUCTURED = 3, _("3 — financing structured")
    DESIGN = 4, _("4 — design documents and expertise")
    APPROVED = 5, _("5 — applied or approved for funding")
    IMPLEMENTATION = 6, _("6 — implementation")


class Project(VersionedModel):
    """A project idea and its fiche. Text fields come in Ukrainian and English (DREAM is bilingual)."""

    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.PROTECT, related_name="projects"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("recovery plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    plan_tasks = models.ManyToManyField(
        "plans.GoalNode", verbose_name=_("plan tasks served"), blank=True, related_name="projects"
    )
    # Assessment dimensions (names in the round's instrument) whose gaps the project addresses.
    assessment_dimensions = models.JSONField(_("assessment gaps addressed"), default=list, blank=True)
    code = models.CharField(_("project code"), max_length=40, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=ProjectState.choices, default=ProjectState.IDEA)

    title_uk = models.CharField(_("title (Ukrainian)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    problem_uk = models.TextField(_("problem (Ukrainian)"), blank=True)
    problem_en = models.TextField(_("problem (English)"), blank=True)
    objective_uk = models.TextField(_("objective (Ukrainian)"), blank=True)
    objective_en = models.TextField(_("objective (English)"), blank=True)
    outputs_uk = models.TextField(_("outputs (Ukrainian)"), blank=True)
    outputs_en = models.TextField(_("outputs (English)"), blank=True)
    results_uk = models.TextField(_("expected results (Ukrainian)"), blank=True)
    results_en = models.TextField(_("expected results (English)"), blank=True)
    sustainability_uk = models.TextField(_("sustainability, operation and maintenance (Ukrainian)"), blank=True)
    sustainability_en = models.TextField(_("sustainability, operation and maintenance (English)"), blank=True)

    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.RESTORATION)
    project_type = models.CharField(_("project type (OC4IDS)"), max_length=30, blank=True)
    sectors = models.JSONField(_("sectors (OC4IDS)"), default=list, blank=True)
    purpose_codes = models.JSONField(_("DAC-CRS purpose codes"), default=list, blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    acquis_chapters = models.JSONField(_("EU acquis chapters"), default=list, blank=True)
    policy_markers = models.JSONField(_("policy markers"), default=dict, blank=True)  # {"10": 2, "1": 1}
    bbb_features = models.JSONField(_("build-back-better features"), default=list, blank=True)
    readiness = models.PositiveSmallIntegerField(_("readiness"), choices=Readiness.choices, default=Readiness.IDEA)

    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    cost = models.DecimalField(_("total cost"), null=True, blank=True, validators=[MinValueValidator(0)], **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.UAH)

    beneficiaries_direct = models.PositiveIntegerField(_("direct beneficiaries"), null=True, blank=True)
    beneficiaries_indirect = models.PositiveIntegerField(_("indirect beneficiaries"), null=True, blank=True)
    # {"women": n, "men": n, "girls": n, "boys": n, "idps": n, "veterans": n, "disabilities": n}
    beneficiary_groups = models.JSONField(_("direct beneficiaries by group"), default=dict, blank=True)

    # Shelters and critical infrastructure: exact locations never leave the platform's private pages.
    is_sensitive = models.BooleanField(_("sensitive site"), default=False)
    seeks_partner_expertise = models.BooleanField(_("seeks partner expertise"), default=False)
    dream_id = models.CharField(_("DREAM project identifier"), max_length=100, blank=True)
    prozorro_ids = models.JSONField(_("Prozorro tender identifiers"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")
        ordering = ["hromada__name_sort", "code"]
        indexes = [
            models.Index(fields=["state"], name="project_state_idx"),
            models.Index(fields=["readiness"], name="project_readiness_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(readiness__gte=0, readiness__lte=6), name="project_readiness_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_uk}"


class ProjectLocation(models.Model):
    """Where the project is: a KATOTTG unit down to settlement level, optionally with coordinates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    katottg = models.CharField(_("KATOTTG code"), max_length=19)
    name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.CharField(_("address or description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("project location")
        verbose_name_plural = _("project locations")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.name or self.katottg


class BudgetLine(models.Model):
    """A line of the budget breakdown by DREAM cost item."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    cost_item = models.CharField(_("cost item (DREAM)"), max_length=30)
    cost_type = models.CharField(
        _("cost type"), max_length=5, choices=[("capex", _("capital (capex)")), ("opex", _("operating (opex)"))]
    )
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.cost_item}: {self.amount} {self.currency}"


class FinancingStatus(models.TextChoices):
    IDENTIFIED = "identified", _("identified")
    REQUESTED = "requested", _("requested")
    PLEDGED = "pledged", _("pledged")
    COMMITTED = "committed", _("committed")
    DISBURSED = "disbursed", _("disbursed")


class FinancingLine(models.Model):
    """A source of financing by DREAM finance type and category, with its status."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="financing_lines")
    finance_type = models.CharField(_("finance type (DREAM)"), max_length=30)
    finance_category = models.CharField(_("finance category (DREAM)"), max_length=30)
    funder = models.CharField(_("funder"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=FinancingStatus.choices, default=FinancingStatus.IDENTIFIED
    )

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        ordering = ["project", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="financing_line_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.finance_category}: {self.amount} {self.currency}"


class Risk(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mitigation = models.TextField(_("mitigation"), blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ProjectParty(models.Model):
    """An organisation with a role in the project (DREAM parties.roles), identified by EDRPOU."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=30)
    name = models.CharField(_("name"), max_length=300)
    edrpou = models.CharField(_("EDRPOU code"), max_length=8, blank=True, validators=[edrpou_validator])

    class Meta:
        verbose_name = _("project party")
        verbose_name_plural = _("project parties")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class ProjectDocument(TimeStampedModel):
    """A document typed by DREAM documentType: a file (checked by content) or a link."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(_("document type (DREAM)"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="projects/documents/%Y/%m/", blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.title


class ProjectTransition(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=ProjectState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ProjectState.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["project", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_state} → {self.to_state}"


class ExchangeRate(TimeStampedModel):
    """The official rate of a currency in hryvnias on a date (for example the NBU rate), entered or
    imported by a coordinator. Conversions use the latest rate on or before the date asked."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    valid_on = models.DateField(_("date"))
    uah_per_unit = models.DecimalField(
        _("hryvnias per unit"), max_digits=12, decimal_places=6, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="exchange_rate_unique"),
            models.CheckConstraint(condition=Q(uah_per_unit__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_on}: {self.uah_per_unit}"


# --- prioritisation ------------------------------------------------------------------------------


class Pillar(models.TextChoices):
    SOC_ENV = "soc_env", _("socio-environmental")
    FIN_ECO = "fin_eco", _("financial-economic")
    GOV = "gov", _("governance")


class PrioritisationStatus(models.TextChoices):
    DRAFT = "draft", _("draft: criteria can change")
    PUBLISHED = "published", _("criteria published and locked; scoring")
    CLOSED = "closed", _("closed")


class PrioritisationRound(TranslatedNameMixin, VersionedModel):
    """A round that ranks project ideas by published criteria (domain.md 5.4)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="prioritisation_rounds"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PrioritisationStatus.choices, default=PrioritisationStatus.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="prioritisation_rounds"
    )
    # Gates: security status, minimum local co-financing share, design documents for construction,
    # no duplicate in DREAM. {"security": true, "min_cofinancing": "10", "design_for_construction": true, "dream_duplicates": true}
    gates = models.JSONField(_("gates"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("prioritisation round")
        verbose_name_plural = _("prioritisation rounds")
        ordering = ["-created_at", "-pk"]


class PriorityCriterion(TranslatedNameMixin, models.Model):
    round = models.ForeignKey(PrioritisationRound, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=50)
    pillar = models.CharField(_("pillar"), max_length=10, choices=Pillar.choices)
    description = models.TextField(_("what is scored"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("prioritisation criterion")
        verbose_name_plural = _("prioritisation criteria")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="priority_criterion_code_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="priority_criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Scorer(TimeStampedModel):
    """A person scoring in a round, with the projects they declared a conflict of interest on."""

    round = models.ForeignKey(PrioritisationRound, on_delete=models.CASCADE, related_name="scorers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conflicts = models.ManyToManyField(Project, verbose_name=_("conflicts of interest"), blank=True, related_name="+")
    conflict_note = models.TextField(_("conflict of interest declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)

    class Meta:
        verbose_name = _("scorer")
        verbose_name_plural = _("scorers")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="scorer_unique")]

    def __str__(self) -> str:
        return f"{self.round}: {self.user}"


class PriorityScore(TimeStampedModel):
    scorer = models.ForeignKey(Scorer, on_delete=models.CASCADE, related_name="scores")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(PriorityCriterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("priority score")
        verbose_name_plural = _("priority scores")
        constraints = [models.UniqueConstraint(fields=["scorer", "project", "criterion"], name="priority_score_unique")]

    def __str__(self) -> str:
        return f"{self.scorer}: {self.project} {self.criterion} = {self.value}"
