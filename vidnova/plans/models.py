"""Recovery plans: the documents a hromada's working group writes, reviews, adopts and amends.

A plan (Plan) lives through versions (PlanVersion). Each version holds its own sections, goal tree
and principles checklist; an adopted version is frozen and an amendment starts the next version as
a copy. Every save of a section is kept as a SectionRevision, so nothing a person typed is lost.
See docs/plans.md for the model and the workflows.
"""

from __future__ import annotations

import copy
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova.core.models import TimeStampedModel, VersionedModel


class PlanType(models.TextChoices):
    LOCAL_RECOVERY_PLAN = "local_recovery_plan", _("Local Recovery Plan")
    COMPREHENSIVE_RECOVERY_PROGRAMME = "comprehensive_recovery_programme", _("comprehensive recovery programme")
    DEVELOPMENT_STRATEGY = "development_strategy", _("hromada development strategy")


class PlanState(models.TextChoices):
    """The states of all three workflows (vidnova.plans.workflow says which type uses which)."""

    # Local Recovery Plan (programme path, domain.md 10.3)
    SCOPING = "scoping", _("scoping")
    SITUATION_ANALYSIS = "situation_analysis", _("situation analysis")
    NEEDS_AND_PARTICIPATION = "needs_and_participation", _("needs and participation")
    VISION_GOALS = "vision_goals", _("vision and goals")
    PROJECT_IDEAS = "project_ideas", _("project ideas")
    PRIORITISATION = "prioritisation", _("prioritisation")
    DRAFT = "draft", _("draft")
    CONSULTATION = "consultation", _("consultation")
    ADOPTED = "adopted", _("adopted")
    MONITORED = "monitored", _("monitored")
    # Comprehensive recovery programme (CMU Resolution 1159)
    INITIATED = "initiated", _("initiated")
    WORKING_GROUP_FORMED = "working_group_formed", _("working group formed")
    PROPOSALS_COLLECTION = "proposals_collection", _("collection of proposals")
    BASELINE_DATA_ANALYSIS = "baseline_data_analysis", _("baseline data analysis")
    DRAFTING = "drafting", _("drafting")
    PUBLIC_DISCUSSION = "public_discussion", _("public discussion")
    AGREEMENT = "agreement", _("agreement")
    APPROVED = "approved", _("approved")
    REGISTERED = "registered", _("registered")
    IN_IMPLEMENTATION = "in_implementation", _("in implementation")
    # Hromada development strategy (Order 265 practice)
    ORGANISATION_ACT = "organisation_act", _("organisation act")
    WORKING_GROUP = "working_group", _("working group")
    ANALYSIS = "analysis", _("analysis and SWOT")
    GOAL_TREE = "goal_tree", _("goal tree")
    PROJECT_PROPOSALS = "project_proposals", _("project proposals")
    ACTION_PLAN = "action_plan", _("action plan")
    MONITORING = "monitoring", _("monitoring and evaluation")
    # Every type: an adopted plan being amended (its next version is in drafting)
    AMENDMENT = "amendment", _("amendment")


class PlanLanguage(models.TextChoices):
    UKRAINIAN = "uk", _("Ukrainian")
    ENGLISH = "en", _("English")


