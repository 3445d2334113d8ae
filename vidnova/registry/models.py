"""The registry: Ukraine's administrative-territorial units (KATOTTG) and Dutch municipalities.

Hromadas, raions and top-level units are first-class models because everything else hangs off them;
the full codifier (about 31,700 units, down to villages) is kept in CodifierUnit for location pickers.
KATOTTG codes are the natural keys: they are stable across renamings, so references survive a new
codifier edition while names change (former names stay searchable in UnitFormerName).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vidnova.core.models import TimeStampedModel, VersionedModel

katottg_validator = RegexValidator(r"^UA\d{17}$", _("A KATOTTG code is “UA” followed by 17 digits."))


def search_key(text: str) -> str:
    """Lower-case form used for search on every database (SQLite's LIKE folds ASCII only)."""
    return " ".join(text.casefold().replace("’", "'").replace("ʼ", "'").split())


class CodifierCategory(models.TextChoices):
    OBLAST = "O", _("Oblast or Autonomous Republic of Crimea")
    SPECIAL_CITY = "K", _("City with special status")
    RAION = "P", _("Raion")
    HROMADA = "H", _("Territorial hromada")
    CITY = "M", _("City")
    SETTLEMENT = "X", _("Settlement")
    VILLAGE = "C", _("Village")
    CITY_DISTRICT = "B", _("City district")


class TopLevelUnit(TimeStampedModel):
    """An oblast, the Autonomous Republic of Crimea, or Kyiv / Sevastopol (27 units)."""

    katottg = models.CharField(_("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator])
    category = models.CharField(_("category"), max_length=2, choices=CodifierCategory.choices)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_latin = models.CharField(_("name (Latin transliteration)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_sort = models.CharField(max_length=400, editable=False, default="")
    iso_3166_2 = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)

    class Meta:
        verbose_name = _("oblast")
        verbose_name_plural = _("oblasts")
        ordering = ["name_sort"]

    def __str__(self) -> str:
        return self.name_uk


class Raion(TimeStampedModel):
    katottg = models.CharField(_("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator])
    oblast = models.ForeignKey(TopLevelUnit, verbose_name=_("oblast"), on_delete=models.PROTECT, related_name="raions")
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_latin = models.CharField(_("name (Latin transliteration)"), max_length=200)
    name_sort = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        verbose_name = _("raion")
        verbose_name_plural = _("raions")
        ordering = ["name_sort"]

    def __str__(self) -> str:
        return self.name_uk


class HromadaType(models.TextChoices):
    URBAN = "urban", _("urban")
    SETTLEMENT = "settlement", _("settlement")
    RURAL = "rural", _("rural")


class Hromada(TimeStampedModel):
    katottg = models.CharField(_("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator])
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_latin = models.CharField(_("name (Latin transliteration)"), max_length=200)
    name_en = models.CharField(_("name (English, OCHA COD-AB)"), max_length=200, blank=True)
    # Ukrainian alphabetical order (see registry.collation).
    name_sort = models.CharField(max_length=400, editable=False, default="")
    hromada_type = models.CharField(_("type"), max_length=12, choices=HromadaType.choices, blank=True)
    oblast = models.ForeignKey(
        TopLevelUnit, verbose_name=_("oblast"), on_delete=models.PROTECT, related_name="hromadas"
    )
    raion = models.ForeignKey(Raion, verbose_name=_("raion"), on_delete=models.PROTECT, related_name="hromadas")
    admin_center_katottg = models.CharField(_("administrative centre code"), max_length=19, blank=True)
    admin_center_name = models.CharField(_("administrative centre"), max_length=200, blank=True)
    population_2022 = models.PositiveIntegerField(_("population (1 January 2022)"), null=True, blank=True)
    urban_population_2022 = models.PositiveIntegerField(_("urban population (2022)"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area, km²"), max_digits=9, decimal_places=2, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    settlement_count = models.PositiveIntegerField(_("settlements"), null=True, blank=True)
    creation_year = models.PositiveSmallIntegerField(_("year formed"), null=True, blank=True)
    in_crimea = models.BooleanField(_("in the Autonomous Republic of Crimea"), default=False)
    occupied_before_2022 = models.BooleanField(_("occupied before 24 February 2022"), default=False)
    # Current and former names, Ukrainian and Latin, folded for search.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("hromada")
        verbose_name_plural = _("hromadas")
        ordering = ["name_sort", "katottg"]
        indexes = [
            models.Index(fields=["oblast", "name_uk"], name="hromada_oblast_name_idx"),
            models.Index(fields=["name_sort", "katottg"], name="hromada_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name_uk

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:hromada-detail", kwargs={"katottg": self.katottg})


class CodifierUnit(TimeStampedModel):
    """One entry of the official codifier (KATOTTG), at any level."""

    katottg = models.CharField(_("KATOTTG code"), max_length=19, unique=True, validators=[katottg_validator])
    parent_katottg = models.CharField(_("parent code"), max_length=19, blank=True, db_index=True)
    category = models.CharField(_("category"), max_length=2, choices=CodifierCategory.choices)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_latin = models.CharField(_("name (Latin transliteration)"), max_length=200)
    # The hromada the unit lies in (null for oblasts, raions and special-status cities).
    hromada = models.ForeignKey(
        Hromada, null=True, blank=True, on_delete=models.SET_NULL, related_name="codifier_units"
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("codifier unit")
        verbose_name_plural = _("codifier units")
        ordering = ["katottg"]

    def __str__(self) -> str:
        return f"{self.name_uk} ({self.get_category_display()})"


class UnitFormerName(models.Model):
    """A name a unit carried before a renaming; kept so people still find it by the old name."""

    katottg = models.CharField(_("KATOTTG code"), max_length=19, db_index=True)
    name_uk = models.CharField(_("former name (Ukrainian)"), max_length=200)
    name_latin = models.CharField(_("former name (Latin)"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        constraints = [models.UniqueConstraint(fields=["katottg", "name_uk"], name="former_name_unique")]

    def __str__(self) -> str:
        return self.name_uk


class RegistryEdition(models.Model):
    """A load of the shipped reference data; the checksum makes a repeated load a no-op."""

    checksum = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("registry edition")
        verbose_name_plural = _("registry editions")
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.description


class SecurityStatus(models.TextChoices):
    NONE = "none", _("no hostilities")
    POSSIBLE_HOSTILITIES = "possible_hostilities", _("possible hostilities")
    ACTIVE_HOSTILITIES = "active_hostilities", _("active hostilities")
    TEMPORARILY_OCCUPIED = "temporarily_occupied", _("temporarily occupied")


class SecurityStatusPeriodQuerySet(models.QuerySet["SecurityStatusPeriod"]):
    def as_of(self, day: datetime.date) -> SecurityStatusPeriodQuerySet:
        """Periods in force on ``day``: started on or before it and not ended by it."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)


class SecurityStatusPeriod(VersionedModel):
    """A dated period of a hromada's security status (the government's list of territories of
    hostilities and temporary occupation). Periods are never deleted: a new status closes the
    current period, so the history remains.

    ``ends_on`` is exclusive: the period covers starts_on <= day < ends_on.
    """

    hromada = models.ForeignKey(
        Hromada, verbose_name=_("hromada"), on_delete=models.CASCADE, related_name="security_periods"
    )
    status = models.CharField(_("status"), max_length=24, choices=SecurityStatus.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (exclusive)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SecurityStatusPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("security status period")
        verbose_name_plural = _("security status periods")
        ordering = ["hromada", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["hromada", "starts_on"], name="security_period_start_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="security_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hromada}: {self.get_status_display()} ({self.starts_on})"


class DutchMunicipality(TimeStampedModel):
    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True, validators=[RegexValidator(r"^GM\d{4}$")])
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=100)
    population = models.PositiveIntegerField(_("population (1 January 2024)"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("Dutch municipality")
        verbose_name_plural = _("Dutch municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:municipality-detail", kwargs={"cbs_code": self.cbs_code})
