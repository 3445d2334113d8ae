"""The demo installation: one programme modelled on the VNG International / Association of Ukrainian
Cities programme, its partner organisations, and one account per role.

Everything here is marked ``is_demo=True``; the demo banner (``VIDNOVA_DEMO=true``) tells visitors.
No real people are named: the accounts are "Demo administrator" and so on, on a ``.local`` domain.

``demo_create`` is idempotent: every record is looked up by a stable key before it is created, and
what already exists is left as it is (a second run creates and changes nothing). How records are made:

* Organisations and participations go through the services (``organisation_create``,
  ``participation_add``) acting as the demo administrator, so the audit log shows them like any
  other edit.
* The programme, its phases and fields, the accounts, their verified email addresses, memberships
  and the administrator's TOTP authenticator are first-time setup with no service of their own;
  they are created directly here. Memberships are logged as ``accounts.membership.created`` by the
  system.
* The programme's default assessment instrument (the shipped XLSForm) is imported by the system
  through ``instrument_load_default``, as ``manage.py load_default_instrument`` does.

The hromada codes and CBS codes are copied from the shipped registry data (ua_hromadas.csv and
nl_gemeenten_2024.csv); the registry must be loaded first (``vidnova load-registry``). The product
never reads the reference files from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction

from vidnova.accounts import access
from vidnova.accounts.models import Membership, Role, User
from vidnova.assessments.demo import create_demo_assessments
from vidnova.assessments.models import InstrumentVersion
from vidnova.assessments.services import instrument_load_default
from vidnova.audit.services import record
from vidnova.partnerships.demo import create_demo_partnerships
from vidnova.plans.demo import create_demo_plans
from vidnova.programmes import services
from vidnova.programmes.models import Field, Organisation, OrganisationKind, Participation, Phase, Programme
from vidnova.projects.demo import create_demo_projects
from vidnova.registry.models import DutchMunicipality, Hromada

DEFAULT_PASSWORD = "vidnova-demo-2026"  # noqa: S105 - published demo password, demo installations only
EMAIL_DOMAIN = "demo.vidnova.local"

# Demo only: a fixed, published TOTP secret for the demo administrator, so a tester can add it to an
# authenticator app. Never use a fixed secret for a real account.
DEMO_TOTP_SECRET = "VIDNOVADEMOTOTPSECRETDEMOONLY234"  # noqa: S105 - base32, 20 bytes; demo only


class DemoError(Exception):
    """The demo cannot be created (the registry is missing or does not hold a demo record)."""


# --- content ---------------------------------------------------------------------------------

PROGRAMME_SLUG = "recovery-ua-nl"
PROGRAMME = {
    "name_uk": "Підтримка відновлення місцевого самоврядування та відбудови і реконструкції громад в Україні",
    "name_en": (
        "Support to the recovery, rehabilitation and reconstruction of local governments and communities in Ukraine"
    ),
    "name_nl": "Steun voor het herstel, de rehabilitatie en de wederopbouw van lokale overheden en gemeenschappen in Oekraïne",
    "description_uk": (
        "Програму здійснює VNG International — агенція міжнародного співробітництва Асоціації "
        "нідерландських муніципалітетів — разом з Асоціацією міст України (АМУ) за фінансування "
        "Міністерства закордонних справ Нідерландів. Нідерландські муніципалітети та Регіон безпеки "
        "Утрехт діляться досвідом з українськими громадами.\n\n"
        "Перша фаза (жовтень 2022 – березень 2024) — раннє відновлення чотирьох громад Херсонської та "
        "Миколаївської областей: кожна розробила власний план відновлення та розвитку, втілила один "
        "проєкт із нього та посилила спроможність залучати кошти й управляти проєктами. Друга фаза "
        "(квітень 2024 – грудень 2025) охоплює п’ятнадцять громад сходу та півдня України і зосереджена "
        "на сталості та стійкості у трьох напрямах: безпека, захищеність і стійкість; місцевий "
        "економічний розвиток і управління проєктами; децентралізація та демократизація в умовах війни.\n\n"
        "Громади проходять три кроки: оцінювання потреб, відбір, навчання та супровід (коучинг). "
        "Засади програми — відбудова на краще, участь мешканців (зокрема ветеранів, внутрішньо "
        "переміщених осіб, жінок і молоді) та наближення до європейських норм, цінностей і правил на "
        "шляху до членства в ЄС. Кожна громада підписує тристоронній меморандум про взаєморозуміння з "
        "АМУ та VNG International."
    ),
    "description_en": (
        "VNG International, the international cooperation agency of the Association of Netherlands "
        "Municipalities, runs this programme with the Association of Ukrainian Cities (AUC), funded by the "
        "Netherlands Ministry of Foreign Affairs. Dutch municipalities and the Safety Region Utrecht share "
        "their experience with Ukrainian hromadas.\n\n"
        "Phase 1 (October 2022 – March 2024) supported the early recovery of four hromadas in Kherson and "
        "Mykolaiv oblasts: each drew up its own local recovery and development plan, carried out one "
        "project from it and built its capacity for fundraising and project management. Phase 2 (April "
        "2024 – December 2025) works with fifteen hromadas in eastern and southern Ukraine on "
        "sustainability and resilience, in three fields: safety, security and resilience; local economic "
        "development and project management; and decentralisation and democratisation during wartime.\n\n"
        "Hromadas go through three steps: needs assessment, selection, then training and coaching. The "
        "programme follows three principles: building back better, citizen participation (including war "
        "veterans, internally displaced people, women and young people), and alignment with European "
        "norms, values and regulations on the way to EU membership. Each hromada signs a tripartite "
        "memorandum of understanding with the AUC and VNG International."
    ),
    "description_nl": (
        "VNG International, het bureau voor internationale samenwerking van de Vereniging van Nederlandse "
        "Gemeenten, voert dit programma uit met de Vereniging van Oekraïense Steden (AUC), gefinancierd door "
        "het Nederlandse ministerie van Buitenlandse Zaken. Nederlandse gemeenten en de Veiligheidsregio "
        "Utrecht delen hun ervaring met Oekraïense gemeenschappen (hromada's).\n\n"
        "Fase 1 (oktober 2022 – maart 2024) ondersteunde het vroege herstel van vier hromada's in de "
        "oblasten Cherson en Mykolajiv: elk stelde een eigen lokaal plan voor herstel en ontwikkeling op, "
        "voerde daaruit één project uit en versterkte zijn capaciteit voor fondsenwerving en "
        "projectmanagement. Fase 2 (april 2024 – december 2025) werkt met vijftien hromada's in het oosten "
        "en zuiden van Oekraïne aan duurzaamheid en weerbaarheid, op drie terreinen: veiligheid, "
        "beveiliging en weerbaarheid; lokale economische ontwikkeling en projectmanagement; en "
        "decentralisatie en democratisering in oorlogstijd.\n\n"
        "Hromada's doorlopen drie stappen: behoeftepeiling, selectie en daarna training en coaching. Het "
        "programma volgt drie principes: beter terugbouwen (build back better), burgerparticipatie (onder "
        "meer van oorlogsveteranen, binnenlands ontheemden, vrouwen en jongeren) en aansluiting bij "
        "Europese normen, waarden en regels op weg naar het EU-lidmaatschap. Elke hromada ondertekent een "
        "driepartijen-memorandum van overeenstemming met de AUC en VNG International."
    ),
}


@dataclass(frozen=True)
class DemoHromada:
    katottg: str
    name_uk: str
    name_latin: str
    oblast_katottg: str  # checked against the registry: several hromadas share a name


@dataclass(frozen=True)
class DemoPhase:
    number: int
    name_uk: str
    name_en: str
    name_nl: str
    starts_on: datetime.date
    ends_on: datetime.date
    hromadas: tuple[DemoHromada, ...]


MYKOLAIV = "UA48000000000039575"
KHERSON = "UA65000000000030969"
SUMY = "UA59000000000057109"
KHARKIV = "UA63000000000041885"
CHERNIHIV = "UA74000000000025378"
DNIPROPETROVSK = "UA12000000000090473"

PHASES = (
    DemoPhase(
        number=1,
        name_uk="Фаза 1: раннє відновлення",
        name_en="Phase 1: early recovery",
        name_nl="Fase 1: vroeg herstel",
        starts_on=datetime.date(2022, 10, 1),
        ends_on=datetime.date(2024, 3, 31),
        # Illustrative selection: the programme worked with four hromadas in Kherson and Mykolaiv
        # oblasts; these four smaller-city hromadas stand in for them in the demo.
        hromadas=(
            DemoHromada("UA48040070000056126", "Вознесенська", "Voznesenska", MYKOLAIV),
            DemoHromada("UA48020150000051082", "Новобузька", "Novobuzka", MYKOLAIV),
            DemoHromada("UA65020050000086746", "Великоолександрівська", "Velykooleksandrivska", KHERSON),
            DemoHromada("UA65100010000048953", "Білозерська", "Bilozerska", KHERSON),
        ),
    ),
    DemoPhase(
        number=2,
        name_uk="Фаза 2: сталість і стійкість",
        name_en="Phase 2: sustainability and resilience",
        name_nl="Fase 2: duurzaamheid en weerbaarheid",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2025, 12, 31),
        hromadas=(
            # Named in public sources as phase-2 hromadas.
            DemoHromada("UA48020010000091496", "Баштанська", "Bashtanska", MYKOLAIV),
            DemoHromada("UA65020010000060480", "Бериславська", "Beryslavska", KHERSON),
            DemoHromada("UA65020070000029027", "Високопільська", "Vysokopilska", KHERSON),
            DemoHromada("UA59020070000032449", "Конотопська", "Konotopska", SUMY),
            DemoHromada("UA63060070000031032", "Наталинська", "Natalynska", KHARKIV),
            DemoHromada("UA59060090000012687", "Недригайлівська", "Nedryhailivska", SUMY),
            DemoHromada("UA48060250000061313", "Очаківська", "Ochakivska", MYKOLAIV),
            DemoHromada("UA48080130000028458", "Первомайська", "Pervomaiska", MYKOLAIV),
            # Illustrative: filled up to fifteen from the oblasts the programme covers. (Pokrovska,
            # Semenivska and Trostianetska exist in other oblasts too; these are the ones meant.)
            DemoHromada("UA12100090000022751", "Перещепинська", "Pereshchepynska", DNIPROPETROVSK),
            DemoHromada("UA12080090000039979", "Покровська", "Pokrovska", DNIPROPETROVSK),
            DemoHromada("UA59040130000041676", "Тростянецька", "Trostianetska", SUMY),
            DemoHromada("UA63020010000079018", "Богодухівська", "Bohodukhivska", KHARKIV),
            DemoHromada("UA74060070000028810", "Семенівська", "Semenivska", CHERNIHIV),
            DemoHromada("UA74020010000010449", "Корюківська", "Koriukivska", CHERNIHIV),
            DemoHromada("UA48020190000083597", "Снігурівська", "Snihurivska", MYKOLAIV),
        ),
    ),
)


@dataclass(frozen=True)
class DemoField:
    number: int
    code: str
    name_uk: str
    name_en: str
    name_nl: str


FIELDS = (
    DemoField(
        1,
        "safety-security-resilience",
        "Безпека, захищеність і стійкість",
        "Safety, security and resilience",
        "Veiligheid, beveiliging en weerbaarheid",
    ),
    DemoField(
        2,
        "local-economic-development",
        "Місцевий економічний розвиток і управління проєктами",
        "Local economic development and project management",
        "Lokale economische ontwikkeling en projectmanagement",
    ),
    DemoField(
        3,
        "decentralisation-democratisation",
        "Децентралізація та демократизація в умовах війни",
        "Decentralisation and democratisation during wartime",
        "Decentralisatie en democratisering in oorlogstijd",
    ),
)


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation of the demo. Its stable key is (is_demo, kind) and, for Dutch municipalities,
    the registry entry: the demo has one organisation of every other kind."""

    kind: OrganisationKind
    name_uk: str
    name_en: str
    name_nl: str
    country: str
    website: str = ""
    cbs_code: str = ""


