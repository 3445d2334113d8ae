"""Needs-assessment instruments: questionnaires written in XLSForm (the ODK/Kobo standard).

An instrument (Instrument) has versions (InstrumentVersion): importing a changed form makes a new
version, and answers stay tied to the version they answered. Each version keeps the uploaded file and
its compiled definition (``definition``): groups, dimensions, questions with their rules compiled to
small JSON expression trees, choices with scores. The same definition drives the pages, the browser's
rule evaluation (offline-ready) and scoring. See docs/assessment-xlsform.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vidnova.core.models import TimeStampedModel, VersionedModel
from vidnova.programmes.models import TranslatedNameMixin


class Instrument(TranslatedNameMixin, VersionedModel):
    """A questionnaire, identified by its XLSForm ``form_id`` (settings sheet)."""

    code = models.SlugField(_("form identifier"), max_length=100, unique=True)
    is_default = models.BooleanField(_("programme default"), default=False)

    class Meta:
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        ordering = ["name_uk"]


class InstrumentVersion(TimeStampedModel):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    form_version = models.CharField(_("version in the form"), max_length=100, blank=True)
    # SHA-256 of the compiled definition: the same form imported twice is the same version.
    content_hash = models.CharField(_("content fingerprint"), max_length=64)
    definition = models.JSONField(_("compiled definition"))
    source_file = models.FileField(_("XLSForm file"), upload_to="assessments/instruments/%Y/")
    source_name = models.CharField(_("file name"), max_length=255)
    languages = models.JSONField(_("languages"), default=list)
    dimension_count = models.PositiveIntegerField(_("dimensions"), default=0)
    question_count = models.PositiveIntegerField(_("questions"), default=0)
    scored_question_count = models.PositiveIntegerField(_("scored questions"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_number_unique"),
            models.UniqueConstraint(fields=["instrument", "content_hash"], name="instrument_version_content_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"


# --- rounds, assessments and answers -------------------------------------------------------------


class RoundKind(models.TextChoices):
    # "baseline" alone is also an indicator's starting value (plans); the context keeps them apart.
    BASELINE = "baseline", pgettext_lazy("assessment round", "baseline")
    MIDLINE = "midline", pgettext_lazy("assessment round", "midline")
    ENDLINE = "endline", pgettext_lazy("assessment round", "endline")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Round(TranslatedNameMixin, VersionedModel):
    """An assessment round of a programme: one instrument version, a set of hromadas, a deadline.

    Opening a round creates one Assessment per hromada (state DRAFT). Rounds run baseline → midline →
    endline, which gives the before-and-after comparison of the results framework.
    """

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, verbose_name=_("instrument version"), on_delete=models.PROTECT, related_name="rounds"
    )
    kind = models.CharField(_("round"), max_length=12, choices=RoundKind.choices, default=RoundKind.BASELINE)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    # Dimensions whose normalised score is under this threshold become training needs.
    training_threshold = models.DecimalField(
        _("training-need threshold (0–100)"), max_digits=5, decimal_places=2, default=50
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")), name="round_deadline_after_opening"
            )
        ]


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("submitted")
    UNDER_VALIDATION = "under_validation", _("under validation")
    VALIDATED = "validated", _("validated")


class AssessmentSource(models.TextChoices):
    ONLINE = "online", _("filled in online")
    IMPORT = "import", _("imported from Kobo / ODK")


class Assessment(VersionedModel):
    """One hromada's answers to the round's instrument version, with its state and stored scores.

    ``scores`` holds ``scoring.score(...).as_dict()`` and is recomputed by the services on every
    answer change (never typed in); DimensionResult rows repeat the per-dimension numbers so lists,
    heat maps and later modules can filter and sort in the database.
    """

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments")
    hromada = models.ForeignKey(
        "registry.Hromada", verbose_name=_("hromada"), on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(_("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    source = models.CharField(
        _("source"), max_length=10, choices=AssessmentSource.choices, default=AssessmentSource.ONLINE
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    completeness = models.DecimalField(_("completeness, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    required_completeness = models.DecimalField(
        _("required answers given, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    overall_normalised = models.DecimalField(
        _("overall score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "hromada__name_sort"]
        constraints = [models.UniqueConstraint(fields=["round", "hromada"], name="assessment_round_hromada_unique")]

    def __str__(self) -> str:
        return f"{self.hromada} – {self.round}"


class Answer(TimeStampedModel):
    """The value of one question, as the form stores it: choice names (several separated by spaces),
    numbers and dates as text. ``version`` starts at 1 and grows with every save; a save based on an
    older version is refused and the person chooses between both values."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=100)
    value = models.TextField(_("answer"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["assessment", "question"]
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="answer_question_unique")]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.question}"


