"""factory_boy factories for tests. Codes start with UA99 / GM99 so they never clash with the
real registry, which the test database also holds."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from vidnova.accounts.models import Membership, Role, User
from vidnova.plans.models import Plan
from vidnova.programmes.models import Field, Organisation, OrganisationKind, Participation, Phase, Programme
from vidnova.registry.models import (
    DutchMunicipality,
    Hromada,
    HromadaType,
    Raion,
    SecurityStatus,
    SecurityStatusPeriod,
    TopLevelUnit,
    search_key,
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation  # type: ignore[untyped-decorator]
    def verified(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TopLevelUnitFactory(factory.django.DjangoModelFactory[TopLevelUnit]):
    class Meta:
        model = TopLevelUnit

    katottg = factory.Sequence(lambda n: f"UA99{n:05d}00000000000"[:19])
    category = "O"
    name_uk = factory.Sequence(lambda n: f"Тестова область {n}")
    name_latin = factory.Sequence(lambda n: f"Testova oblast {n}")
    iso_3166_2 = factory.Sequence(lambda n: f"T-{n:03d}"[:6])


class RaionFactory(factory.django.DjangoModelFactory[Raion]):
    class Meta:
        model = Raion

    katottg = factory.Sequence(lambda n: f"UA98{n:05d}00000000000"[:19])
    oblast = factory.SubFactory(TopLevelUnitFactory)
    name_uk = factory.Sequence(lambda n: f"Тестовий район {n}")
    name_latin = factory.Sequence(lambda n: f"Testovyi raion {n}")


class HromadaFactory(factory.django.DjangoModelFactory[Hromada]):
    class Meta:
        model = Hromada

    katottg = factory.Sequence(lambda n: f"UA97{n:015d}")
    name_uk = factory.Sequence(lambda n: f"Тестова громада {n}")
    name_latin = factory.Sequence(lambda n: f"Testova hromada {n}")
    hromada_type = HromadaType.RURAL
    raion = factory.SubFactory(RaionFactory)
    oblast = factory.SelfAttribute("raion.oblast")
    population_2022 = 12000
    area_km2 = Decimal("350.50")
    latitude = Decimal("47.100000")
    longitude = Decimal("33.200000")
    search_text = factory.LazyAttribute(lambda o: search_key(f"{o.name_uk} {o.name_latin}"))


class SecurityStatusPeriodFactory(factory.django.DjangoModelFactory[SecurityStatusPeriod]):
    class Meta:
        model = SecurityStatusPeriod

    hromada = factory.SubFactory(HromadaFactory)
    status = SecurityStatus.POSSIBLE_HOSTILITIES
    starts_on = datetime.date(2024, 1, 1)


class DutchMunicipalityFactory(factory.django.DjangoModelFactory[DutchMunicipality]):
    class Meta:
        model = DutchMunicipality

    cbs_code = factory.Sequence(lambda n: f"GM9{n:03d}")
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    province = "Utrecht"
    population = 50000


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_uk = factory.Sequence(lambda n: f"Програма {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    name_nl = factory.Sequence(lambda n: f"Programma {n}")


class PhaseFactory(factory.django.DjangoModelFactory[Phase]):
    class Meta:
        model = Phase

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    name_uk = factory.LazyAttribute(lambda o: f"Фаза {o.number}")
    name_en = factory.LazyAttribute(lambda o: f"Phase {o.number}")


class FieldFactory(factory.django.DjangoModelFactory[Field]):
    class Meta:
        model = Field

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"field-{n}")
    name_uk = factory.Sequence(lambda n: f"Напрям {n}")


class ParticipationFactory(factory.django.DjangoModelFactory[Participation]):
    class Meta:
        model = Participation

    phase = factory.SubFactory(PhaseFactory)
    hromada = factory.SubFactory(HromadaFactory)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    kind = OrganisationKind.NGO
    name_uk = factory.Sequence(lambda n: f"Організація {n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HROMADA_VIEWER


def make_plan(
    hromada: Hromada,
    *,
    programme: Programme | None = None,
    plan_type: str = "local_recovery_plan",
    state: str | None = None,
    title_uk: str = "План відновлення",
    title_en: str = "Recovery plan",
) -> Plan:
    """A plan made by the real service (version 1, every section, the checklist), optionally put
    straight into ``state`` for tests that start mid-workflow."""
    from vidnova.plans.services.plans import plan_create

    plan = plan_create(
        acting_user=None,
        hromada=hromada,
        programme=programme,
        plan_type=plan_type,
        title_uk=title_uk,
        title_en=title_en,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    if state is not None:
        Plan.objects.filter(pk=plan.pk).update(state=state)
        plan.refresh_from_db()
    return plan