SAFETY_REGION_UTRECHT = DemoOrganisation(
    OrganisationKind.SAFETY_REGION,
    "Регіон безпеки Утрехт",
    "Safety Region Utrecht",
    "Veiligheidsregio Utrecht",
    "NL",
    "https://www.vru.nl/",
)
ORGANISATIONS = (
    DemoOrganisation(
        OrganisationKind.CITIES_ASSOCIATION,
        "Асоціація міст України",
        "Association of Ukrainian Cities",
        "Vereniging van Oekraïense Steden",
        "UA",
        "https://auc.org.ua/",
    ),
    DemoOrganisation(
        OrganisationKind.IMPLEMENTING_AGENCY,
        "VNG International",
        "VNG International",
        "VNG International",
        "NL",
        "https://www.vng-international.nl/",
    ),
    DemoOrganisation(
        OrganisationKind.DONOR,
        "Міністерство закордонних справ Нідерландів",
        "Ministry of Foreign Affairs of the Netherlands",
        "Ministerie van Buitenlandse Zaken",
        "NL",
        "https://www.government.nl/ministries/ministry-of-foreign-affairs",
    ),
    DemoOrganisation(
        OrganisationKind.DUTCH_MUNICIPALITY,
        "Муніципалітет Гааги",
        "Municipality of The Hague",
        "Gemeente Den Haag",
        "NL",
        "https://www.denhaag.nl/",
        cbs_code="GM0518",  # 's-Gravenhage
    ),
    DemoOrganisation(
        OrganisationKind.DUTCH_MUNICIPALITY,
        "Муніципалітет Реден",
        "Municipality of Rheden",
        "Gemeente Rheden",
        "NL",
        "https://www.rheden.nl/",
        cbs_code="GM0275",
    ),
    DemoOrganisation(
        OrganisationKind.DUTCH_MUNICIPALITY,
        "Муніципалітет Аудеватер",
        "Municipality of Oudewater",
        "Gemeente Oudewater",
        "NL",
        "https://www.oudewater.nl/",
        cbs_code="GM0589",
    ),
    DemoOrganisation(
        OrganisationKind.DUTCH_MUNICIPALITY,
        "Муніципалітет Ренен",
        "Municipality of Rhenen",
        "Gemeente Rhenen",
        "NL",
        "https://www.rhenen.nl/",
        cbs_code="GM0340",
    ),
    SAFETY_REGION_UTRECHT,
    DemoOrganisation(
        OrganisationKind.EU_MUNICIPALITY,
        "Місто Мінськ-Мазовецький",
        "Town of Mińsk Mazowiecki",
        "Gemeente Mińsk Mazowiecki",
        "PL",
    ),
)


