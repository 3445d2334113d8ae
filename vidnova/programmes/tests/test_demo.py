"""The demo: content, accounts, idempotence and the create_demo command."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import override_settings

from vidnova.accounts.models import Membership, Role, User
from vidnova.audit.models import AuditEntry
from vidnova.programmes import demo
from vidnova.programmes.models import Field, Organisation, OrganisationKind, Participation, Phase, Programme
from vidnova.registry.models import Hromada

REGISTRY_DATA = Path(demo.__file__).resolve().parent.parent / "registry" / "data"


def _state() -> dict[str, object]:
    """Everything the demo writes, so two runs can be compared."""
    return {
        "programmes": list(Programme.objects.values_list("slug", "version", "updated_at")),
        "phases": list(Phase.objects.values_list("pk", "updated_at")),
        "fields": list(Field.objects.values_list("pk", "updated_at")),
        "organisations": list(Organisation.objects.values_list("pk", "version", "updated_at")),
        "participations": list(Participation.objects.values_list("pk", "updated_at")),
        "users": list(User.objects.values_list("pk", "password", "is_staff")),
        "emails": list(EmailAddress.objects.values_list("pk", "verified")),
        "memberships": list(Membership.objects.values_list("pk", "role")),
        "authenticators": list(Authenticator.objects.values_list("pk", "data")),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_content(demo_registry: None) -> None:
    result = demo.demo_create(password="demo-password-123")

    programme = Programme.objects.get(slug="recovery-ua-nl")
    assert result.programme == programme
    assert programme.is_demo
    assert programme.name_uk.startswith("Підтримка відновлення місцевого самоврядування")
    assert programme.name_en.startswith("Support to the recovery, rehabilitation and reconstruction")
    assert programme.name_nl
    assert programme.description_uk
    assert programme.description_en
    assert programme.description_nl
    assert "[Demo]" not in programme.name_uk + programme.name_en + programme.name_nl

    phases = list(programme.phases.order_by("number"))
    assert [(p.number, str(p.starts_on), str(p.ends_on)) for p in phases] == [
        (1, "2022-10-01", "2024-03-31"),
        (2, "2024-04-01", "2025-12-31"),
    ]
    assert Participation.objects.filter(phase__programme=programme).count() == 19
    assert phases[0].participations.count() == 4
    assert phases[1].participations.count() == 15
    assert set(phases[0].hromadas.values_list("oblast__katottg", flat=True)) == {demo.MYKOLAIV, demo.KHERSON}
    assert {"Баштанська", "Бериславська", "Високопільська", "Конотопська", "Наталинська", "Недригайлівська",
            "Очаківська", "Первомайська"} <= set(phases[1].hromadas.values_list("name_uk", flat=True))  # fmt: skip

    assert list(programme.fields.order_by("number").values_list("name_en", flat=True)) == [
        "Safety, security and resilience",
        "Local economic development and project management",
        "Decentralisation and democratisation during wartime",
    ]
    assert all(f.name_uk and f.name_nl for f in programme.fields.all())

    organisations = Organisation.objects.filter(programmes=programme)
    assert organisations.count() == 9
    assert all(o.is_demo and o.name_uk and o.name_en and o.name_nl for o in organisations)
    assert set(
        organisations.filter(kind=OrganisationKind.DUTCH_MUNICIPALITY).values_list(
            "dutch_municipality__cbs_code", flat=True
        )
    ) == {"GM0518", "GM0275", "GM0589", "GM0340"}
    kinds = {o.name_en: (o.kind, o.country) for o in organisations}
    assert kinds["Association of Ukrainian Cities"] == (OrganisationKind.CITIES_ASSOCIATION, "UA")
    assert kinds["VNG International"] == (OrganisationKind.IMPLEMENTING_AGENCY, "NL")
    assert kinds["Ministry of Foreign Affairs of the Netherlands"] == (OrganisationKind.DONOR, "NL")
    assert kinds["Safety Region Utrecht"] == (OrganisationKind.SAFETY_REGION, "NL")
    assert kinds["Town of Mińsk Mazowiecki"] == (OrganisationKind.EU_MUNICIPALITY, "PL")

    # Organisations and participations went through the services, as the demo administrator.
    admin = User.objects.get(email="admin@demo.vidnova.local")
    assert AuditEntry.objects.filter(action="programmes.participation.added", actor=admin).count() == 19
    assert AuditEntry.objects.filter(action="programmes.organisation.created", actor=admin).count() == 9


def test_demo_accounts(demo_registry: None) -> None:
    result = demo.demo_create(password="demo-password-123")

    users = User.objects.filter(email__endswith="@demo.vidnova.local")
    assert users.count() == 5
    for user in users:
        assert user.is_demo
        assert user.check_password("demo-password-123")
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
        assert "Demo" in user.full_name

    programme = result.programme
    first_phase_2_hromada = Hromada.objects.get(katottg=demo.PHASES[1].hromadas[0].katottg)
    safety_region = Organisation.objects.get(name_en="Safety Region Utrecht")
    expected = {
        "admin@demo.vidnova.local": (Role.PROGRAMME_ADMIN, programme, None, None),
        "coordinator@demo.vidnova.local": (Role.PROGRAMME_COORDINATOR, programme, None, None),
        "editor@demo.vidnova.local": (Role.HROMADA_EDITOR, None, first_phase_2_hromada, None),
        "viewer@demo.vidnova.local": (Role.HROMADA_VIEWER, None, first_phase_2_hromada, None),
        "expert@demo.vidnova.local": (Role.PARTNER_EXPERT, None, None, safety_region),
    }
    for email, (role, in_programme, in_hromada, in_organisation) in expected.items():
        membership = Membership.objects.get(user__email=email)
        assert (membership.role, membership.programme, membership.hromada, membership.organisation) == (
            role,
            in_programme,
            in_hromada,
            in_organisation,
        )

    admin = users.get(email="admin@demo.vidnova.local")
    assert admin.is_staff
    assert not admin.is_superuser
    assert not users.exclude(pk=admin.pk).filter(is_staff=True).exists()
    authenticator = Authenticator.objects.get(user=admin, type=Authenticator.Type.TOTP)
    assert authenticator.data["secret"] == demo.DEMO_TOTP_SECRET
    assert result.totp_secret == demo.DEMO_TOTP_SECRET
    assert result.totp_uri.startswith("otpauth://totp/")
    assert f"secret={demo.DEMO_TOTP_SECRET}" in result.totp_uri
    assert [account.email for account in result.accounts] == list(expected)


def test_demo_runs_twice_without_creating_or_changing_anything(demo_registry: None) -> None:
    first = demo.demo_create(password="demo-password-123")
    assert first.created_anything
    before = _state()

    second = demo.demo_create(password="demo-password-123")

    assert second.created == []
    assert _state() == before


def test_demo_completes_what_is_missing(demo_registry: None) -> None:
    demo.demo_create(password="demo-password-123")
    Participation.objects.filter(hromada__katottg=demo.PHASES[0].hromadas[0].katottg).delete()
    Organisation.objects.get(name_en="VNG International").programmes.clear()

    result = demo.demo_create(password="demo-password-123")

    assert len(result.created) == 2
    assert Participation.objects.count() == 19
    assert Organisation.objects.filter(programmes__slug="recovery-ua-nl").count() == 9


def test_demo_does_not_duplicate_an_edited_organisation(demo_registry: None) -> None:
    demo.demo_create(password="demo-password-123")
    Organisation.objects.filter(name_en="Safety Region Utrecht").update(name_en="VRU")
    demo.demo_create(password="demo-password-123")
    assert Organisation.objects.count() == 9
    assert Organisation.objects.filter(name_en="VRU").exists()


def _empty_registry() -> None:
    """The test database holds the real registry; these tests need an installation without it."""
    Hromada.objects.all().delete()


def test_demo_needs_the_registry(db: None) -> None:
    _empty_registry()
    with pytest.raises(demo.DemoError, match="load-registry"):
        demo.demo_create()
    assert not Programme.objects.exists()


def test_demo_refuses_a_registry_without_its_hromadas(demo_registry: None) -> None:
    Hromada.objects.filter(katottg=demo.MEMBER_HROMADA.katottg).delete()
    with pytest.raises(demo.DemoError, match=demo.MEMBER_HROMADA.katottg):
        demo.demo_create()
    assert not Programme.objects.exists()


def test_demo_codes_match_the_shipped_registry_data() -> None:
    """The codes copied into demo.py name the intended hromadas and municipalities."""
    with (REGISTRY_DATA / "ukraine" / "ua_hromadas.csv").open(encoding="utf-8") as handle:
        hromadas = {row["katottg"]: row for row in csv.DictReader(handle)}
    for phase in demo.PHASES:
        for spec in phase.hromadas:
            row = hromadas[spec.katottg]
            assert (row["name_uk"], row["name_latin"], row["oblast_katottg"]) == (
                spec.name_uk,
                spec.name_latin,
                spec.oblast_katottg,
            )
    codes = [spec.katottg for phase in demo.PHASES for spec in phase.hromadas]
    assert len(codes) == len(set(codes)) == 19
    assert {hromadas[code]["oblast_katottg"] for code in codes[4:]} == {
        demo.MYKOLAIV,
        demo.KHERSON,
        demo.SUMY,
        demo.KHARKIV,
        demo.CHERNIHIV,
        demo.DNIPROPETROVSK,
    }

    with (REGISTRY_DATA / "netherlands" / "nl_gemeenten_2024.csv").open(encoding="utf-8") as handle:
        municipalities = {row["gm_code"]: row["name"] for row in csv.DictReader(handle)}
    assert {spec.cbs_code: municipalities[spec.cbs_code] for spec in demo.ORGANISATIONS if spec.cbs_code} == {
        "GM0518": "'s-Gravenhage",
        "GM0275": "Rheden",
        "GM0589": "Oudewater",
        "GM0340": "Rhenen",
    }


def test_demo_organisation_keys_are_unique() -> None:
    """The demo finds its organisations again by kind (and registry entry); keys must not repeat."""
    keys = [(spec.kind, spec.cbs_code) for spec in demo.ORGANISATIONS]
    assert len(keys) == len(set(keys))


# --- the command -----------------------------------------------------------------------------


def test_command_prints_the_accounts_and_the_totp_secret(demo_registry: None) -> None:
    out = StringIO()
    call_command("create_demo", stdout=out)
    text = out.getvalue()
    assert "Demo created" in text
    for email in ("admin", "coordinator", "editor", "viewer", "expert"):
        assert f"{email}@demo.vidnova.local" in text
    assert text.count(demo.DEFAULT_PASSWORD) == 5
    assert "programme administrator" in text
    assert "Safety Region Utrecht" in text
    assert demo.DEMO_TOTP_SECRET in text
    assert "otpauth://totp/" in text
    assert User.objects.get(email="viewer@demo.vidnova.local").check_password(demo.DEFAULT_PASSWORD)

    out = StringIO()
    call_command("create_demo", stdout=out)
    assert "nothing was changed" in out.getvalue()


def test_command_takes_a_password(demo_registry: None) -> None:
    call_command("create_demo", "--password", "another-demo-password", stdout=StringIO())
    assert User.objects.get(email="expert@demo.vidnova.local").check_password("another-demo-password")


def test_command_refuses_a_weak_password(demo_registry: None) -> None:
    with pytest.raises(CommandError, match="too weak"):
        call_command("create_demo", "--password", "123", stdout=StringIO())
    assert not User.objects.exists()


def test_command_without_registry_tells_to_load_it(db: None) -> None:
    _empty_registry()
    with pytest.raises(CommandError, match="vidnova load-registry"):
        call_command("create_demo", stdout=StringIO())


@override_settings(DEMO_MODE=False)
def test_command_only_runs_on_demo_installations(demo_registry: None) -> None:
    with pytest.raises(CommandError, match="VIDNOVA_DEMO=true"):
        call_command("create_demo", stdout=StringIO())
    assert not Programme.objects.exists()
