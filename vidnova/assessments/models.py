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
