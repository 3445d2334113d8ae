"""Programmes, their phases and fields, and the organisations that take part."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova.core.models import TimeStampedModel, VersionedModel


class TranslatedNameMixin(models.Model):
    """Short labels in the three interface languages (one column each, Ukrainian required).

    Long documents with review workflows (plans) get one row per language instead; see
    docs/architecture.md "Content in several languages".
    """

    name_uk = models.CharField(_("name (Ukrainian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "uk")[:2]
        localized = getattr(self, f"name_{language}", "") or ""
        return localized or self.name_en or self.name_uk


class Programme(TranslatedNameMixin, VersionedModel):
    slug = models.SlugField(_("short name"), unique=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name_uk"]

    @property
    def description(self) -> str:
        language = (get_language() or "uk")[:2]
        return str(getattr(self, f"description_{language}", "") or self.description_en or self.description_uk)


class Phase(TranslatedNameMixin, TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    hromadas = models.ManyToManyField(
        "registry.Hromada", through="Participation", related_name="programme_phases", blank=True
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="phase_number_unique")]


class Field(TranslatedNameMixin, TimeStampedModel):
    """A thematic field of a programme (e.g. safety, security and resilience)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(_("code"))
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="field_code_unique")]


class Participation(TimeStampedModel):
    """A hromada taking part in a phase of a programme."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="participations")
    hromada = models.ForeignKey("registry.Hromada", on_delete=models.PROTECT, related_name="participations")
    joined_on = models.DateField(_("joined"), null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["phase", "hromada"], name="participation_unique")]

    def __str__(self) -> str:
        return f"{self.hromada} – {self.phase}"


class OrganisationKind(models.TextChoices):
    CITIES_ASSOCIATION = "cities_association", _("association of cities")
    IMPLEMENTING_AGENCY = "implementing_agency", _("implementing agency")
    DONOR = "donor", _("donor")
    DUTCH_MUNICIPALITY = "dutch_municipality", _("Dutch municipality")
    SAFETY_REGION = "safety_region", _("safety region")
    EU_MUNICIPALITY = "eu_municipality", _("other EU municipality")
    HROMADA_COUNCIL = "hromada_council", _("hromada council")
    MILITARY_ADMINISTRATION = "military_administration", _("military administration")
    NGO = "ngo", _("NGO")
    EXPERT_BODY = "expert_body", _("expert body")


class Organisation(TranslatedNameMixin, VersionedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.CharField(_("country (ISO 3166-1)"), max_length=2, default="UA")
    website = models.URLField(_("website"), blank=True)
    # Public bodies point at their registry entry.
    hromada = models.ForeignKey(
        "registry.Hromada",
        verbose_name=_("hromada"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    dutch_municipality = models.ForeignKey(
        "registry.DutchMunicipality",
        verbose_name=_("Dutch municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    programmes = models.ManyToManyField(Programme, related_name="organisations", blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_uk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="dutch_municipality") | models.Q(dutch_municipality__isnull=False),
                name="organisation_dutch_municipality_linked",
            ),
        ]