@dataclass(frozen=True)
class DemoAccountSpec:
    key: str
    full_name: str
    role: Role

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


ACCOUNTS = (
    DemoAccountSpec("admin", "Demo administrator", Role.PROGRAMME_ADMIN),
    DemoAccountSpec("coordinator", "Demo coordinator", Role.PROGRAMME_COORDINATOR),
    DemoAccountSpec("editor", "Demo hromada editor", Role.HROMADA_EDITOR),
    DemoAccountSpec("viewer", "Demo hromada viewer", Role.HROMADA_VIEWER),
    DemoAccountSpec("expert", "Demo partner expert", Role.PARTNER_EXPERT),
)
# The hromada editor and viewer belong to the first phase-2 hromada.
MEMBER_HROMADA = PHASES[1].hromadas[0]


# --- result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    role: str  # translated role name
    email: str
    scope: str  # the programme, hromada or organisation the role is held in


@dataclass
class DemoResult:
    programme: Programme
    password: str
    accounts: list[DemoAccount]
    totp_secret: str
    totp_uri: str
    created: list[str] = field(default_factory=list)  # what this run created, e.g. "participation: ..."

    @property
    def created_anything(self) -> bool:
        return bool(self.created)


# --- the service -----------------------------------------------------------------------------


def demo_create(*, password: str = DEFAULT_PASSWORD) -> DemoResult:
    """Create (or complete) the demo content and accounts. See the module docstring."""
    if not Hromada.objects.exists():
        raise DemoError(
            "The registry is empty: no hromadas are loaded. Run `vidnova load-registry` first, "
            "then `vidnova create-demo` again."
        )
    hromadas = _registry_hromadas()
    municipalities = _registry_municipalities()
    created: list[str] = []

    with transaction.atomic():
        programme = _programme(created)
        phases = {spec.number: _phase(programme, spec, created) for spec in PHASES}
        for field_spec in FIELDS:
            _field(programme, field_spec, created)

        users = {spec.key: _user(spec, password, created) for spec in ACCOUNTS}
        admin = users["admin"]
        _membership(users["admin"], Role.PROGRAMME_ADMIN, created, programme=programme)
        _membership(users["coordinator"], Role.PROGRAMME_COORDINATOR, created, programme=programme)
        _totp(admin, created)
        access.forget_roles(admin)  # the administrator acts below with the role just granted

        organisations = [_organisation(admin, spec, programme, municipalities, created) for spec in ORGANISATIONS]
        for spec in PHASES:
            for demo_hromada in spec.hromadas:
                _participation(admin, phases[spec.number], hromadas[demo_hromada.katottg], spec, created)

        member_hromada = hromadas[MEMBER_HROMADA.katottg]
        safety_region = organisations[ORGANISATIONS.index(SAFETY_REGION_UTRECHT)]
        _membership(users["editor"], Role.HROMADA_EDITOR, created, hromada=member_hromada)
        _membership(users["viewer"], Role.HROMADA_VIEWER, created, hromada=member_hromada)
        _membership(users["expert"], Role.PARTNER_EXPERT, created, organisation=safety_region)
        create_demo_plans(programme=programme, users=users, created=created)
        versions_before = InstrumentVersion.objects.count()
        instrument = instrument_load_default(acting_user=None)  # idempotent: same file, same version
        if InstrumentVersion.objects.count() != versions_before:
            created.append(f"assessment instrument: {instrument}")
        create_demo_assessments(programme=programme, version=instrument, users=users, created=created)
        create_demo_projects(programme=programme, users=users, created=created)
        create_demo_partnerships(programme=programme, users=users, organisations=organisations, created=created)

    hromada_scope = f"{member_hromada.name_latin} / {member_hromada.name_uk} ({member_hromada.katottg})"
    scopes = {
        "admin": f"programme {programme.slug}",
        "coordinator": f"programme {programme.slug}",
        "editor": hromada_scope,
        "viewer": hromada_scope,
        "expert": safety_region.name,
    }
    accounts = [DemoAccount(role=str(spec.role.label), email=spec.email, scope=scopes[spec.key]) for spec in ACCOUNTS]
    return DemoResult(
        programme=programme,
        password=password,
        accounts=accounts,
        totp_secret=DEMO_TOTP_SECRET,
        # The otpauth:// URI exactly as allauth shows it in its QR code (issuer from MFA_TOTP_ISSUER).
        totp_uri=get_mfa_adapter().build_totp_url(admin, DEMO_TOTP_SECRET),
        created=created,
    )