class Evidence(TimeStampedModel):
    """A document or a link supporting an answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="assessments/evidence/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveIntegerField(_("size, bytes"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["answer", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.file_name or self.url


class AssessmentTransition(models.Model):
    """One step of an assessment's workflow, with who, when and the message given."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(_("from"), max_length=20, choices=AssessmentState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=AssessmentState.choices)
    message = models.TextField(_("message"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment transition")
        verbose_name_plural = _("assessment transitions")
        ordering = ["assessment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.from_state} → {self.to_state}"


class ReturnNote(TimeStampedModel):
    """A validator's comment on one question when returning an assessment; open until resolved
    (the editor changes the answer or marks it as answered) and shown next to the question."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="return_notes")
    transition = models.ForeignKey(
        AssessmentTransition, null=True, blank=True, on_delete=models.SET_NULL, related_name="return_notes"
    )
    question = models.CharField(_("question"), max_length=100)
    message = models.TextField(_("comment"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("comment on a returned question")
        verbose_name_plural = _("comments on returned questions")
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.question}"


class DimensionResult(models.Model):
    """A dimension's score in an assessment (copied from ``Assessment.scores`` on every recompute)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="dimension_results")
    dimension = models.CharField(_("dimension"), max_length=100)
    field = models.PositiveSmallIntegerField(_("field"))
    raw = models.DecimalField(_("raw score"), max_digits=8, decimal_places=2, null=True, blank=True)
    scale_max = models.DecimalField(_("scale maximum"), max_digits=8, decimal_places=2, null=True, blank=True)
    normalised = models.DecimalField(_("score (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True)
    maturity_level = models.PositiveSmallIntegerField(_("maturity level"), null=True, blank=True)
    completeness = models.DecimalField(_("completeness, %"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        ordering = ["assessment", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "dimension"], name="dimension_result_unique")]
        indexes = [models.Index(fields=["dimension", "normalised"], name="dimension_result_score_idx")]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.dimension}"


class SubmissionImport(TimeStampedModel):
    """A Kobo/ODK submission export uploaded for a round: checked in a dry run (``report``), then
    applied all-or-nothing. The file is kept so the apply step reads exactly what was checked."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="submission_imports")
    file = models.FileField(_("file"), upload_to="assessments/imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    match_by = models.CharField(_("match hromadas by"), max_length=20, default="auto")
    report = models.JSONField(_("dry-run report"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("submission import")
        verbose_name_plural = _("submission imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


# --- selection -----------------------------------------------------------------------------------


class SelectionStatus(models.TextChoices):
    DRAFT = "draft", _("draft: criteria can change")
    LOCKED = "locked", _("criteria locked, ranking")
    DECIDED = "decided", _("decided")


class SelectionCall(TranslatedNameMixin, VersionedModel):
    """A call that selects hromadas from an assessment round: eligibility gates, weighted criteria
    (locked before ranking), a ranking with explanations, a shortlist and the final decision."""

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="selection_calls"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("assessment round"), on_delete=models.PROTECT, related_name="selection_calls"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SelectionStatus.choices, default=SelectionStatus.DRAFT
    )
    description = models.TextField(_("description"), blank=True)
    # Gates
    security_date = models.DateField(_("security status as of"))
    exclude_active_hostilities = models.BooleanField(_("exclude areas of active hostilities"), default=True)
    oblasts = models.ManyToManyField(
        "registry.TopLevelUnit", verbose_name=_("eligible oblasts"), blank=True, related_name="+"
    )
    min_completeness = models.DecimalField(
        _("minimum completeness of the assessment, %"), max_digits=5, decimal_places=2, default=80
    )
    require_validated = models.BooleanField(_("only validated assessments"), default=True)
    places = models.PositiveIntegerField(_("places"), default=10)
    locked_at = models.DateTimeField(_("criteria locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ranked_at = models.DateTimeField(_("ranked"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("selection call")
        verbose_name_plural = _("selection calls")
        ordering = ["-created_at", "-pk"]


class CriterionKind(models.TextChoices):
    CAPACITY_GAP = "capacity_gap", _("capacity gap: 100 minus the overall assessment score")
    FIELD_GAP = "field_gap", _("capacity gap in one field: 100 minus the field's score")
    ANSWER_POINTS = "answer_points", _("need from a context answer: points per choice")
    MANUAL = "manual", _("scored by the coordinator (for example commitment)")


class SelectionCriterion(TranslatedNameMixin, models.Model):
    call = models.ForeignKey(SelectionCall, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    # FIELD_GAP: {"field": 1}; ANSWER_POINTS: {"question": "ctx_damage_level", "points": {"none": 0, ...}}
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="selection_criterion_code_unique"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="selection_criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ManualScore(TimeStampedModel):
    """A coordinator's 0–100 score of a hromada on a MANUAL criterion, with its reason."""

    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.CASCADE, related_name="manual_scores")
    hromada = models.ForeignKey("registry.Hromada", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("score (0–100)"), max_digits=5, decimal_places=2)
    note = models.TextField(_("reason"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "hromada"], name="manual_score_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=100), name="manual_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.hromada}"


class Decision(models.TextChoices):
    SHORTLISTED = "shortlisted", _("shortlisted")
    SELECTED = "selected", _("selected")
    WAITLISTED = "waitlisted", _("waitlisted")
    NOT_SELECTED = "not_selected", _("not selected")


class Candidate(models.Model):
    """A hromada of the call's round as ranked: gates passed or failed, criterion scores, total, rank
    and the explanation; then the shortlist and decision with their justification."""

    call = models.ForeignKey(SelectionCall, on_delete=models.CASCADE, related_name="candidates")
    hromada = models.ForeignKey("registry.Hromada", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    eligible = models.BooleanField(_("eligible"), default=False)
    gates = models.JSONField(_("gates"), default=list)  # [{"gate": code, "passed": bool, "detail": {...}}]
    criterion_scores = models.JSONField(
        _("criterion scores"), default=list
    )  # [{"code", "value", "weight", "contribution", "detail"}]
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=14, choices=Decision.choices, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["call", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "hromada"], name="candidate_unique")]

    def __str__(self) -> str:
        return f"{self.call}: {self.hromada}"