class Plan(VersionedModel):
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.PROTECT, related_name="plans"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("supporting programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The programme whose coordinators and partner experts review this plan."),
    )
    plan_type = models.CharField(_("type"), max_length=40, choices=PlanType.choices)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_uk = models.TextField(_("summary (Ukrainian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    starts_on = models.DateField(_("period start"))
    ends_on = models.DateField(_("period end"))
    original_language = models.CharField(
        _("language of origin"), max_length=2, choices=PlanLanguage.choices, default=PlanLanguage.UKRAINIAN
    )
    state = models.CharField(_("state"), max_length=40, choices=PlanState.choices)
    # The latest adopted version, shown on the public page; None until the first adoption. Kept here so
    # deciding whether a plan is public costs no query.
    public_version = models.ForeignKey(
        "PlanVersion",
        verbose_name=_("public version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["hromada__name_sort", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_period_ordered",
                violation_error_message=_("The period must end on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "uk")[:2] != "uk" and self.title_en:
            return self.title_en
        return self.title_uk


class HigherLevelDocumentType(models.TextChoices):
    STATE_REGIONAL_STRATEGY = "state_regional_strategy", _("State Strategy for Regional Development")
    REGIONAL_STRATEGY = "regional_strategy", _("regional development strategy")
    HROMADA_STRATEGY = "hromada_strategy", _("hromada development strategy")
    COMPREHENSIVE_RECOVERY_PROGRAMME = "comprehensive_recovery_programme", _("comprehensive recovery programme")
    SPATIAL_PLAN = "spatial_plan", _("comprehensive spatial development plan")
    OTHER = "other", _("other document")


class HigherLevelDocument(TimeStampedModel):
    """A document the plan must follow (domain.md 2.1 hierarchy). When that document is itself a plan
    in Vidnova, ``linked_plan`` points at it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="higher_level_documents")
    document_type = models.CharField(_("document type"), max_length=40, choices=HigherLevelDocumentType.choices)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("act or reference"), max_length=300, blank=True)
    url = models.URLField(_("link"), blank=True)
    linked_plan = models.ForeignKey(
        Plan, verbose_name=_("plan in Vidnova"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("higher-level document")
        verbose_name_plural = _("higher-level documents")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.title


class AdoptingBody(models.TextChoices):
    COUNCIL = "council", _("hromada council")
    MILITARY_ADMINISTRATION = "military_administration", _("head of the military administration")


class PlanVersion(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version number"))
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    # Public participation periods (the workflow's guards read them).
    proposals_starts_on = models.DateField(_("collection of proposals from"), null=True, blank=True)
    proposals_ends_on = models.DateField(_("collection of proposals until"), null=True, blank=True)
    consultation_starts_on = models.DateField(_("consultation from"), null=True, blank=True)
    consultation_ends_on = models.DateField(_("consultation until"), null=True, blank=True)
    # The adopting act; set together when the version is adopted, after which it is frozen.
    adopting_body = models.CharField(_("adopting body"), max_length=32, choices=AdoptingBody.choices, blank=True)
    act_number = models.CharField(_("act number"), max_length=100, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    act_document = models.FileField(_("signed act"), upload_to="plans/acts/%Y/", blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The plan's title, summary and period as they were adopted (DESCRIPTION_FIELDS): the plan itself
    # may be renamed or re-dated during a later amendment, the adopted document may not.
    adopted_description = models.JSONField(_("description as adopted"), default=dict, blank=True)
    # Comprehensive recovery programmes are entered in the Construction Activity Register (ЄДЕССБ).
    register_reference = models.CharField(_("construction register number"), max_length=100, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(adopted_at__isnull=True)
                | (models.Q(act_date__isnull=False) & ~models.Q(act_number="") & ~models.Q(adopting_body="")),
                name="plan_version_adoption_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – v{self.number}"

    @property
    def is_frozen(self) -> bool:
        """An adopted version never changes; amendments start a new version."""
        return self.adopted_at is not None

    def described_plan(self, plan: Plan | None = None) -> Plan:
        """The plan as this version describes it: for an adopted version, a copy of the plan carrying the
        title, summary and period as adopted; otherwise the plan as it is. For reading only."""
        plan = plan if plan is not None else self.plan
        if not self.adopted_description:
            return plan
        described = copy.copy(plan)
        for name in DESCRIPTION_FIELDS:
            if name in self.adopted_description:
                value = self.adopted_description[name]
                setattr(described, name, datetime.date.fromisoformat(value) if name in DATE_FIELDS else value)
        return described


# The parts of a plan's description that an adoption freezes (PlanVersion.adopted_description).
DESCRIPTION_FIELDS = ("title_uk", "title_en", "summary_uk", "summary_en", "summary_nl", "starts_on", "ends_on")
DATE_FIELDS = frozenset({"starts_on", "ends_on"})


def description_of(plan: Plan) -> dict[str, str]:
    """The plan's current description, ready to be kept as adopted."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else str(value)
        for name in DESCRIPTION_FIELDS
        for value in [getattr(plan, name)]
    }


class SectionCode(models.TextChoices):
    """The unified section model of domain.md 3.2, in document order."""

    PROFILE = "profile", _("General description of the hromada")
    WAR_IMPACT = "war_impact", _("Damage and losses from the war")
    RESOURCES = "resources", _("Resources and potential")
    NEEDS = "needs", _("Needs by sector and population group")
    SWOT = "swot", _("SWOT analysis and risks")
    VISION = "vision", _("Vision")
    GOALS = "goals", _("Strategic and operational goals")
    PROJECTS = "projects", _("Projects")
    FINANCING = "financing", _("Financing plan")
    PARTICIPATION = "participation", _("Public participation")
    IMPLEMENTATION = "implementation", _("Implementation")
    MONITORING = "monitoring", _("Monitoring and results")
    EU_ALIGNMENT = "eu_alignment", _("Alignment with the EU and European principles")


class Section(VersionedModel):
    """One section of one plan version: rich text in Ukrainian and English plus structured tables.

    ``tables`` maps a table code (vidnova.plans.tables) to its validated rows.
    """

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("section"), max_length=32, choices=SectionCode.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    body_uk = models.TextField(_("text (Ukrainian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    tables = models.JSONField(_("tables"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan_version", "position"]
        constraints = [models.UniqueConstraint(fields=["plan_version", "code"], name="section_code_unique")]

    def __str__(self) -> str:
        return str(self.get_code_display())


class SectionRevision(TimeStampedModel):
    """Every save of a section, kept for history and comparison (``number`` = the section's version)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    body_uk = models.TextField(_("text (Ukrainian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    tables = models.JSONField(_("tables"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("section revision")
        verbose_name_plural = _("section revisions")
        ordering = ["section", "-number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="section_revision_unique")]

    def __str__(self) -> str:
        return f"{self.section} #{self.number}"


class SectionDraft(TimeStampedModel):
    """Unsaved work, autosaved while a person types, so a dropped connection loses nothing.

    One per person and section; replaced on every autosave and deleted when the section is saved.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body_uk = models.TextField(_("text (Ukrainian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    based_on_version = models.PositiveIntegerField(_("based on version"))

    class Meta:
        verbose_name = _("autosaved draft")
        verbose_name_plural = _("autosaved drafts")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["section", "author"], name="section_draft_unique")]

    def __str__(self) -> str:
        return f"{self.section} – {self.author}"


class GoalLevel(models.TextChoices):
    VISION = "vision", _("vision")
    STRATEGIC_GOAL = "strategic_goal", _("strategic goal")
    OPERATIONAL_GOAL = "operational_goal", _("operational goal")
    TASK = "task", _("task")


class GoalNode(VersionedModel):
    """A node of the goal tree: vision → strategic goals → operational goals → tasks.

    Codes (1, 1.1, 1.1.1) are computed from positions, never stored. Tags hold codes from
    vidnova.classifications. ``origin`` is the node this one was copied from in the previous version,
    so what is linked to a task (project ideas) can follow it across amendments.
    """

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goal_nodes")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.CharField(_("level"), max_length=20, choices=GoalLevel.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    text_uk = models.TextField(_("text (Ukrainian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    sdg_targets = models.JSONField(_("SDG targets"), default=list, blank=True)
    acquis_chapters = models.JSONField(_("EU acquis chapters"), default=list, blank=True)
    charter_articles = models.JSONField(
        _("European Charter of Local Self-Government articles"), default=list, blank=True
    )
    origin = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal-tree node")
        verbose_name_plural = _("goal-tree nodes")
        ordering = ["plan_version", "parent_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if (get_language() or "uk")[:2] != "uk" and self.text_en:
            return self.text_en
        return self.text_uk


class PrincipleCheck(VersionedModel):
    """One line of the principles checklist of a version (vidnova.plans.principles lists them)."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="principle_checks")
    principle = models.CharField(_("principle"), max_length=40)
    is_met = models.BooleanField(_("followed"), default=False)
    justification_uk = models.TextField(_("justification (Ukrainian)"), blank=True)
    justification_en = models.TextField(_("justification (English)"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("principle check")
        verbose_name_plural = _("principle checks")
        ordering = ["plan_version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "principle"], name="principle_check_unique"),
        ]

    def __str__(self) -> str:
        return self.principle


class PlanTransition(TimeStampedModel):
    """The workflow history shown on the plan page (the audit log holds it too, with field changes)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=40, choices=PlanState.choices)
    to_state = models.CharField(_("to"), max_length=40, choices=PlanState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["plan", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class CommentThread(TimeStampedModel):
    """Review comments on a section; the hromada resolves a thread when it has acted on it."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="threads")
    quote = models.CharField(_("quoted passage"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment thread")
        verbose_name_plural = _("comment threads")
        ordering = ["section", "resolved_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.section} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Comment(TimeStampedModel):
    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["thread", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ExportFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("being generated")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class PlanExport(TimeStampedModel):
    """A DOCX or PDF of one plan version in one language, generated by a background task and kept."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="exports")
    file_format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=2, choices=PlanLanguage.choices)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    file = models.FileField(_("file"), upload_to="plans/exports/%Y/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan export")
        verbose_name_plural = _("plan exports")
        ordering = ["plan_version", "-created_at"]

    def __str__(self) -> str:
        return f"{self.plan_version} ({self.file_format}, {self.language})"