def _registry_hromadas() -> dict[str, Hromada]:
    wanted = {hromada.katottg: hromada for phase in PHASES for hromada in phase.hromadas}
    found = {
        hromada.katottg: hromada for hromada in Hromada.objects.filter(katottg__in=wanted).select_related("oblast")
    }
    problems = []
    for code, spec in sorted(wanted.items()):
        hromada = found.get(code)
        if hromada is None:
            problems.append(f"{spec.name_uk} ({code}) is not in the registry")
        elif hromada.oblast.katottg != spec.oblast_katottg:
            problems.append(f"{spec.name_uk} ({code}) lies in {hromada.oblast.name_uk}, not in {spec.oblast_katottg}")
    if problems:
        raise DemoError(
            "The loaded registry does not match the demo's hromadas: "
            + "; ".join(problems)
            + ". Load the registry shipped with this version (`vidnova load-registry`)."
        )
    return found


def _registry_municipalities() -> dict[str, DutchMunicipality]:
    wanted = {spec.cbs_code for spec in ORGANISATIONS if spec.cbs_code}
    found = {
        municipality.cbs_code: municipality for municipality in DutchMunicipality.objects.filter(cbs_code__in=wanted)
    }
    missing = sorted(wanted - set(found))
    if missing:
        raise DemoError(
            "The registry of Dutch municipalities lacks "
            + ", ".join(missing)
            + ". Load the registry shipped with this version (`vidnova load-registry`)."
        )
    return found


