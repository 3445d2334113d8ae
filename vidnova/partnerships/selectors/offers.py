"""Reads about expertise offers and partner organisations: places taken, languages, the catalogue.

Offers are a public catalogue. Withdrawn offers stay readable on their own page but leave the
catalogue unless asked for by status.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from vidnova.accounts.access import AnyUser
from vidnova.partnerships.models import (
    WORKING_LANGUAGES,
    ExpertiseOffer,
    OfferStatus,
    PartnerContact,
    Partnership,
    PartnershipStatus,
)
from vidnova.programmes.models import Organisation, OrganisationKind

PARTNER_KINDS = (
    OrganisationKind.DUTCH_MUNICIPALITY.value,
    OrganisationKind.SAFETY_REGION.value,
    OrganisationKind.EU_MUNICIPALITY.value,
    OrganisationKind.CITIES_ASSOCIATION.value,
    OrganisationKind.NGO.value,
    OrganisationKind.EXPERT_BODY.value,
)

FIELD_NAMES = {
    1: _("Safety, security and resilience"),
    2: _("Local economic development and project management"),
    3: _("Decentralisation and democratisation during wartime"),
}


def field_name(field: int) -> str:
    return str(FIELD_NAMES.get(field, field))


def language_name(code: str) -> str:
    """The language's name in the active interface language ("Dutch", "нідерландська", …)."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in WORKING_LANGUAGES]


def places_taken(offer_ids: Iterable[int]) -> dict[int, int]:
    """Places taken on each offer: its partnerships that are not closed (0 for offers without any)."""
    ids = list(dict.fromkeys(offer_ids))
    taken = dict.fromkeys(ids, 0)
    if not ids:
        return taken
    rows = (
        Partnership.objects.filter(offer_id__in=ids)
        .exclude(status=PartnershipStatus.CLOSED)
        .values("offer_id")
        .annotate(count=Count("pk"))
        .values_list("offer_id", "count")
    )
    for offer_id, count in rows:
        taken[offer_id] = count
    return taken


def places_left(offer: ExpertiseOffer, taken: Mapping[int, int]) -> int:
    return max(offer.capacity - taken.get(offer.pk, 0), 0)


