"""The demo partnerships: contact persons and expertise offers of the demo partners, a few hand-typed
needs and partner search profiles, pair constraints, one match run over the programme's hromadas, a
partnership made from one of its suggestions, and a closed phase-1 partnership that shows history.

The partners are the programme's real ones (The Hague, Rheden, Oudewater, Rhenen, the Safety Region
Utrecht and Mińsk Mazowiecki); the offers are plausible, not quoted from them. No real people are
named: contacts and signatories are described by their function.

How records are made: through the services, acting as the demo accounts, so the audit log reads like
real work. The demo partner expert (Safety Region Utrecht) keeps her own organisation's contacts and
offers; the demo coordinator those of the other partners, the needs, the constraints, the run and the
partnerships; the demo hromada editor her own hromada's profile and need. The match run is created
with ``match_run_create`` and executed at once with ``match_run_execute`` inside the demo's
transaction (no thread, no worker; the task the run queues on commit finds it done and does nothing).
Records whose services have no ``is_demo`` argument are marked as demo content afterwards.

Idempotent like the rest of the demo (vidnova.programmes.demo): a contact is identified by its
organisation and name, an offer by its organisation and title, a need by programme, hromada and theme,
a profile and a constraint by their pair, the run by its title, the partnerships by their title (the
accepted one by its suggestion); every step that already happened is skipped, so a second run creates
nothing.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db import transaction

from vidnova.accounts import access
from vidnova.accounts.models import User
from vidnova.partnerships.matching.types import Weights
from vidnova.partnerships.models import (
    ActivityKind,
    AgreementKind,
    ConstraintKind,
    Decision,
    ExpertiseOffer,
    FollowUpStatus,
    HromadaPartnerProfile,
    MatchRun,
    MatchSuggestion,
    Need,
    NeedStatus,
    PairConstraint,
    PartnerContact,
    PartnerRole,
    Partnership,
    PartnershipStatus,
    RunStatus,
    Theme,
)
from vidnova.partnerships.services.activities import activity_create, follow_up_set_done
from vidnova.partnerships.services.contacts import contact_create
from vidnova.partnerships.services.matching import (
    constraint_set,
    match_run_create,
    match_run_execute,
    suggestion_accept,
)
from vidnova.partnerships.services.needs import need_create, profile_save
from vidnova.partnerships.services.offers import offer_create
from vidnova.partnerships.services.partnerships import agreement_add, partnership_create, partnership_transition
from vidnova.programmes.models import Organisation, OrganisationKind, Programme
from vidnova.registry.models import Hromada

# The demo partners by their stable keys in vidnova.programmes.demo.ORGANISATIONS (names may be
# edited since): the registry code of a Dutch municipality, the kind of the others (one each).
THE_HAGUE = "GM0518"
RHEDEN = "GM0275"
OUDEWATER = "GM0589"
RHENEN = "GM0340"
SAFETY_REGION_UTRECHT = "safety_region"
MINSK_MAZOWIECKI = "eu_municipality"
# Signatories sign on behalf of these.
AUC = "Association of Ukrainian Cities"
VNG_INTERNATIONAL = "VNG International"

# Programme hromadas the demo refers to (codes from vidnova.programmes.demo.PHASES).
BASHTANSKA = "UA48020010000091496"  # phase 2; the demo editor's and viewer's hromada
OCHAKIVSKA = "UA48060250000061313"  # phase 2
KORIUKIVSKA = "UA74020010000010449"  # phase 2
TROSTIANETSKA = "UA59040130000041676"  # phase 2
POKROVSKA = "UA12080090000039979"  # phase 2
VOZNESENSKA = "UA48040070000056126"  # phase 1

AVAILABLE_FROM = datetime.date(2026, 1, 1)
AVAILABLE_UNTIL = datetime.date(2027, 12, 31)
EMAIL_DOMAIN = "partners.demo.vidnova.local"


@dataclass(frozen=True)
class DemoContact:
    organisation: str
    full_name: str
    position: str
    email: str
    languages: tuple[str, ...]
    is_primary: bool = False


CONTACTS = (
    DemoContact(
        THE_HAGUE,
        "International cooperation adviser (demo)",
        "Adviser, international cooperation",
        f"international.denhaag@{EMAIL_DOMAIN}",
        ("nl", "en"),
        is_primary=True,
    ),
    DemoContact(
        THE_HAGUE,
        "Participation programme lead (demo)",
        "Programme lead, citizen participation",
        f"participation.denhaag@{EMAIL_DOMAIN}",
        ("nl", "en"),
    ),
    DemoContact(
        RHEDEN,
        "Ukraine partnership coordinator (demo)",
        "Coordinator, Ukraine partnership",
        f"ukraine.rheden@{EMAIL_DOMAIN}",
        ("nl", "en", "de"),
        is_primary=True,
    ),
    DemoContact(
        OUDEWATER,
        "Integrity officer (demo)",
        "Integrity and compliance officer",
        f"integrity.oudewater@{EMAIL_DOMAIN}",
        ("nl", "en"),
        is_primary=True,
    ),
    DemoContact(
        RHENEN,
        "Project office lead (demo)",
        "Head of the project office",
        f"projects.rhenen@{EMAIL_DOMAIN}",
        ("nl", "en"),
        is_primary=True,
    ),
    DemoContact(
        SAFETY_REGION_UTRECHT,
        "Crisis management adviser (demo)",
        "Senior adviser, crisis management",
        f"crisis.vru@{EMAIL_DOMAIN}",
        ("nl", "en", "de"),
        is_primary=True,
    ),
    DemoContact(
        SAFETY_REGION_UTRECHT,
        "Fire service trainer (demo)",
        "Trainer, fire and rescue",
        f"training.vru@{EMAIL_DOMAIN}",
        ("nl", "en"),
    ),
    DemoContact(
        MINSK_MAZOWIECKI,
        "EU funds officer (demo)",
        "Head of the EU funds office",
        f"eufunds.minsk@{EMAIL_DOMAIN}",
        ("pl", "en", "uk"),
        is_primary=True,
    ),
)


@dataclass(frozen=True)
class DemoOffer:
    organisation: str
    title: str
    description: str
    themes: tuple[str, ...]
    modes: tuple[str, ...]
    capacity: int
    languages: tuple[str, ...]


OFFERS = (
    DemoOffer(
        THE_HAGUE,
        "Citizen participation: neighbourhood budgets and resident panels / Участь мешканців",
        "How The Hague runs neighbourhood budgets and resident panels, and how a hromada can start small: "
        "a first participatory budget round, a residents' panel on recovery priorities, feedback to residents.",
        ("citizen-participation",),
        ("remote_coaching", "study_visit"),
        3,
        ("en", "nl"),
    ),
    DemoOffer(
        THE_HAGUE,
        "Digital services and administrative capacity",
        "Coaching for the administrative services centre and the council's staff: digital service catalogues, "
        "case handling, staff development and internal procedures.",
        ("administrative-capacity",),
        ("remote_coaching", "peer_exchange"),
        2,
        ("en", "nl"),
    ),
    DemoOffer(
        THE_HAGUE,
        "Local finance: budgeting and fundraising",
        "Multi-year budgeting, own revenues and preparing applications to donors and national funds.",
        ("local-finance",),
        ("remote_coaching", "expert_mission"),
        2,
        ("en", "nl"),
    ),
    DemoOffer(
        RHEDEN,
        "Local economy: support for small businesses",
        "Business support desks, working with local entrepreneurs and the employment service, and a small "
        "grants scheme for businesses that relocated.",
        ("local-economy",),
        ("peer_exchange", "study_visit"),
        2,
        ("en", "nl", "de"),
    ),
    DemoOffer(
        RHEDEN,
        "Youth and veteran councils / Молодіжні та ветеранські ради",
        "Setting up advisory councils of young people and of war veterans: mandate, selection, meetings with "
        "the council, and keeping them going.",
        ("youth-veteran-councils",),
        ("remote_coaching", "peer_exchange"),
        2,
        ("en", "nl", "de"),
    ),
    DemoOffer(
        OUDEWATER,
        "Integrity and openness in a small town",
        "An integrity plan for a small council: conflict-of-interest declarations, open council documents, "
        "a confidential adviser, and training for new staff.",
        ("anti-corruption", "transparency"),
        ("remote_coaching",),
        1,
        ("en", "nl"),
    ),
    DemoOffer(
        OUDEWATER,
        "Energy resilience for small towns",
        "Back-up power for water and heating, a local energy plan, and the first steps towards community "
        "solar for public buildings.",
        ("energy-resilience",),
        ("remote_coaching", "equipment_donation"),
        2,
        ("en", "nl"),
    ),
    DemoOffer(
        RHENEN,
        "Recovery planning: from needs to a plan",
        "Turning the needs assessment into a local recovery and development plan with priorities, indicators "
        "and a project pipeline.",
        ("recovery-planning",),
        ("remote_coaching", "expert_mission"),
        2,
        ("en", "nl"),
    ),
    DemoOffer(
        RHENEN,
        "Project preparation for DREAM",
        "Preparing project ideas for DREAM: project concepts, cost estimates, readiness documents and the "
        "appraisal steps.",
        ("dream-project-preparation", "public-investment"),
        ("remote_coaching", "peer_exchange"),
        3,
        ("en", "nl"),
    ),
    DemoOffer(
        SAFETY_REGION_UTRECHT,
        "Crisis planning and crisis management / Кризове планування",
        "A crisis plan for the hromada: risk profile, crisis team and roles, exercises, and working with the "
        "oblast and the State Emergency Service.",
        ("crisis-planning",),
        ("remote_coaching", "study_visit", "expert_mission"),
        3,
        ("en", "nl", "de"),
    ),
    DemoOffer(
        SAFETY_REGION_UTRECHT,
        "Civil protection: shelters and warning",
        "Shelter inventories and maintenance, warning residents (sirens, cell broadcast, door-to-door), and "
        "care for residents during and after an incident.",
        ("civil-protection",),
        ("remote_coaching", "peer_exchange"),
        2,
        ("en", "nl"),
    ),
    DemoOffer(
        SAFETY_REGION_UTRECHT,
        "Fire and rescue: volunteer fire brigades",
        "Organising and training volunteer fire brigades, with donated protective equipment.",
        ("fire-rescue",),
        ("study_visit", "equipment_donation"),
        1,
        ("en", "nl"),
    ),
    DemoOffer(
        MINSK_MAZOWIECKI,
        "EU integration of a municipality",
        "What EU membership asked of a Polish municipality: EU rules in local services, partnerships with "
        "EU towns, and building a team for EU programmes.",
        ("eu-integration",),
        ("peer_exchange", "study_visit"),
        3,
        ("pl", "en", "uk"),
    ),
    DemoOffer(
        MINSK_MAZOWIECKI,
        "Public investment and procurement with EU funds",
        "Preparing, procuring and accounting for investments co-financed by EU funds, from the Polish "
        "experience since 2004.",
        ("public-investment", "procurement"),
        ("remote_coaching", "peer_exchange"),
        2,
        ("pl", "en", "uk"),
    ),
)


@dataclass(frozen=True)
class DemoNeed:
    katottg: str
    theme: str
    severity: int
    description: str


NEEDS = (
    DemoNeed(
        BASHTANSKA,
        "crisis-planning",
        3,
        "The crisis plan dates from before the full-scale invasion; the crisis team has no exercise routine.",
    ),
    DemoNeed(
        BASHTANSKA,
        "youth-veteran-councils",
        3,
        "Veterans are coming home and want a say: the council wants a veterans' council and a youth council.",
    ),
    DemoNeed(
        OCHAKIVSKA,
        "civil-protection",
        3,
        "Shelters in schools need a maintenance plan and the warning system does not reach the outlying villages.",
    ),
    DemoNeed(KORIUKIVSKA, "local-economy", 2, "Small businesses that moved here need a support desk."),
    DemoNeed(TROSTIANETSKA, "dream-project-preparation", 2, "Three project ideas need documents before DREAM."),
)


@dataclass(frozen=True)
class DemoProfile:
    katottg: str
    data: Mapping[str, Any] = field(default_factory=dict)
    by_editor: bool = False


PROFILES = (
    DemoProfile(
        BASHTANSKA,
        {
            "seeks_partner": True,
            "languages": ["uk", "en"],
            "preferred_modes": ["remote_coaching", "study_visit"],
            "note": "The deputy head and two staff members work in English.",
        },
        by_editor=True,
    ),
    DemoProfile(
        VOZNESENSKA,
        {"seeks_partner": True, "languages": ["uk", "en"], "note": "Continues the phase-1 contacts."},
    ),
    DemoProfile(
        POKROVSKA,
        {
            "seeks_partner": False,
            "languages": ["uk"],
            "note": "Has a partner municipality through another programme; not looking for now.",
        },
    ),
)

RUN_TITLE = "Demo match run"
RUN_STARTS_ON = datetime.date(2026, 9, 1)
RUN_WEIGHTS = Weights(theme=60, mode=10, language=10, ties=10, size=10, fairness=20)
# The pair the coordinator locks in (then accepts) and the pair she rules out.
LOCKED = (BASHTANSKA, SAFETY_REGION_UTRECHT, "Crisis planning and crisis management / Кризове планування")
LOCK_REASON = "Agreed with the hromada and the safety region at the programme's partner meeting."
RULED_OUT = (OCHAKIVSKA, OUDEWATER, "Energy resilience for small towns")
RULE_OUT_REASON = "The hromada's energy back-up is already funded by another donor."

MEMORANDUM_SIGNED = datetime.date(2026, 9, 15)
FIRST_VISIT = datetime.date(2026, 10, 6)

HISTORY_TITLE = "Crisis management exchange with Voznesenska hromada (phase 1)"


def _signatories(hromada: Hromada) -> list[dict[str, str]]:
    return [
        {"full_name": "Executive director (demo)", "position": "Executive director", "organisation_name": AUC},
        {
            "full_name": "Programme manager (demo)",
            "position": "Programme manager",
            "organisation_name": VNG_INTERNATIONAL,
        },
        {
            "full_name": "Head of the hromada (demo)",
            "position": "Head of the hromada",
            "organisation_name": f"{hromada.name_uk} територіальна громада",
        },
    ]


def _key(organisation: Organisation) -> str:
    municipality = organisation.dutch_municipality
    return municipality.cbs_code if municipality is not None else organisation.kind


def ensure_themes(created: list[str]) -> None:
    """The theme taxonomy is seeded by migration 0002 from data/themes.csv. A database emptied since
    (a flushing test, a restore of only some tables) gets it again from the same file."""
    if Theme.objects.exists():
        return
    seed = importlib.import_module("vidnova.partnerships.migrations.0002_themes")
    seed.load_themes(django_apps, None)
    created.append(f"{Theme.objects.count()} themes")


def create_demo_partnerships(
    *,
    programme: Programme,
    users: Mapping[str, User],
    organisations: Sequence[Organisation],
    created: list[str],
) -> None:
    """Create the demo's partnership records that do not exist yet (see the module docstring); what
    this run creates is appended to ``created``."""
    for user in users.values():
        access.forget_roles(user)  # act with the roles the demo has just granted
    coordinator, expert, editor = users["coordinator"], users["expert"], users["editor"]
    partners = {_key(organisation): organisation for organisation in organisations}
    codes = {BASHTANSKA, OCHAKIVSKA, KORIUKIVSKA, TROSTIANETSKA, POKROVSKA, VOZNESENSKA}
    hromadas = {hromada.katottg: hromada for hromada in Hromada.objects.filter(katottg__in=codes)}
    safety_region = partners[SAFETY_REGION_UTRECHT]

    def acting_for(organisation: Organisation) -> User:
        return expert if organisation.pk == safety_region.pk else coordinator

    with transaction.atomic():
        ensure_themes(created)

        # Contact persons.
        for spec in CONTACTS:
            organisation = partners[spec.organisation]
            if PartnerContact.objects.filter(organisation=organisation, full_name=spec.full_name).exists():
                continue
            contact_create(
                acting_user=acting_for(organisation),
                organisation=organisation,
                data={
                    "full_name": spec.full_name,
                    "position": spec.position,
                    "email": spec.email,
                    "languages": list(spec.languages),
                    "is_primary": spec.is_primary,
                },
            )
            created.append(f"contact {spec.full_name} of {organisation.name_en}")

        # Expertise offers.
        offers: dict[tuple[str, str], ExpertiseOffer] = {}
        for offer_spec in OFFERS:
            organisation = partners[offer_spec.organisation]
            offer = ExpertiseOffer.objects.filter(organisation=organisation, title=offer_spec.title).first()
            if offer is None:
                offer = offer_create(
                    acting_user=acting_for(organisation),
                    organisation=organisation,
                    data={
                        "title": offer_spec.title,
                        "description": offer_spec.description,
                        "text_language": "en",
                        "themes": list(offer_spec.themes),
                        "modes": list(offer_spec.modes),
                        "capacity": offer_spec.capacity,
                        "languages": list(offer_spec.languages),
                        "available_from": AVAILABLE_FROM,
                        "available_until": AVAILABLE_UNTIL,
                    },
                )
                ExpertiseOffer.objects.filter(pk=offer.pk).update(is_demo=True)
                created.append(f"expertise offer {offer_spec.title}")
            offers[(offer_spec.organisation, offer_spec.title)] = offer

        # Needs typed by hand and partner search profiles.
        for need_spec in NEEDS:
            hromada = hromadas[need_spec.katottg]
            if Need.objects.filter(
                programme=programme, hromada=hromada, theme__code=need_spec.theme, status=NeedStatus.OPEN
            ).exists():
                continue
            need = need_create(
                acting_user=editor if need_spec.katottg == BASHTANSKA else coordinator,
                programme=programme,
                hromada=hromada,
                theme=need_spec.theme,
                severity=need_spec.severity,
                description=need_spec.description,
            )
            Need.objects.filter(pk=need.pk).update(is_demo=True)
            created.append(f"need {need_spec.theme} of {hromada.name_uk}")
        for profile_spec in PROFILES:
            hromada = hromadas[profile_spec.katottg]
            if HromadaPartnerProfile.objects.filter(programme=programme, hromada=hromada).exists():
                continue
            profile_save(
                acting_user=editor if profile_spec.by_editor else coordinator,
                programme=programme,
                hromada=hromada,
                data=profile_spec.data,
                expected_version=None,
            )
            created.append(f"partner search profile of {hromada.name_uk}")

        # The phase-1 partnership, closed: history, and ties for the run below.
        _history(programme, coordinator, hromadas[VOZNESENSKA], safety_region, created)

        # The coordinator's constraints.
        for (katottg, partner_key, title), kind, reason in (
            (LOCKED, ConstraintKind.LOCK, LOCK_REASON),
            (RULED_OUT, ConstraintKind.RULE_OUT, RULE_OUT_REASON),
        ):
            hromada, offer = hromadas[katottg], offers[(partner_key, title)]
            if PairConstraint.objects.filter(programme=programme, hromada=hromada, offer=offer).exists():
                continue
            constraint_set(
                acting_user=coordinator, programme=programme, hromada=hromada, offer=offer, kind=kind, reason=reason
            )
            created.append(f"constraint {kind} {hromada.name_uk} – {offer.title}")

        # One match run over every programme hromada, executed here and now.
        run = MatchRun.objects.filter(programme=programme, title=RUN_TITLE).order_by("pk").first()
        if run is None:
            run = match_run_create(
                acting_user=coordinator,
                programme=programme,
                starts_on=RUN_STARTS_ON,
                weights=RUN_WEIGHTS,
                title=RUN_TITLE,
            )
            MatchRun.objects.filter(pk=run.pk).update(is_demo=True)
            match_run_execute(run.pk)
            run.refresh_from_db()
            if run.status != RunStatus.DONE:
                from vidnova.programmes.demo import DemoError

                raise DemoError(f"The demo match run did not finish: {run.error or run.status}")
            created.append(f"match run {RUN_TITLE} ({run.suggestions.count()} suggested matches)")

        # The locked pair is accepted and becomes an active partnership with its memorandum and a visit.
        if run.status == RunStatus.DONE:
            locked_offer = offers[(LOCKED[1], LOCKED[2])]
            suggestion = (
                MatchSuggestion.objects.filter(run=run, hromada=hromadas[BASHTANSKA], offer=locked_offer).first()
                or MatchSuggestion.objects.filter(run=run).order_by("-score", "pk").first()
            )
            if suggestion is not None:
                _accepted(suggestion, coordinator, editor, created)
            _accepted_with_a_dutch_municipality(run, coordinator, created)


def _history(
    programme: Programme, coordinator: User, hromada: Hromada, safety_region: Organisation, created: list[str]
) -> None:
    if Partnership.objects.filter(programme=programme, hromada=hromada, title=HISTORY_TITLE).exists():
        return
    partnership = partnership_create(
        acting_user=coordinator,
        programme=programme,
        hromada=hromada,
        partners=[(safety_region, PartnerRole.LEAD.value)],
        themes=["crisis-planning", "civil-protection"],
        title=HISTORY_TITLE,
        description="Early recovery: the hromada's first crisis plan and its shelters, with the safety region's experts.",
        starts_on=datetime.date(2023, 3, 1),
        ends_on=datetime.date(2024, 3, 31),
    )
    Partnership.objects.filter(pk=partnership.pk).update(is_demo=True)
    agreement_add(
        acting_user=coordinator,
        partnership=partnership,
        kind=AgreementKind.TRIPARTITE_MEMORANDUM.value,
        title="Memorandum of understanding (phase 1)",
        signed_on=datetime.date(2023, 2, 15),
        valid_until=datetime.date(2024, 3, 31),
        signatories=_signatories(hromada),
    )
    partnership = partnership_transition(
        acting_user=coordinator, partnership=partnership, to_status=PartnershipStatus.AGREED.value
    )
    partnership = partnership_transition(
        acting_user=coordinator, partnership=partnership, to_status=PartnershipStatus.ACTIVE.value
    )
    activity_create(
        acting_user=coordinator,
        partnership=partnership,
        data={
            "kind": ActivityKind.EXPERT_MISSION.value,
            "title": "Review of the crisis plan with the safety region's experts",
            "starts_on": datetime.date(2023, 6, 12),
            "ends_on": datetime.date(2023, 6, 14),
            "location": "Online and in Mykolaiv",
            "outcomes": "The crisis team's roles were settled and a first exercise planned.",
        },
        participants={
            "hromada_staff": {"women": 4, "men": 3},
            "partner_experts": {"women": 1, "men": 2},
        },
    )
    partnership_transition(
        acting_user=coordinator,
        partnership=partnership,
        to_status=PartnershipStatus.CLOSED.value,
        note="Phase 1 ended in March 2024.",
    )
    created.append(f"partnership {HISTORY_TITLE}")


def _accepted_with_a_dutch_municipality(run: MatchRun, coordinator: User, created: list[str]) -> None:
    """The best pending match with a Dutch municipality is accepted too and stays proposed: a
    partnership being prepared, and one that shows on both halves of the map."""
    dutch = MatchSuggestion.objects.filter(
        run=run, locked=False, offer__organisation__kind=OrganisationKind.DUTCH_MUNICIPALITY
    ).order_by("-score", "pk")
    if dutch.filter(decision=Decision.ACCEPTED).exists():
        return
    suggestion = dutch.filter(decision=Decision.PENDING).first()
    if suggestion is None:
        return
    accepted = suggestion_accept(
        acting_user=coordinator, suggestion=suggestion, note="Both sides want to meet; memorandum in preparation."
    )
    Partnership.objects.filter(pk=accepted.pk).update(is_demo=True)
    created.append(f"partnership {accepted.title}")


def _accepted(suggestion: MatchSuggestion, coordinator: User, editor: User, created: list[str]) -> None:
    if suggestion.decision == Decision.PENDING:
        accepted = suggestion_accept(
            acting_user=coordinator, suggestion=suggestion, note="Locked in at the partner meeting; both sides agree."
        )
        Partnership.objects.filter(pk=accepted.pk).update(is_demo=True)
        created.append(f"partnership {accepted.title}")
    partnership = Partnership.objects.filter(suggestion=suggestion).select_related("hromada").first()
    if partnership is None:  # rejected by hand since the last run: nothing more to add
        return
    if not partnership.agreements.exists():
        agreement_add(
            acting_user=coordinator,
            partnership=partnership,
            kind=AgreementKind.TRIPARTITE_MEMORANDUM.value,
            title="Tripartite memorandum of understanding",
            signed_on=MEMORANDUM_SIGNED,
            signatories=_signatories(partnership.hromada),
        )
        created.append(f"memorandum of {partnership.title}")
    if partnership.status == PartnershipStatus.PROPOSED:
        partnership = partnership_transition(
            acting_user=coordinator, partnership=partnership, to_status=PartnershipStatus.AGREED.value
        )
    if partnership.status == PartnershipStatus.AGREED:
        partnership = partnership_transition(
            acting_user=coordinator,
            partnership=partnership,
            to_status=PartnershipStatus.ACTIVE.value,
            note="Work starts with a visit of the hromada's team.",
        )
        created.append(f"{partnership.title} active")
    if partnership.status == PartnershipStatus.ACTIVE and not partnership.activities.exists():
        activity = activity_create(
            acting_user=editor if partnership.hromada.katottg == BASHTANSKA else coordinator,
            partnership=partnership,
            data={
                "kind": ActivityKind.VISIT_TO_PARTNER.value,
                "title": "Working visit of the hromada's crisis team to the safety region",
                "starts_on": FIRST_VISIT,
                "ends_on": FIRST_VISIT + datetime.timedelta(days=3),
                "location": "Utrecht",
                "description": "The crisis team visited the regional crisis centre, a fire station and a shelter exercise.",
                "outcomes": "A template of a hromada crisis plan and an exercise scenario to adapt.",
            },
            participants={
                "hromada_staff": {"women": 3, "men": 2},
                "elected": {"men": 1},
                "partner_experts": {"women": 2, "men": 3},
            },
            follow_ups=[
                {
                    "description": "Send the crisis plan template, translated into Ukrainian",
                    "responsible": "Safety Region Utrecht",
                    "due_on": datetime.date(2026, 10, 31),
                },
                {
                    "description": "Draft the hromada's crisis plan and share it for comments",
                    "responsible": "Hromada crisis team",
                    "due_on": datetime.date(2027, 2, 28),
                },
            ],
        )
        first = activity.follow_ups.filter(status=FollowUpStatus.OPEN).order_by("due_on", "pk").first()
        if first is not None:
            follow_up_set_done(acting_user=coordinator, follow_up=first, done=True)
        created.append(f"first activity of {partnership.title}")