def _programme(created: list[str]) -> Programme:
    programme, was_created = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG, defaults={**PROGRAMME, "is_demo": True}
    )
    if was_created:
        created.append(f"programme {programme.slug}")
    return programme


def _phase(programme: Programme, spec: DemoPhase, created: list[str]) -> Phase:
    phase, was_created = Phase.objects.get_or_create(
        programme=programme,
        number=spec.number,
        defaults={
            "name_uk": spec.name_uk,
            "name_en": spec.name_en,
            "name_nl": spec.name_nl,
            "starts_on": spec.starts_on,
            "ends_on": spec.ends_on,
        },
    )
    if was_created:
        created.append(f"phase {spec.number}")
    return phase


def _field(programme: Programme, spec: DemoField, created: list[str]) -> Field:
    programme_field, was_created = Field.objects.get_or_create(
        programme=programme,
        code=spec.code,
        defaults={"number": spec.number, "name_uk": spec.name_uk, "name_en": spec.name_en, "name_nl": spec.name_nl},
    )
    if was_created:
        created.append(f"field {spec.code}")
    return programme_field


def _user(spec: DemoAccountSpec, password: str, created: list[str]) -> User:
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            email=spec.email,
            password=password,
            full_name=spec.full_name,
            is_demo=True,
            is_staff=spec.role == Role.PROGRAMME_ADMIN,
        )
        created.append(f"account {spec.email}")
    elif not user.check_password(password):
        # The operator chose another demo password: it replaces the old one (demo accounts only).
        if not user.is_demo:
            raise DemoError(f"{spec.email} exists and is not a demo account; the demo leaves it alone.")
        user.set_password(password)
        user.save(update_fields=["password"])
        created.append(f"new password for {spec.email}")
    _address, address_created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if address_created:
        created.append(f"verified email address {user.email}")
    return user