def organisation_languages(organisation_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The languages the contact persons of each organisation speak."""
    ids = list(dict.fromkeys(organisation_ids))
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    if ids:
        for organisation_id, languages in PartnerContact.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "languages"
        ):
            found[organisation_id].update(languages or [])
    return {pk: frozenset(languages) for pk, languages in found.items()}


def offer_languages(offers: Iterable[ExpertiseOffer]) -> dict[int, frozenset[str]]:
    """Each offer's working languages together with those of its organisation's contact persons."""
    offers = list(offers)
    by_organisation = organisation_languages(offer.organisation_id for offer in offers)
    return {
        offer.pk: frozenset(offer.languages or []) | by_organisation.get(offer.organisation_id, frozenset())
        for offer in offers
    }


def _taken_subquery() -> Subquery:
    return Subquery(
        Partnership.objects.filter(offer_id=OuterRef("pk"))
        .exclude(status=PartnershipStatus.CLOSED)
        .order_by()
        .values("offer_id")
        .annotate(count=Count("pk"))
        .values("count")[:1],
        output_field=IntegerField(),
    )


def with_places(queryset: QuerySet[ExpertiseOffer]) -> QuerySet[ExpertiseOffer]:
    """Annotate ``taken`` (places taken) on each offer."""
    return queryset.annotate(taken=Coalesce(_taken_subquery(), Value(0)))


def open_on(queryset: QuerySet[ExpertiseOffer], day: datetime.date) -> QuerySet[ExpertiseOffer]:
    """Offers open for new hromadas on ``day``: active, available then, and with a place left."""
    return (
        queryset.annotate(taken=Coalesce(_taken_subquery(), Value(0)))
        .filter(status=OfferStatus.ACTIVE, available_from__lte=day)
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=day))
        .filter(taken__lt=F("capacity"))
    )


def _json_list_filter(queryset: QuerySet[ExpertiseOffer], *, mode: str = "", language: str = "") -> list[int]:
    """Offer ids whose modes contain ``mode`` and whose languages (with their contacts') contain
    ``language``. JSON lists are read in Python: containment lookups are not portable to SQLite and
    the catalogue is small."""
    rows = list(queryset.values_list("pk", "organisation_id", "modes", "languages"))
    contact_languages = organisation_languages(row[1] for row in rows) if language else {}
    ids = []
    for pk, organisation_id, modes, languages in rows:
        if mode and mode not in (modes or []):
            continue
        if language and language not in set(languages or []) | contact_languages.get(organisation_id, frozenset()):
            continue
        ids.append(pk)
    return ids


def visible_offers(user: AnyUser, filters: Mapping[str, Any] | None = None) -> QuerySet[ExpertiseOffer]:
    """The catalogue, annotated with ``taken`` (places taken). Offers are public; ``filters``
    (each optional, bad values ignored): ``theme`` (code), ``field`` (1–3), ``mode``, ``language``,
    ``country`` (ISO 3166-1), ``organisation`` (id), ``status`` (default: open and paused offers),
    ``open`` (true: open for new hromadas today), ``q`` (words in the title or organisation)."""
    filters = filters or {}
    queryset = ExpertiseOffer.objects.select_related("organisation", "organisation__dutch_municipality")
    status = str(filters.get("status") or "")
    if status in OfferStatus.values:
        queryset = queryset.filter(status=status)
    elif status != "all":
        queryset = queryset.exclude(status=OfferStatus.WITHDRAWN)
    theme = str(filters.get("theme") or "")
    if theme:
        queryset = queryset.filter(themes__code=theme)
    field = str(filters.get("field") or "")
    if field in {"1", "2", "3"}:
        queryset = queryset.filter(themes__field=int(field))
    country = str(filters.get("country") or "").upper()
    if country:
        queryset = queryset.filter(organisation__country=country)
    organisation = str(filters.get("organisation") or "")
    if organisation.isdigit():
        queryset = queryset.filter(organisation_id=int(organisation))
    search = str(filters.get("q") or "").strip()
    if search:
        queryset = queryset.filter(
            Q(title__icontains=search)
            | Q(organisation__name_uk__icontains=search)
            | Q(organisation__name_en__icontains=search)
            | Q(organisation__name_nl__icontains=search)
        )
    queryset = queryset.distinct()
    mode = str(filters.get("mode") or "")
    language = str(filters.get("language") or "")
    if mode or language:
        queryset = ExpertiseOffer.objects.filter(pk__in=_json_list_filter(queryset, mode=mode, language=language))
        queryset = queryset.select_related("organisation", "organisation__dutch_municipality")
    queryset = open_on(queryset, timezone.localdate()) if _truthy(filters.get("open")) else with_places(queryset)
    return queryset.prefetch_related("themes").order_by("organisation__name_uk", "title", "pk")


def _truthy(value: Any) -> bool:
    return str(value or "").lower() in {"1", "true", "yes", "on"}


def partner_organisations() -> QuerySet[Organisation]:
    """Partner organisations with ``open_offers`` and ``partnership_count`` annotated."""
    today = timezone.localdate()
    open_offers = Count(
        "offers",
        filter=Q(offers__status=OfferStatus.ACTIVE, offers__available_from__lte=today)
        & (Q(offers__available_until__isnull=True) | Q(offers__available_until__gte=today)),
        distinct=True,
    )
    partnerships = (
        Partnership.objects.filter(partner_links__organisation_id=OuterRef("pk"))
        .order_by()
        .values("partner_links__organisation_id")
        .annotate(count=Count("pk", distinct=True))
        .values("count")[:1]
    )
    return (
        Organisation.objects.filter(kind__in=PARTNER_KINDS)
        .select_related("dutch_municipality")
        .annotate(
            open_offers=open_offers,
            partnership_count=Coalesce(Subquery(partnerships, output_field=IntegerField()), Value(0)),
        )
    )


def contacts_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[PartnerContact]]:
    found: dict[int, list[PartnerContact]] = defaultdict(list)
    for contact in PartnerContact.objects.filter(organisation_id__in=list(organisation_ids)):
        found[contact.organisation_id].append(contact)
    return found