def _membership(
    user: User,
    role: Role,
    created: list[str],
    *,
    programme: Programme | None = None,
    hromada: Hromada | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    membership, was_created = Membership.objects.get_or_create(
        user=user, role=role, programme=programme, hromada=hromada, organisation=organisation
    )
    if was_created:
        record(
            actor=None,
            action="accounts.membership.created",
            target=membership,
            data={"role": role.value, "source": "create_demo"},
            hromada=membership.hromada,
        )
        created.append(f"role {role.value} for {user.email}")
    return membership


def _totp(user: User, created: list[str]) -> None:
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, DEMO_TOTP_SECRET)
    created.append(f"TOTP authenticator for {user.email}")


def _organisation(
    admin: User,
    spec: DemoOrganisation,
    programme: Programme,
    municipalities: dict[str, DutchMunicipality],
    created: list[str],
) -> Organisation:
    municipality = municipalities[spec.cbs_code] if spec.cbs_code else None
    lookup = Organisation.objects.filter(is_demo=True, kind=spec.kind)
    if municipality is not None:
        lookup = lookup.filter(dutch_municipality=municipality)
    organisation = lookup.order_by("pk").first()
    if organisation is None:
        organisation = services.organisation_create(
            acting_user=admin,
            kind=spec.kind,
            name_uk=spec.name_uk,
            name_en=spec.name_en,
            name_nl=spec.name_nl,
            country=spec.country,
            website=spec.website,
            dutch_municipality=municipality,
            programmes=[programme],
            is_demo=True,
        )
        created.append(f"organisation {spec.name_en}")
    elif not organisation.programmes.filter(pk=programme.pk).exists():
        # Someone unlinked it since the last run; the demo needs it linked again.
        organisation.programmes.add(programme)
        created.append(f"link of {spec.name_en} to the programme")
    return organisation


def _participation(admin: User, phase: Phase, hromada: Hromada, spec: DemoPhase, created: list[str]) -> None:
    if Participation.objects.filter(phase=phase, hromada=hromada).exists():
        return
    try:
        services.participation_add(acting_user=admin, phase=phase, hromada=hromada, joined_on=spec.starts_on)
    except ValidationError as error:  # pragma: no cover - the phase dates hold the joining dates
        raise DemoError("; ".join(error.messages)) from error
    created.append(f"participation of {hromada.name_uk} in phase {spec.number}")
