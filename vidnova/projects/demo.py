"""The demo project ideas: about ten per hromada of the demo programme, across sectors, lifecycle
states and readiness levels, with budgets, financing, locations, risks and parties, then one
prioritisation round with published criteria, two scorers and their scores.

Content is generated deterministically: a random generator seeded with the hromada's KATOTTG code
picks ten of the themes below (shelters in schools, water supply, boiler houses, solar power for the
hospital, a bridge, the administrative services centre, housing for displaced people, demining …),
the places among the hromada's settlements (registry codifier), the costs, the financing and the
state each idea has reached. The same installation data gives the same demo every time.

How records are made: acting as the demo accounts, so the audit log and the history read like real
work. The demo hromada editor writes the ideas of her own hromada and the demo coordinator those of
the others (programme staff may edit every programme hromada); the coordinator takes the funding
decisions (staff-only steps), keeps the exchange rates (``exchange_rate_set``) and runs the
prioritisation round (the prioritisation services); the demo partner expert scores in it after
declaring a conflict of interest. Design documents (``document_add``) and readiness reached beyond
what a state implies (``project_update``) go through the services one by one.

For speed (the demo must stay under 20 s), the ~190 ideas and their ~500 lifecycle steps are written
in bulk, with exactly the rows the services write: every fiche is first checked by the service's own
``project_clean`` and ``full_clean`` (a value they refuse stops the demo); each idea gets one
``projects.project.created`` audit entry with the changes ``project_create`` records, and each step a
transition with its reason and actor, the readiness raised as the state implies, the version bumped
and one ``projects.project.transitioned`` audit entry, after checking it against
``lifecycle.TRANSITIONS`` and ``lifecycle.STAFF_ONLY``. (Through the services one by one the run took
about 19 s instead of about 12 s on a busy development machine with SQLite.)

Some ideas deliberately show the data-quality warnings: a few have local co-financing below 10 %,
three have financing above their cost, and two hromadas have an idea entered twice.

Idempotent like the rest of the demo (vidnova.programmes.demo): an idea is identified by its code
(``<KATOTTG>-<NNN>``), a rate by currency and date, the round by programme and Ukrainian name; what
exists is left as it is, so a second run creates nothing.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from vidnova.accounts import access
from vidnova.accounts.models import User
from vidnova.audit.models import AuditEntry
from vidnova.audit.services import diff
from vidnova.plans.models import GoalLevel, GoalNode, Plan
from vidnova.plans.selectors.plans import current_version
from vidnova.programmes.models import Participation, Programme
from vidnova.projects import lifecycle
from vidnova.projects.models import (
    Currency,
    ExchangeRate,
    PrioritisationRound,
    PriorityCriterion,
    Project,
    ProjectState,
    ProjectTransition,
)
from vidnova.projects.services import prioritisation
from vidnova.projects.services.projects import _CHILDREN as CHILD_FIELDS
from vidnova.projects.services.projects import STATE_READINESS, document_add, project_clean, project_update
from vidnova.projects.services.projects import _fiche_snapshot as fiche_snapshot
from vidnova.projects.services.rates import exchange_rate_set
from vidnova.registry.models import CodifierCategory, CodifierUnit, Hromada

S = ProjectState
PROJECTS_PER_HROMADA = 10
DOCUMENT_HOST = "https://docs.demo.vidnova.local"  # demo links: the .local domain resolves nowhere

# --- exchange rates (NBU-like values, marked as demo values) -------------------------------------

RATE_SOURCE = "НБУ, офіційний курс (демонстраційні значення)"
RATES: tuple[tuple[str, datetime.date, str], ...] = (
    ("EUR", datetime.date(2025, 1, 2), "43.9282"),
    ("USD", datetime.date(2025, 1, 2), "42.0335"),
    ("EUR", datetime.date(2025, 7, 1), "45.4127"),
    ("USD", datetime.date(2025, 7, 1), "41.7806"),
    ("EUR", datetime.date(2026, 1, 2), "44.8615"),
    ("USD", datetime.date(2026, 1, 2), "41.4573"),
    ("EUR", datetime.date(2026, 7, 1), "45.1938"),
    ("USD", datetime.date(2026, 7, 1), "41.5362"),
)
EUR_IN_UAH = Decimal("45")  # for sizing the euro projects only; totals use the rates above
# Lines in another currency than the project's are sized with a margin, so that no conversion at the
# rates above pushes the financing over the cost (only the "over" ideas show that warning).
EUR_IN_UAH_LOW = Decimal("43")
EUR_IN_UAH_HIGH = Decimal("47")

# --- themes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funder:
    finance_type: str
    finance_category: str
    name: str


NL_MFA = Funder(
    "internationalPartners", "abroadState", "Міністерство закордонних справ Нідерландів (через VNG International)"
)
EIB = Funder("internationalPartners", "internationalOrganization", "Європейський інвестиційний банк")
UNDP = Funder("internationalPartners", "internationalOrganization", "Програма розвитку ООН (ПРООН) в Україні")
UNICEF = Funder("internationalPartners", "internationalOrganization", "ЮНІСЕФ Україна")
WORLD_BANK = Funder("internationalPartners", "internationalOrganization", "Світовий банк (проєкт HEAL Ukraine)")
KFW = Funder("internationalPartners", "abroadState", "Уряд Німеччини через KfW")
JICA = Funder("internationalPartners", "abroadState", "Уряд Японії (JICA)")
BUFFETT = Funder("internationalPartners", "abroadEntity", "Фонд Говарда Баффета")
DRC = Funder("internationalPartners", "abroadEntity", "Данська рада у справах біженців")
MINSK = Funder("internationalPartners", "abroadEntity", "Місто Мінськ-Мазовецький (Польща), партнерська програма")
SHELTER_SUBVENTION = Funder("stateFunds", "stateSubsidies", "Субвенція на облаштування укриттів у закладах освіти")
LIQUIDATION = Funder("stateFunds", "liquidationFund", "Фонд ліквідації наслідків збройної агресії")
DFRR = Funder("stateFunds", "stateCentralBudget", "Державний фонд регіонального розвитку")
BUSINESS = Funder("privateInvestments", "legalEntity", "Місцеве агропідприємство (благодійний внесок)")


@dataclass(frozen=True)
class Theme:
    key: str
    title_uk: str
    title_en: str
    problem_uk: str
    problem_en: str
    objective_uk: str
    objective_en: str
    outputs_uk: str
    outputs_en: str
    sectors: tuple[str, ...]
    project_type: str
    purpose: str
    purpose_codes: tuple[str, ...]
    sdg_targets: tuple[str, ...]
    policy_markers: Mapping[str, int]
    bbb: tuple[str, ...]
    cost: tuple[int, int]  # thousand UAH
    budget: tuple[tuple[str, str, int], ...]  # cost item, cost type, percent
    reach: tuple[float, float]  # direct beneficiaries as a share of the population
    funders: tuple[Funder, ...]
    keywords: tuple[str, ...]  # stems matched against the hromada plan's tasks
    owner_uk: str  # who holds the asset ("{council}" is the hromada's council)
    basic_service: bool = False
    sensitive: bool = False
    euro: bool = False  # may be budgeted in euros (donor-led)
    eu_alignment: int = 2  # 1–5, how far it brings the hromada towards the acquis
    centre: bool = True  # usually in the administrative centre


CONSTRUCTION_BUDGET = (
    ("design", "capex", 6),
    ("construction", "capex", 70),
    ("equipment", "capex", 14),
    ("projectManagement", "capex", 4),
    ("contingencies", "capex", 6),
)
EQUIPMENT_BUDGET = (("equipment", "capex", 88), ("projectManagement", "capex", 4), ("maintenance", "opex", 8))

THEMES: tuple[Theme, ...] = (
    Theme(
        "school_shelter",
        "Облаштування протирадіаційного укриття в опорному ліцеї",
        "Radiation shelter in the hub lyceum",
        "Через відсутність укриття навчання в ліцеї йде лише дистанційно; під час тривог дітям немає де сховатися.",
        "With no shelter, the lyceum teaches only online; during air-raid alerts the children have nowhere to go.",
        "Повернути очне навчання, забезпечивши укриття для всіх учнів і працівників.",
        "Bring back classroom teaching with a shelter for every pupil and member of staff.",
        "Укриття на 450 місць з вентиляцією, автономним живленням, санвузлами і пандусом.",
        "A 450-place shelter with ventilation, backup power, toilets and a ramp.",
        ("education",),
        "construction",
        "restoration",
        ("11220", "73010"),
        ("4.a", "11.5"),
        {"10": 2, "11": 1},
        ("bbb_protective_shelter_included", "bbb_accessibility_barrier_free", "bbb_hazard_resilient_design"),
        (9_000, 24_000),
        CONSTRUCTION_BUDGET,
        (0.02, 0.05),
        (SHELTER_SUBVENTION, UNICEF, NL_MFA),
        ("укрит",),
        "Відділ освіти {council}",
        basic_service=True,
        sensitive=True,
    ),
    Theme(
        "kindergarten_shelter",
        "Укриття в закладі дошкільної освіти «Сонечко»",
        "Shelter in the “Sonechko” kindergarten",
        "Дитсадок не працює повний день: найближче укриття за пів кілометра, дітей не встигають довести.",
        "The kindergarten cannot open full days: the nearest shelter is half a kilometre away.",
        "Відкрити дитсадок на повний день з укриттям у будівлі.",
        "Reopen the kindergarten full-time with a shelter in the building.",
        "Укриття на 120 дітей і 25 працівників, ігрова зона, аптечки, резервне освітлення.",
        "A shelter for 120 children and 25 staff with a play area, first aid and backup lighting.",
        ("education",),
        "construction",
        "restoration",
        ("11220", "73010"),
        ("4.2", "11.5"),
        {"10": 2, "1": 1},
        ("bbb_protective_shelter_included", "bbb_accessibility_barrier_free"),
        (4_500, 11_000),
        CONSTRUCTION_BUDGET,
        (0.006, 0.015),
        (SHELTER_SUBVENTION, UNICEF),
        ("укрит",),
        "Відділ освіти {council}",
        basic_service=True,
        sensitive=True,
    ),
    Theme(
        "water_supply",
        "Відновлення водогону та бурової свердловини",
        "Restoring the water main and the borehole",
        "Водогін пошкоджено обстрілами, частина вулиць отримує воду лише з цистерн за графіком.",
        "Shelling damaged the water main; several streets get water only from tankers on a schedule.",
        "Відновити цілодобове централізоване водопостачання з безпечною питною водою.",
        "Restore a round-the-clock piped supply of safe drinking water.",
        "Заміна 6,8 км мереж, нова свердловина з павільйоном, станція знезалізнення, лічильники.",
        "6.8 km of mains replaced, a new borehole, an iron-removal plant and meters.",
        ("waterAndWaste",),
        "rehabilitation",
        "restoration",
        ("14020", "73010"),
        ("6.1", "6.4"),
        {"10": 1, "7": 1},
        ("bbb_hazard_resilient_design", "bbb_energy_efficiency_or_RES", "bbb_o_and_m_plan"),
        (18_000, 52_000),
        CONSTRUCTION_BUDGET,
        (0.25, 0.6),
        (KFW, UNDP, LIQUIDATION, EIB),
        ("водогін", "водопост", "свердловин", "питної води"),
        "КП «Водоканал» {council}",
        basic_service=True,
        euro=True,
        eu_alignment=4,
    ),
    Theme(
        "boiler_house",
        "Модульна котельня на біомасі для соціальних закладів",
        "Biomass modular boiler house for public buildings",
        "Котельню зруйновано; школа, амбулаторія та адмінбудівля взимку гріються електрообігрівачами.",
        "The boiler house was destroyed; the school, clinic and council building heat with electric heaters.",
        "Забезпечити стійке теплопостачання соціальних закладів з місцевого палива.",
        "Heat the public buildings reliably with local fuel.",
        "Модульна котельня 1,5 МВт на пелетах з лушпиння, 1,2 км теплотраси, когенераційний генератор.",
        "A 1.5 MW pellet boiler house, 1.2 km of heating pipes and a backup generator.",
        ("energy.biomass",),
        "construction",
        "restoration",
        ("23210", "73010"),
        ("7.2", "13.1"),
        {"6": 2, "2": 1, "10": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_hazard_resilient_design", "bbb_o_and_m_plan"),
        (14_000, 36_000),
        CONSTRUCTION_BUDGET,
        (0.05, 0.15),
        (NL_MFA, KFW, UNDP),
        ("котел", "тепл"),
        "КП «Тепловик» {council}",
        basic_service=True,
        euro=True,
        eu_alignment=4,
    ),
    Theme(
        "heating_point",
        "Пункти незламності у старостатах з автономним опаленням і живленням",
        "Resilience points with autonomous heating and power in the village offices",
        "Під час відключень електроенергії мешканці сіл не мають де погрітися, зарядити телефони і отримати воду.",
        "During blackouts, villagers have nowhere to warm up, charge phones or get water.",
        "Облаштувати чотири пункти незламності, готові працювати цілодобово.",
        "Equip four resilience points ready to work around the clock.",
        "Генератори 30 кВт, твердопаливні котли, Starlink, запас води, ліжка та аптечки.",
        "30 kW generators, solid-fuel boilers, satellite internet, water stocks, beds and first aid.",
        ("governance", "energy"),
        "expansion",
        "restoration",
        ("74020", "43060"),
        ("11.5", "13.1"),
        {"10": 2},
        ("bbb_hazard_resilient_design", "bbb_service_consolidation"),
        (2_400, 6_500),
        EQUIPMENT_BUDGET,
        (0.15, 0.35),
        (UNDP, DRC, NL_MFA),
        ("оповіщ", "пожежн", "рятувальн"),
        "{council}",
        basic_service=True,
        centre=False,
    ),
    Theme(
        "hospital_solar",
        "Сонячна електростанція з накопичувачем для лікарні",
        "Solar power plant with battery storage for the hospital",
        "Лікарня залежить від дизельних генераторів: пальне дороге, операції переносять під час відключень.",
        "The hospital depends on diesel generators: fuel is costly and operations are postponed in blackouts.",
        "Забезпечити безперебійне живлення лікарні та знизити витрати на енергію.",
        "Give the hospital uninterrupted power and lower its energy bills.",
        "СЕС 250 кВт на даху, накопичувач 400 кВт·год, автоматичне перемикання на резерв.",
        "A 250 kW rooftop plant, 400 kWh of storage and automatic switch-over.",
        ("energy.solar", "health"),
        "construction",
        "development",
        ("23210", "12230"),
        ("7.2", "3.8"),
        {"6": 2, "10": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_hazard_resilient_design", "bbb_o_and_m_plan"),
        (9_000, 22_000),
        (("design", "capex", 5), ("equipment", "capex", 72), ("construction", "capex", 17), ("maintenance", "opex", 6)),
        (0.4, 0.8),
        (EIB, JICA, WORLD_BANK, NL_MFA),
        ("сонячн", "лікарн"),
        "КНП «Центральна лікарня» {council}",
        basic_service=True,
        euro=True,
        eu_alignment=4,
    ),
    Theme(
        "bridge",
        "Капітальний ремонт мосту через річку",
        "Major repair of the river bridge",
        "Міст пошкоджено вибухом; об’їзд подовжує шлях до лікарні та ринку на 27 км, вантажівки не проходять.",
        "An explosion damaged the bridge; the detour adds 27 km to the hospital and market, lorries cannot pass.",
        "Відновити безпечний проїзд для транспорту, автобусів і пішоходів.",
        "Make the crossing safe again for vehicles, buses and pedestrians.",
        "Відновлення прогонових будов 48 м, тротуари з огородженням, освітлення.",
        "48 m of spans rebuilt, fenced footways and lighting.",
        ("transport.road",),
        "rehabilitation",
        "restoration",
        ("21020", "73010"),
        ("9.1", "11.2"),
        {"10": 1},
        ("bbb_hazard_resilient_design", "bbb_accessibility_barrier_free"),
        (16_000, 45_000),
        CONSTRUCTION_BUDGET,
        (0.3, 0.7),
        (LIQUIDATION, DFRR, JICA),
        ("міст",),
        "{council}",
        centre=False,
    ),
    Theme(
        "cnap",
        "Розширення Центру надання адміністративних послуг (ЦНАП) і віддалені робочі місця",
        "Expanding the administrative services centre (TsNAP) with remote workplaces",
        "Мешканці віддалених сіл їздять до центру громади по кожну довідку; ЦНАП не надає частини послуг.",
        "People in remote villages travel to the centre for every certificate; the centre lacks many services.",
        "Наблизити адміністративні послуги до мешканців і перевести їх в електронну форму.",
        "Bring administrative services closer to residents and put them online.",
        "Ремонт приміщення ЦНАП, 6 віддалених робочих місць у старостатах, мобільний кейс «ЦНАП на колесах».",
        "A refitted centre, six remote workplaces in village offices and a mobile service kit.",
        ("governance",),
        "expansion",
        "development",
        ("15185", "15112"),
        ("16.6", "16.7"),
        {"3": 2, "1": 1, "11": 1},
        ("bbb_digital_service", "bbb_accessibility_barrier_free", "bbb_service_consolidation"),
        (2_800, 7_500),
        (
            ("construction", "capex", 35),
            ("equipment", "capex", 50),
            ("projectManagement", "capex", 5),
            ("operating", "opex", 10),
        ),
        (0.5, 0.9),
        (NL_MFA, UNDP, MINSK),
        ("цнап", "старост", "послуг"),
        "{council}",
        eu_alignment=5,
    ),
    Theme(
        "idp_housing",
        "Реконструкція гуртожитку під соціальне житло для внутрішньо переміщених осіб",
        "Converting a hostel into social housing for internally displaced people",
        "Понад тисячу переміщених осіб живуть у пристосованих приміщеннях шкіл і в найманому житлі.",
        "Over a thousand displaced people live in converted school rooms or rented flats.",
        "Надати переміщеним сім’ям гідне тимчасове житло на 5–10 років.",
        "Give displaced families decent temporary homes for five to ten years.",
        "36 квартир з окремими санвузлами, утеплення фасаду, індивідуальні теплові пункти, доступний вхід.",
        "36 flats with their own bathrooms, an insulated facade, heat substations and a step-free entrance.",
        ("socialHousing",),
        "rehabilitation",
        "development",
        ("16010", "73010"),
        ("11.1", "1.4"),
        {"1": 1, "11": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_accessibility_barrier_free", "bbb_right_sizing_to_demography"),
        (22_000, 58_000),
        CONSTRUCTION_BUDGET,
        (0.004, 0.008),
        (EIB, NL_MFA, DRC),
        ("житл", "гуртожит"),
        "{council}",
        basic_service=True,
        euro=True,
    ),
    Theme(
        "demining",
        "Нетехнічне обстеження і гуманітарне розмінування сільськогосподарських земель",
        "Non-technical survey and humanitarian demining of farmland",
        "Понад 2 тис. га ріллі забруднено вибухонебезпечними предметами; фермери не можуть сіяти.",
        "Over 2,000 ha of farmland is contaminated with explosive ordnance; farmers cannot sow.",
        "Повернути землі в обробіток і зменшити ризик для мешканців.",
        "Return the land to farming and reduce the danger to residents.",
        "Обстеження 2 400 га, очищення пріоритетних 600 га сертифікованим оператором, уроки безпеки в школах.",
        "A survey of 2,400 ha, 600 priority hectares cleared by a certified operator, safety lessons in schools.",
        ("economy",),
        "rehabilitation",
        "restoration",
        ("15250", "31120"),
        ("2.3", "16.1"),
        {"10": 1},
        ("bbb_o_and_m_plan",),
        (12_000, 40_000),
        (("sitePreparation", "capex", 85), ("projectManagement", "capex", 6), ("measures", "capex", 9)),
        (0.1, 0.3),
        (BUFFETT, UNDP, BUSINESS),
        ("розмін", "обстеж"),
        "{council}",
        centre=False,
    ),
    Theme(
        "youth_centre",
        "Молодіжний центр у будинку культури",
        "Youth centre in the house of culture",
        "Молоді немає де збиратися і навчатися поза школою; багато підлітків пережили окупацію.",
        "Young people have nowhere to meet or learn outside school; many teenagers lived through occupation.",
        "Створити безпечний простір для молоді з психосоціальною підтримкою і навчанням.",
        "Create a safe space for young people with psychosocial support and learning.",
        "Ремонт 420 м², коворкінг, студія робототехніки, кабінет психолога, укриття в підвалі.",
        "420 m² refurbished: coworking, a robotics studio, a psychologist's room and a basement shelter.",
        ("cultureSportsAndRecreation",),
        "rehabilitation",
        "development",
        ("16065", "15150"),
        ("4.4", "16.7"),
        {"3": 1, "1": 1},
        ("bbb_accessibility_barrier_free", "bbb_service_consolidation"),
        (3_200, 9_000),
        CONSTRUCTION_BUDGET,
        (0.03, 0.08),
        (NL_MFA, UNICEF, MINSK),
        ("молод",),
        "Відділ культури, молоді та спорту {council}",
    ),
    Theme(
        "ambulance",
        "Придбання автомобілів екстреної медичної допомоги та обладнання",
        "Ambulances and emergency medical equipment",
        "Два з трьох автомобілів швидкої знищено; час доїзду до віддалених сіл перевищує 40 хвилин.",
        "Two of the three ambulances were destroyed; reaching remote villages takes over 40 minutes.",
        "Скоротити час доїзду екстреної допомоги до 20 хвилин.",
        "Cut emergency response time to 20 minutes.",
        "Два автомобілі типу B з обладнанням, дефібрилятори, медичні набори для пунктів незламності.",
        "Two type-B ambulances with equipment, defibrillators and medical kits for resilience points.",
        ("health",),
        "replacement",
        "restoration",
        ("12230", "12220"),
        ("3.8", "3.6"),
        {"10": 1, "9": 1},
        ("bbb_service_consolidation",),
        (4_000, 9_500),
        EQUIPMENT_BUDGET,
        (0.5, 0.9),
        (JICA, WORLD_BANK, MINSK),
        ("медичн", "лікарн"),
        "КНП «Центр первинної медико-санітарної допомоги» {council}",
        basic_service=True,
    ),
    Theme(
        "street_lighting",
        "Енергоефективне вуличне освітлення на сонячних панелях",
        "Energy-efficient solar street lighting",
        "Більшість вулиць не освітлені: мережі пошкоджені, а рахунки за електроенергію високі.",
        "Most streets are dark: the network is damaged and electricity bills are high.",
        "Освітити шкільні маршрути і центральні вулиці автономними світильниками.",
        "Light school routes and main streets with stand-alone lamps.",
        "320 світлодіодних світильників з сонячними панелями і акумуляторами, 14 км вулиць.",
        "320 LED lamps with solar panels and batteries along 14 km of streets.",
        ("energy.solar", "transport.urban"),
        "replacement",
        "development",
        ("23183", "43030"),
        ("7.3", "11.7"),
        {"6": 1, "1": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_o_and_m_plan"),
        (2_200, 6_800),
        EQUIPMENT_BUDGET,
        (0.3, 0.7),
        (NL_MFA, UNDP, DFRR),
        ("освітлен", "енергоефектив"),
        "КП «Благоустрій» {council}",
        centre=False,
    ),
    Theme(
        "business_grants",
        "Грантова програма для малого бізнесу, ветеранів і переміщених підприємців",
        "Grants for small businesses, veterans and displaced entrepreneurs",
        "Після деокупації закрилася третина малих підприємств; ветерани і переміщені особи не мають стартового капіталу.",
        "A third of small businesses closed after de-occupation; veterans and displaced people lack start-up capital.",
        "Відновити і створити 60 малих підприємств та 150 робочих місць.",
        "Restore or start 60 small businesses and 150 jobs.",
        "Конкурс мікрогрантів до 250 тис. грн, навчання бізнес-плануванню, менторство.",
        "Micro-grants of up to UAH 250,000, business-planning training and mentoring.",
        ("economy",),
        "",
        "development",
        ("32130", "16020"),
        ("8.3", "8.5"),
        {"1": 2, "3": 1},
        ("bbb_right_sizing_to_demography",),
        (3_000, 12_000),
        (("equipment", "capex", 82), ("projectManagement", "capex", 8), ("operating", "opex", 10)),
        (0.01, 0.03),
        (DRC, UNDP, NL_MFA, BUSINESS),
        ("грант", "бізнес"),
        "Відділ економічного розвитку {council}",
        eu_alignment=3,
    ),
    Theme(
        "school_renovation",
        "Капітальний ремонт гімназії з термомодернізацією",
        "Major repair and energy retrofit of the gymnasium school",
        "Будівлю школи пошкоджено вибуховою хвилею: вибито вікна, протікає дах, тепловтрати понад 40 %.",
        "A blast damaged the school: windows are gone, the roof leaks and heat losses exceed 40%.",
        "Відновити школу як енергоефективну, доступну будівлю.",
        "Rebuild the school as an energy-efficient, accessible building.",
        "Нові вікна і дах, утеплення фасаду, ІТП, ліфт для маломобільних, інклюзивні санвузли.",
        "New windows and roof, an insulated facade, a heat substation, a lift and accessible toilets.",
        ("education",),
        "rehabilitation",
        "restoration",
        ("11220", "23183"),
        ("4.a", "7.3"),
        {"6": 1, "11": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_accessibility_barrier_free", "bbb_right_sizing_to_demography"),
        (15_000, 42_000),
        CONSTRUCTION_BUDGET,
        (0.03, 0.06),
        (EIB, LIQUIDATION, UNICEF),
        ("ліцей", "гімназ", "шкіл"),
        "Відділ освіти {council}",
        basic_service=True,
        euro=True,
        eu_alignment=3,
    ),
    Theme(
        "clinic",
        "Відновлення амбулаторії загальної практики сімейної медицини",
        "Restoring the family medicine clinic",
        "Амбулаторію пошкоджено; сімейний лікар приймає у пристосованому приміщенні без води.",
        "The clinic was damaged; the family doctor sees patients in a makeshift room without water.",
        "Відновити первинну медичну допомогу для мешканців старостинського округу.",
        "Restore primary care for the village district.",
        "Ремонт амбулаторії, службове житло для лікаря, СЕС 20 кВт, медичне обладнання.",
        "A repaired clinic, a flat for the doctor, a 20 kW solar plant and medical equipment.",
        ("health",),
        "rehabilitation",
        "restoration",
        ("12220", "12230"),
        ("3.8",),
        {"10": 1, "1": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_accessibility_barrier_free"),
        (5_000, 14_000),
        CONSTRUCTION_BUDGET,
        (0.08, 0.2),
        (WORLD_BANK, JICA, NL_MFA),
        ("амбулатор",),
        "КНП «Центр первинної медико-санітарної допомоги» {council}",
        basic_service=True,
        centre=False,
    ),
    Theme(
        "waste",
        "Майданчик для переробки будівельних відходів від руйнувань",
        "Site for recycling debris from destroyed buildings",
        "Уламки зруйнованих будівель складують стихійно; бетон і цеглу можна використати повторно.",
        "Rubble from destroyed buildings is dumped at random; the concrete and brick could be reused.",
        "Переробляти будівельні відходи на щебінь для ремонту доріг.",
        "Recycle debris into aggregate for road repairs.",
        "Майданчик 1 га з дробаркою, сортування, облік обсягів, безпечне поводження з азбестом.",
        "A one-hectare site with a crusher, sorting, volume records and safe asbestos handling.",
        ("waterAndWaste",),
        "construction",
        "development",
        ("14050", "41010"),
        ("11.6", "12.5"),
        {"2": 2, "6": 1},
        ("bbb_nature_based_solution", "bbb_o_and_m_plan"),
        (6_000, 16_000),
        CONSTRUCTION_BUDGET,
        (0.3, 0.8),
        (UNDP, KFW, BUSINESS),
        ("відход", "сміт"),
        "КП «Благоустрій» {council}",
        euro=True,
        eu_alignment=5,
        centre=False,
    ),
    Theme(
        "fire_station",
        "Місцева пожежна команда з пожежним депо",
        "Local fire brigade and fire station",
        "Найближча пожежно-рятувальна частина за 35 км; пожежі від обстрілів гасять власними силами.",
        "The nearest fire station is 35 km away; residents fight fires from shelling themselves.",
        "Створити місцеву пожежну команду з часом прибуття до 20 хвилин.",
        "Set up a local fire brigade arriving within 20 minutes.",
        "Депо на два автомобілі, пожежна автоцистерна, спорядження, навчання 12 пожежників.",
        "A two-bay station, a fire engine, gear and training for twelve firefighters.",
        ("governance",),
        "construction",
        "development",
        ("15133", "74020"),
        ("11.5", "13.1"),
        {"10": 2},
        ("bbb_hazard_resilient_design", "bbb_service_consolidation"),
        (7_000, 18_000),
        CONSTRUCTION_BUDGET,
        (0.4, 0.8),
        (NL_MFA, JICA, UNDP),
        ("пожежн", "рятувальн"),
        "{council}",
        eu_alignment=3,
    ),
    Theme(
        "veteran_rehab",
        "Центр реабілітації для ветеранів і людей з інвалідністю",
        "Rehabilitation centre for veterans and people with disabilities",
        "Ветерани і люди з інвалідністю їздять на реабілітацію до обласного центру за 100 км.",
        "Veterans and people with disabilities travel 100 km to the regional centre for rehabilitation.",
        "Надавати фізичну і психологічну реабілітацію в громаді.",
        "Offer physical and psychological rehabilitation in the hromada.",
        "Ремонт приміщення 380 м², реабілітаційне обладнання, навчання фахівців, доступний транспорт.",
        "380 m² refurbished, rehabilitation equipment, trained staff and accessible transport.",
        ("health",),
        "rehabilitation",
        "development",
        ("12220", "16010"),
        ("3.4", "10.2"),
        {"11": 2, "1": 1},
        ("bbb_accessibility_barrier_free", "bbb_service_consolidation"),
        (4_000, 12_000),
        CONSTRUCTION_BUDGET,
        (0.01, 0.04),
        (WORLD_BANK, DRC, MINSK),
        ("реабіліт", "ветеран"),
        "Центр надання соціальних послуг {council}",
    ),
    Theme(
        "roads",
        "Поточний середній ремонт доріг до старостинських округів",
        "Resurfacing the roads to the village districts",
        "Дороги зруйновані важкою технікою; шкільний автобус і швидка їдуть у сезон дощів зі значними затримками.",
        "Heavy vehicles wrecked the roads; the school bus and ambulances are badly delayed in the rainy season.",
        "Відновити проїзд до всіх сіл у будь-яку погоду.",
        "Make every village reachable in any weather.",
        "Ремонт 9,5 км доріг, водовідведення, дорожня розмітка і знаки.",
        "9.5 km of road repaired with drainage, markings and signs.",
        ("transport.road",),
        "rehabilitation",
        "restoration",
        ("21020",),
        ("9.1", "11.2"),
        {},
        ("bbb_hazard_resilient_design",),
        (12_000, 34_000),
        CONSTRUCTION_BUDGET,
        (0.2, 0.5),
        (DFRR, LIQUIDATION, BUSINESS),
        ("ремонт доріг", "відремонтувати дорог"),
        "{council}",
        centre=False,
    ),
    Theme(
        "sewage",
        "Реконструкція каналізаційних очисних споруд",
        "Rebuilding the sewage treatment plant",
        "Очисні споруди не працюють з часу окупації; стоки потрапляють у річку без очищення.",
        "The treatment plant has not worked since the occupation; sewage flows untreated into the river.",
        "Очищати стоки відповідно до вимог Директиви ЄС про очищення міських стічних вод.",
        "Treat wastewater to the standard of the EU Urban Wastewater Directive.",
        "Біологічне очищення на 1 200 м³/добу, мулові майданчики, енергоефективні насоси.",
        "Biological treatment for 1,200 m³ a day, sludge beds and efficient pumps.",
        ("waterAndWaste",),
        "rehabilitation",
        "restoration",
        ("14020", "41010"),
        ("6.3", "6.b"),
        {"2": 2, "7": 1},
        ("bbb_nature_based_solution", "bbb_energy_efficiency_or_RES", "bbb_o_and_m_plan"),
        (25_000, 70_000),
        CONSTRUCTION_BUDGET,
        (0.3, 0.6),
        (EIB, KFW, DFRR),
        ("очисн", "каналіз"),
        "КП «Водоканал» {council}",
        basic_service=True,
        euro=True,
        eu_alignment=5,
    ),
    Theme(
        "e_participation",
        "Платформа е-участі та молодіжний бюджет участі",
        "E-participation platform and youth participatory budget",
        "Мешканці, особливо переміщені та молодь, мало долучаються до рішень ради.",
        "Residents, especially displaced and young people, take little part in council decisions.",
        "Залучити мешканців до планування відбудови через електронні консультації і бюджет участі.",
        "Involve residents in recovery planning through online consultations and a participatory budget.",
        "Платформа петицій і консультацій, молодіжний бюджет участі 1 млн грн на рік, навчання старост.",
        "A petitions and consultations platform, a UAH 1 million youth budget a year, training for village heads.",
        ("governance",),
        "",
        "development",
        ("15150", "22040"),
        ("16.7", "11.3"),
        {"3": 2, "1": 1},
        ("bbb_digital_service",),
        (600, 1_800),
        (("equipment", "capex", 30), ("projectManagement", "capex", 20), ("operating", "opex", 50)),
        (0.1, 0.3),
        (NL_MFA, UNDP, MINSK),
        ("бюджет участі", "рад переміщ", "рада переміщ", "участ"),
        "{council}",
        eu_alignment=5,
    ),
    Theme(
        "culture_house",
        "Відновлення сільського будинку культури з укриттям",
        "Restoring the village house of culture with a shelter",
        "Будинок культури пошкоджено; громадським організаціям і гурткам ніде працювати.",
        "The house of culture was damaged; clubs and community groups have nowhere to meet.",
        "Повернути селу місце для культури, зустрічей і видачі гуманітарної допомоги.",
        "Give the village back a place for culture, meetings and aid distribution.",
        "Ремонт даху і залу на 200 місць, укриття в підвалі, енергоощадне опалення.",
        "A new roof, a 200-seat hall, a basement shelter and efficient heating.",
        ("cultureSportsAndRecreation",),
        "rehabilitation",
        "restoration",
        ("16066", "73010"),
        ("11.4",),
        {"1": 1},
        ("bbb_energy_efficiency_or_RES", "bbb_protective_shelter_included"),
        (3_500, 10_000),
        CONSTRUCTION_BUDGET,
        (0.05, 0.15),
        (LIQUIDATION, MINSK, NL_MFA),
        ("культур",),
        "Відділ культури, молоді та спорту {council}",
        centre=False,
    ),
    Theme(
        "school_buses",
        "Шкільні автобуси для підвезення дітей з віддалених сіл",
        "School buses for children from remote villages",
        "Після об’єднання шкіл діти з п’яти сіл не мають регулярного підвезення.",
        "Since schools merged, children from five villages have no regular transport.",
        "Підвозити всіх дітей до опорного закладу безпечно і вчасно.",
        "Bring every child to the hub school safely and on time.",
        "Два шкільні автобуси з місцями для дітей з інвалідністю, GPS-моніторинг.",
        "Two school buses with places for children with disabilities and GPS tracking.",
        ("education", "transport.road"),
        "replacement",
        "development",
        ("11220",),
        ("4.1", "4.5"),
        {"11": 1},
        ("bbb_accessibility_barrier_free",),
        (4_500, 8_500),
        EQUIPMENT_BUDGET,
        (0.01, 0.03),
        (UNICEF, JICA, SHELTER_SUBVENTION),
        ("автобус", "підвез"),
        "Відділ освіти {council}",
    ),
)
THEME_BY_KEY = {theme.key: theme for theme in THEMES}

# --- states ----------------------------------------------------------------------------------------

PATH = (S.CONCEPT, S.APPRAISAL, S.STRUCTURING, S.APPLIED, S.APPROVED, S.IMPLEMENTATION, S.COMPLETION)
STEPS: dict[str, tuple[str, ...]] = {
    S.IDEA: (),
    **{state: PATH[: index + 1] for index, state in enumerate(PATH)},
    S.REFUSED: (*PATH[:4], S.REFUSED),
    S.CANCELLED: (S.CONCEPT, S.CANCELLED),
}
# Ten states per hromada: the pipeline narrows from ideas to completed works.
BASE_STATES = (S.IDEA, S.IDEA, S.CONCEPT, S.CONCEPT, S.APPRAISAL, S.STRUCTURING, S.APPLIED)
LATE_STATES = (S.APPROVED, S.IMPLEMENTATION, S.IMPLEMENTATION, S.COMPLETION, S.STRUCTURING, S.APPRAISAL)
REASONS: dict[str, str] = {
    S.CONCEPT: "Концепцію підготувала робоча група; ідею обговорено з мешканцями на громадських слуханнях.",
    S.APPRAISAL: "Концепцію подано на оцінку: обґрунтування, відповідність плану відновлення і стратегії громади.",
    S.STRUCTURING: "Оцінку завершено; узгоджуємо джерела фінансування і частку співфінансування з місцевого бюджету.",
    S.APPLIED: "Заявку на фінансування подано партнеру разом із проєктно-кошторисною документацією.",
    S.APPROVED: "Фінансування схвалено; угоду про грант і рішення сесії про співфінансування підписано.",
    S.REFUSED: "Заявку відхилено: партнер вимагає оновленої експертизи проєктної документації.",
    S.IMPLEMENTATION: "Закупівлю в Prozorro завершено, договір підряду підписано, роботи розпочато.",
    S.COMPLETION: "Роботи завершено; об’єкт прийнято в експлуатацію актом приймання.",
    S.CANCELLED: "Ідею знято: об’єкт відновлює інший донор за окремою програмою.",
}
FINANCING_STATUS: dict[str, tuple[str, str]] = {  # (local budget, partners)
    S.IDEA: ("identified", "identified"),
    S.CONCEPT: ("identified", "identified"),
    S.APPRAISAL: ("requested", "requested"),
    S.STRUCTURING: ("pledged", "requested"),
    S.APPLIED: ("committed", "requested"),
    S.APPROVED: ("committed", "committed"),
    S.IMPLEMENTATION: ("disbursed", "committed"),
    S.COMPLETION: ("disbursed", "disbursed"),
    S.REFUSED: ("pledged", "requested"),
    S.CANCELLED: ("identified", "identified"),
}
COVERAGE: dict[str, tuple[float, float]] = {  # share of the cost the financing lines cover
    S.IDEA: (0.1, 0.5),
    S.CONCEPT: (0.4, 0.8),
    S.APPRAISAL: (0.6, 0.95),
    S.STRUCTURING: (0.85, 1.0),
    S.APPLIED: (1.0, 1.0),
    S.APPROVED: (1.0, 1.0),
    S.IMPLEMENTATION: (1.0, 1.0),
    S.COMPLETION: (1.0, 1.0),
    S.REFUSED: (1.0, 1.0),
    S.CANCELLED: (0.2, 0.6),
}

COUNCIL_KIND = {"urban": "міської ради", "settlement": "селищної ради", "rural": "сільської ради"}
COUNCIL_NAME = {"urban": "міська рада", "settlement": "селищна рада", "rural": "сільська рада"}
PLACE_PREFIX: dict[str, str] = {
    CodifierCategory.CITY.value: "м.",
    CodifierCategory.SETTLEMENT.value: "с-ще",
    CodifierCategory.VILLAGE.value: "с.",
}
STREETS = (
    "вул. Шкільна",
    "вул. Соборна",
    "вул. Шевченка",
    "вул. Незалежності",
    "вул. Героїв України",
    "вул. Центральна",
    "вул. Садова",
    "вул. Лесі Українки",
)
DESIGNERS = (
    "ТОВ «Південьпроєктбуд»",
    "ТОВ «Інженерний центр Відбудова»",
    "ПП «Архітектурна майстерня Степ»",
    "ТОВ «Укрводпроєкт-Південь»",
)
CONTRACTORS = ("ТОВ «Будівельна компанія Берег»", "ТОВ «Регіонбудсервіс»", "ПП «Енергомонтаж-Схід»")
COMMON_RISKS = (
    (
        "Обстріли під час робіт і пошкодження об’єкта.",
        4,
        4,
        "Графік робіт з урахуванням тривог, страхування, укриття для працівників на майданчику.",
    ),
    ("Зростання цін на матеріали понад кошторис.", 3, 3, "Резерв на непередбачені витрати 6 %, рамкові угоди."),
    ("Затримка закупівлі через оскарження в Prozorro.", 2, 3, "Ретельна тендерна документація, консультації з АМУ."),
    ("Нестача кваліфікованих робітників у підрядника.", 3, 2, "Вимоги до кадрового складу в тендерній документації."),
    ("Відключення електроенергії зупиняють роботи.", 4, 2, "Генератори на майданчику, гнучкий графік."),
    ("Вибухонебезпечні предмети на ділянці.", 2, 5, "Обстеження ділянки ДСНС до початку робіт."),
)


# --- helpers -------------------------------------------------------------------------------------


def _rng(hromada: Hromada) -> random.Random:
    return random.Random(f"vidnova-demo-projects:{hromada.katottg}")  # noqa: S311 - demo data, not security


def edrpou(rng: random.Random, prefix: str) -> str:
    """A plausible EDRPOU code: ``prefix`` and random digits to 7, then the official check digit."""
    digits = prefix + "".join(str(rng.randint(0, 9)) for _ in range(7 - len(prefix)))
    return digits + str(edrpou_check_digit(digits))


def _code_of(name: str, hromada: Hromada | None, prefix: str) -> str:
    """The same EDRPOU code for the same organisation wherever it appears in the demo."""
    seed = f"vidnova-demo-edrpou:{name}:{hromada.katottg if hromada is not None else ''}"
    return edrpou(random.Random(seed), prefix)  # noqa: S311 - demo data, not security


def edrpou_check_digit(seven: str) -> int:
    numbers = [int(c) for c in seven]
    value = int(seven)
    weights = list(range(1, 8)) if value < 3_000_000 or value > 6_000_000 else [7, 1, 2, 3, 4, 5, 6]
    total = sum(n * w for n, w in zip(numbers, weights, strict=True)) % 11
    if total == 10:
        total = sum(n * (w + 2) for n, w in zip(numbers, weights, strict=True)) % 11
    return 0 if total == 10 else total


def _money(value: float | Decimal, step: int = 1000) -> Decimal:
    """A round amount (to ``step``) as a Decimal with two places."""
    rounded = (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return rounded.quantize(Decimal("0.01"))


def _demo_users(users: Mapping[str, User] | None) -> dict[str, User]:
    from vidnova.programmes.demo import ACCOUNTS  # imported here: the programmes demo imports this module

    if users is not None:
        return dict(users)
    emails = {spec.email.lower(): spec.key for spec in ACCOUNTS}
    return {emails[u.email.lower()]: u for u in User.objects.filter(email__in=[s.email for s in ACCOUNTS])}


@dataclass
class Place:
    katottg: str
    name_uk: str
    name_latin: str
    prefix: str


def _places(hromada: Hromada) -> list[Place]:
    """The hromada's settlements, administrative centre first; the hromada itself when the registry
    holds no settlements."""
    units = list(
        CodifierUnit.objects.filter(
            hromada=hromada, category__in=[CodifierCategory.CITY, CodifierCategory.SETTLEMENT, CodifierCategory.VILLAGE]
        )
        .order_by("katottg")
        .values_list("katottg", "name_uk", "name_latin", "category")
    )
    places = [Place(code, uk, latin, PLACE_PREFIX.get(category, "")) for code, uk, latin, category in units]
    places.sort(key=lambda place: place.katottg != hromada.admin_center_katottg)
    if not places:
        name = hromada.admin_center_name or hromada.name_uk
        places = [Place(hromada.katottg, name, hromada.name_latin, "")]
    return places


def _plan_tasks(plan: Plan | None) -> list[GoalNode]:
    if plan is None:
        return []
    return list(GoalNode.objects.filter(plan_version=current_version(plan), level=GoalLevel.TASK).order_by("pk"))


# --- one project -----------------------------------------------------------------------------------


@dataclass
class Spec:
    """What the demo will create for one idea."""

    code: str
    theme: Theme
    state: str
    readiness: int
    data: dict[str, Any]
    creator: User
    design_document: bool


def _spec(
    *,
    hromada: Hromada,
    programme: Programme,
    plan: Plan | None,
    tasks: Sequence[GoalNode],
    places: Sequence[Place],
    rng: random.Random,
    number: int,
    theme: Theme,
    state: str,
    creator: User,
    quirk: str,
) -> Spec:
    council_kind = COUNCIL_KIND.get(hromada.hromada_type, "ради громади")
    council = f"{hromada.name_uk} {COUNCIL_NAME.get(hromada.hromada_type, 'рада')}"
    population = hromada.population_2022 or 12_000
    place = places[0] if (theme.centre and rng.random() < 0.75) or len(places) == 1 else rng.choice(places[1:])
    where_uk = f"{place.prefix} {place.name_uk}".strip()
    title_uk = f"{theme.title_uk}, {where_uk}"
    title_en = f"{theme.title_en}, {place.name_latin}"

    # Money: thousands of hryvnias in the theme's range; some donor-led ideas are budgeted in euros.
    cost_uah = rng.randint(*theme.cost) * 1000
    currency = Currency.EUR if theme.euro and rng.random() < 0.3 else Currency.UAH
    cost = _money(cost_uah / EUR_IN_UAH if currency == Currency.EUR else cost_uah, 1000 if currency == "UAH" else 100)
    budget_lines = []
    remaining = cost
    for index, (item, cost_type, percent) in enumerate(theme.budget):
        amount = remaining if index == len(theme.budget) - 1 else _money(cost * percent / 100, 100)
        remaining -= amount
        budget_lines.append({"cost_item": item, "cost_type": cost_type, "amount": amount, "currency": currency})

    # Financing: the local budget's share (at least 10 % for most), the rest from partners and the state.
    local_status, partner_status = FINANCING_STATUS[state]
    share = rng.uniform(0.05, 0.095) if quirk == "low_share" else rng.uniform(0.1, 0.3)
    coverage = 1.15 if quirk == "over" else rng.uniform(*COVERAGE[state])
    local = _money(cost * Decimal(str(share)), 100)
    rest = _money(cost * Decimal(str(coverage)), 100) - local
    financing: list[dict[str, Any]] = []
    if state != S.IDEA or rng.random() < 0.7:
        local_currency = Currency.UAH
        local_amount = local
        if currency == Currency.EUR:  # the council budgets in hryvnias
            local_amount = _money(local * EUR_IN_UAH_LOW, 1000)
        financing.append(
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "funder": council,
                "amount": local_amount,
                "currency": local_currency,
                "status": local_status,
            }
        )
        funders = rng.sample(theme.funders, k=min(len(theme.funders), 2 if rest > cost / 2 else 1))
        parts = [rest] if len(funders) == 1 else [_money(rest * Decimal("0.7"), 100)]
        if len(funders) == 2:
            parts.append(rest - parts[0])
        for funder, amount in zip(funders, parts, strict=True):
            if amount <= 0:
                continue
            status = partner_status
            if state == S.IMPLEMENTATION and funder.finance_type == "stateFunds":
                status = "disbursed"
            line_currency = currency
            if currency == Currency.UAH and funder.finance_type == "internationalPartners" and rng.random() < 0.25:
                line_currency, amount = Currency.EUR, _money(amount / EUR_IN_UAH_HIGH, 100)
            financing.append(
                {
                    "finance_type": funder.finance_type,
                    "finance_category": funder.finance_category,
                    "funder": funder.name,
                    "amount": amount,
                    "currency": line_currency,
                    "status": status,
                }
            )

    # Dates by how far the idea has come.
    if state == S.COMPLETION:
        starts_on = datetime.date(2024, rng.randint(3, 12), 1)
        ends_on = datetime.date(2025, rng.randint(3, 12), rng.randint(10, 28))
    elif state == S.IMPLEMENTATION:
        starts_on = datetime.date(rng.choice((2025, 2026)), rng.randint(1, 9), 1)
        ends_on = datetime.date(2027, rng.randint(1, 12), rng.randint(10, 28))
    elif state == S.APPROVED:
        starts_on = datetime.date(2027, rng.randint(1, 4), 1)
        ends_on = datetime.date(2028, rng.randint(1, 6), 28)
    else:
        starts_on = datetime.date(2027, rng.randint(2, 10), 1)
        ends_on = datetime.date(2028 + rng.randint(0, 1), rng.randint(1, 12), 28)

    direct = max(60, int(population * rng.uniform(*theme.reach)))
    idps = int(direct * rng.uniform(0.05, 0.25)) if theme.key != "idp_housing" else int(direct * 0.95)
    groups: dict[str, int] = {
        "women": int(direct * rng.uniform(0.5, 0.56)),
        "men": 0,
        "idps": idps,
        "veterans": int(direct * rng.uniform(0.02, 0.08)) if theme.key != "veteran_rehab" else int(direct * 0.6),
        "disabilities": int(direct * rng.uniform(0.04, 0.09)) if theme.key != "veteran_rehab" else int(direct * 0.5),
    }
    groups["men"] = direct - groups["women"]
    if theme.sectors[0] == "education":
        groups["girls"] = int(direct * 0.45)
        groups["boys"] = int(direct * 0.47)

    location: dict[str, Any] = {"katottg": place.katottg, "name": place.name_uk}
    if hromada.latitude is not None and hromada.longitude is not None and (theme.sensitive or rng.random() < 0.6):
        location["latitude"] = (hromada.latitude + Decimal(str(round(rng.uniform(-0.03, 0.03), 6)))).quantize(
            Decimal("0.000001")
        )
        location["longitude"] = (hromada.longitude + Decimal(str(round(rng.uniform(-0.04, 0.04), 6)))).quantize(
            Decimal("0.000001")
        )
    if theme.project_type in {"construction", "rehabilitation", "expansion"} and theme.key != "demining":
        location["description"] = f"{rng.choice(STREETS)}, {rng.randint(1, 120)}"
    locations = [location] if quirk != "no_location" else []
    if not theme.centre and len(places) > 2 and rng.random() < 0.4 and locations:
        other = rng.choice([p for p in places if p.katottg != place.katottg])
        locations.append({"katottg": other.katottg, "name": other.name_uk})

    genitive = f"{hromada.name_uk[:-1]}ої" if hromada.name_uk.endswith("а") else hromada.name_uk
    owner = council if theme.owner_uk == "{council}" else theme.owner_uk.format(council=f"{genitive} {council_kind}")
    parties = [
        {"role": "initiator", "name": council, "edrpou": _code_of(council, hromada, "04")},
        {"role": "balancer", "name": owner, "edrpou": _code_of(owner, hromada, "04" if owner == council else "4")},
    ]
    if (
        state in {S.STRUCTURING, S.APPLIED, S.APPROVED, S.IMPLEMENTATION, S.COMPLETION, S.REFUSED}
        and theme.project_type
    ):
        designer = rng.choice(DESIGNERS)
        parties.append({"role": "designer", "name": designer, "edrpou": _code_of(designer, None, "4")})
    if state in {S.IMPLEMENTATION, S.COMPLETION} and theme.project_type:
        contractor = rng.choice(CONTRACTORS)
        parties.append({"role": "supplier", "name": contractor, "edrpou": _code_of(contractor, None, "3")})
    if theme.key in {"fire_station", "heating_point"}:
        parties.append({"role": "expert", "name": "Регіон безпеки Утрехт (Нідерланди)"})

    risks = [
        {"description": description, "likelihood": likelihood, "impact": impact, "mitigation": mitigation}
        for description, likelihood, impact, mitigation in rng.sample(COMMON_RISKS, k=rng.randint(1, 3))
    ]

    matched = [task for task in tasks if any(stem in task.text_uk.lower() for stem in theme.keywords)]
    readiness_by_state: dict[str, int] = {
        S.IDEA: 0,
        S.CONCEPT: 1,
        S.APPRAISAL: rng.choice((1, 2)),
        S.STRUCTURING: rng.choice((3, 4)),
        S.APPLIED: 5,
        S.APPROVED: 5,
        S.REFUSED: 5,
        S.IMPLEMENTATION: 6,
        S.COMPLETION: 6,
        S.CANCELLED: 1,
    }
    readiness = readiness_by_state[state]
    reached = f"{direct:,}".replace(",", " ")
    data: dict[str, Any] = {
        "code": f"{hromada.katottg}-{number:03d}",
        "programme": programme,
        "plan": plan,
        "plan_tasks": [task.pk for task in matched[:2]],
        "title_uk": title_uk,
        "title_en": title_en,
        "description_uk": f"{theme.problem_uk} Проєкт передбачає: {theme.outputs_uk[0].lower()}{theme.outputs_uk[1:]}",
        "description_en": f"{theme.problem_en} The project delivers: {theme.outputs_en[0].lower()}{theme.outputs_en[1:]}",
        "problem_uk": theme.problem_uk,
        "problem_en": theme.problem_en,
        "objective_uk": theme.objective_uk,
        "objective_en": theme.objective_en,
        "outputs_uk": theme.outputs_uk,
        "outputs_en": theme.outputs_en,
        "results_uk": f"Прямих бенефіціарів: {reached}, з них внутрішньо переміщених осіб: {idps}.",
        "results_en": f"{reached} residents benefit directly, {idps} of them internally displaced.",
        "sustainability_uk": (
            f"Об’єкт утримує {owner} з місцевого бюджету; план експлуатації та обслуговування затверджує "
            "виконавчий комітет."
        ),
        "sustainability_en": (
            "The asset holder maintains it from the local budget under an operation and maintenance plan "
            "approved by the executive committee."
        ),
        "purpose": theme.purpose,
        "project_type": theme.project_type,
        "sectors": list(theme.sectors),
        "purpose_codes": list(theme.purpose_codes),
        "sdg_targets": list(theme.sdg_targets),
        "policy_markers": dict(theme.policy_markers),
        "bbb_features": list(theme.bbb),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "cost": cost,
        "currency": currency,
        "beneficiaries_direct": direct,
        "beneficiaries_indirect": max(direct, int(population * rng.uniform(0.3, 0.9))),
        "beneficiary_groups": groups,
        "is_sensitive": theme.sensitive,
        "seeks_partner_expertise": theme.key in {"fire_station", "heating_point", "cnap"} or rng.random() < 0.15,
        "locations": locations,
        "budget_lines": budget_lines,
        "financing_lines": financing,
        "risks": risks,
        "parties": parties,
    }
    if state in {S.IMPLEMENTATION, S.COMPLETION} and theme.project_type:
        data["prozorro_ids"] = [
            f"UA-{starts_on.year}-{starts_on.month:02d}-{rng.randint(1, 28):02d}-{rng.randint(0, 999_999):06d}-a"
        ]
    if state in {S.APPLIED, S.APPROVED, S.IMPLEMENTATION, S.COMPLETION, S.REFUSED} and rng.random() < 0.35:
        data["dream_id"] = f"DREAM-{starts_on.year}-{rng.randint(10_000, 99_999)}"
    if quirk == "duplicate":
        data["description_uk"] = "Ідею повторно подано через форму пропозицій мешканців. " + data["description_uk"]
    return Spec(
        code=data["code"],
        theme=theme,
        state=state,
        readiness=readiness,
        data=data,
        creator=creator,
        design_document=readiness >= 4 and theme.project_type in {"construction", "rehabilitation", "expansion"},
    )


def _hromada_specs(
    *, hromada: Hromada, index: int, programme: Programme, plan: Plan | None, users: Mapping[str, User]
) -> list[Spec]:
    from vidnova.programmes.demo import MEMBER_HROMADA

    rng = _rng(hromada)
    tasks = _plan_tasks(plan)
    places = _places(hromada)
    themes = rng.sample(THEMES, k=PROJECTS_PER_HROMADA)
    states = list(BASE_STATES) + rng.sample(LATE_STATES, k=PROJECTS_PER_HROMADA - len(BASE_STATES))
    if index % 6 == 1:
        states[0] = S.REFUSED
    if index % 5 == 2:
        states[1] = S.CANCELLED
    rng.shuffle(states)
    quirks = [""] * PROJECTS_PER_HROMADA
    quirks[rng.randrange(PROJECTS_PER_HROMADA)] = "low_share" if index % 2 == 0 else ""
    if index % 7 == 3:
        quirks[rng.randrange(PROJECTS_PER_HROMADA)] = "over"
    if index == 12:
        quirks[rng.randrange(PROJECTS_PER_HROMADA)] = "no_location"
    creator = (
        users["editor"] if hromada.katottg == MEMBER_HROMADA.katottg and "editor" in users else users["coordinator"]
    )
    specs = [
        _spec(
            hromada=hromada,
            programme=programme,
            plan=plan,
            tasks=tasks,
            places=places,
            rng=rng,
            number=number,
            theme=theme,
            state=state,
            creator=creator,
            quirk=quirk,
        )
        for number, (theme, state, quirk) in enumerate(zip(themes, states, quirks, strict=True), start=1)
    ]
    if index in {2, 11}:  # an idea entered twice: the duplicate-title warning and gate
        first = specs[0]
        duplicate = _spec(
            hromada=hromada,
            programme=programme,
            plan=plan,
            tasks=tasks,
            places=places,
            rng=rng,
            number=len(specs) + 1,
            theme=first.theme,
            state=S.IDEA,
            creator=creator,
            quirk="duplicate",
        )
        duplicate.data["title_uk"] = first.data["title_uk"]
        duplicate.data["title_en"] = first.data["title_en"]
        specs.append(duplicate)
    return specs


@dataclass
class _Log:
    """Transitions and audit entries of many projects, written in bulk (see ``_move``)."""

    transitions: list[ProjectTransition]
    entries: list[AuditEntry]

    def flush(self) -> None:
        ProjectTransition.objects.bulk_create(self.transitions)
        AuditEntry.objects.bulk_create(self.entries)
        self.transitions.clear()
        self.entries.clear()


def _entry(
    actor: User, action: str, project: Project, changes: dict[str, list[Any]], data: dict[str, Any]
) -> AuditEntry:
    """The audit entry ``vidnova.audit.services.record`` writes, built for a bulk insert."""
    return AuditEntry(
        actor=actor,
        actor_label=actor.email,
        action=action,
        content_type=ContentType.objects.get_for_model(Project, for_concrete_model=True),
        object_id=str(project.pk),
        object_repr=str(project)[:300],
        changes=changes,
        data=data,
        hromada=project.hromada,
    )


def _move(spec: Spec, project: Project, coordinator: User, log: _Log) -> Project:
    """Take ``project`` along its demo path to ``spec.state``, as ``project_transition`` would step by
    step (same rules, readiness raised the same way, one transition row and one
    ``projects.project.transitioned`` audit entry per step), but written in bulk: ~500 steps one by one
    would take most of the demo's time. The allowed transitions and staff-only steps are checked."""
    state, readiness = project.state, project.readiness
    for to_state in STEPS[spec.state]:
        if to_state not in lifecycle.TRANSITIONS[state]:  # pragma: no cover - the demo paths are valid
            raise ValueError(f"{project.code}: {state} → {to_state} is not allowed")
        actor = coordinator if (state, to_state) in lifecycle.STAFF_ONLY else spec.creator
        after = max(readiness, STATE_READINESS.get(to_state, readiness))
        changes: dict[str, list[Any]] = {"state": [state, to_state]}
        if after != readiness:
            changes["readiness"] = [readiness, after]
        log.transitions.append(
            ProjectTransition(
                project=project, from_state=state, to_state=to_state, reason=REASONS[to_state], actor=actor
            )
        )
        log.entries.append(
            _entry(actor, "projects.project.transitioned", project, changes, {"reason": REASONS[to_state]})
        )
        state, readiness = to_state, after
        project.version += 1
    if state != project.state:
        project.state, project.readiness = state, readiness
        project.save(update_fields=["state", "readiness", "version", "updated_at"])
    return project


def _create(specs: Sequence[Spec], hromada: Hromada, log: _Log) -> list[Project]:
    """The ideas of one hromada as ``project_create`` makes them, in bulk: each fiche is checked by
    the service's own ``project_clean`` (a value it refuses stops the demo), then the projects, their
    rows and one ``projects.project.created`` audit entry each (with the same changes the service
    records) are inserted together. One by one, ~30 queries per idea took most of the run."""
    if not specs:
        return []
    cleaned = [project_clean(hromada=hromada, data=spec.data) for spec in specs]
    projects = []
    for spec, fiche in zip(specs, cleaned, strict=True):
        project = Project(hromada=hromada, created_by=spec.creator, **fiche.values)
        project.full_clean(exclude=["hromada", "programme", "plan", "created_by"], validate_unique=False)
        projects.append(project)
    Project.objects.bulk_create(projects)
    if any(project.pk is None for project in projects):  # pragma: no cover - a backend without RETURNING
        by_code = dict(Project.objects.filter(code__in=[p.code for p in projects]).values_list("code", "pk"))
        for project in projects:
            project.pk = by_code[project.code]
    children: dict[str, list[Any]] = defaultdict(list)
    through = Project.plan_tasks.through
    links = []
    for spec, project, fiche in zip(specs, projects, cleaned, strict=True):
        rows: dict[str, list[dict[str, Any]]] = {}
        for name, items in fiche.lists.items():
            if name == "plan_tasks":
                links += [through(project_id=project.pk, goalnode_id=node.pk) for node in items]
                rows[name] = [{"id": node.pk} for node in sorted(items, key=lambda node: node.pk)]
                continue
            _model, fields = CHILD_FIELDS[name]
            for item in items:
                item.project = project
            children[name] += items
            rows[name] = [{field: getattr(item, field) for field in fields} for item in items]
        log.entries.append(
            _entry(
                spec.creator,
                "projects.project.created",
                project,
                diff({}, {**fiche_snapshot(project), **rows}),
                {"code": project.code, "state": project.state},
            )
        )
    for name, items in children.items():
        CHILD_FIELDS[name][0].objects.bulk_create(items)
    through.objects.bulk_create(links)
    log.flush()
    return projects


def _finish(spec: Spec, project: Project) -> Project:
    """The design documents and the readiness reached beyond what the state implies, through the
    services."""
    if spec.design_document:
        document_add(
            acting_user=spec.creator,
            project=project,
            document_type="designDocument",
            title="Проєктно-кошторисна документація з позитивним експертним звітом",
            url=f"{DOCUMENT_HOST}/{project.code}/design.pdf",
        )
    if spec.readiness > project.readiness:
        project = project_update(
            acting_user=spec.creator,
            project=project,
            data={"readiness": spec.readiness},
            expected_version=project.version,
        )
    return project


# --- the service -----------------------------------------------------------------------------------


def create_demo_projects(
    *, programme: Programme, users: Mapping[str, User] | None = None, created: list[str] | None = None
) -> int:
    """Create the demo project ideas, exchange rates and prioritisation round that do not exist yet;
    return how many project ideas this run created. ``users`` holds the demo accounts by role key
    (looked up when not given); what this run creates is appended to ``created``."""
    accounts = _demo_users(users)
    for user in accounts.values():
        access.forget_roles(user)  # act with the roles the demo has just granted
    coordinator = accounts["coordinator"]
    hromadas = list(
        Hromada.objects.filter(pk__in=Participation.objects.filter(phase__programme=programme).values("hromada_id"))
        .select_related("oblast")
        .order_by("katottg")
    )
    plans: dict[int, Plan] = {}
    for plan in Plan.objects.filter(hromada__in=hromadas).order_by("-is_demo", "pk"):
        plans.setdefault(plan.hromada_id, plan)
    count = 0
    with transaction.atomic():
        for currency, valid_on, rate in RATES:
            if not ExchangeRate.objects.filter(currency=currency, valid_on=valid_on).exists():
                exchange_rate_set(
                    acting_user=coordinator, currency=currency, valid_on=valid_on, uah_per_unit=rate, source=RATE_SOURCE
                )
                if created is not None:
                    created.append(f"exchange rate {currency} {valid_on}")
        log = _Log([], [])
        existing = set(Project.objects.filter(hromada__in=hromadas).values_list("code", flat=True))
        for index, hromada in enumerate(hromadas):
            specs = _hromada_specs(
                hromada=hromada, index=index, programme=programme, plan=plans.get(hromada.pk), users=accounts
            )
            specs = [spec for spec in specs if spec.code not in existing]
            projects = _create(specs, hromada, log)
            projects = [_move(spec, project, coordinator, log) for spec, project in zip(specs, projects, strict=True)]
            log.flush()
            for spec, project in zip(specs, projects, strict=True):
                _finish(spec, project)
            count += len(projects)
        if count and created is not None:
            created.append(f"{count} project ideas")
        _round(programme, accounts, created)
    return count


# --- the prioritisation round ----------------------------------------------------------------------

ROUND_NAME_UK = "Пріоритизація проєктних ідей 2027"
ROUND_NAME_EN = "Prioritisation of project ideas 2027"
ROUND_NAME_NL = "Prioritering van projectideeën 2027"
ROUND_DESCRIPTION = (
    "Відбір проєктів для співфінансування програмою у 2027 році. Критерії та ваги опубліковано до "
    "оцінювання; кожен оцінювач декларує конфлікт інтересів. Пороги: безпекова ситуація, щонайменше 10 % "
    "співфінансування з місцевого бюджету, проєктна документація для будівництва, відсутність дублів у DREAM."
)
CRITERIA: tuple[dict[str, Any], ...] = (
    {
        "code": "beneficiaries",
        "pillar": "soc_env",
        "weight": "14",
        "name_uk": "Охоплення бенефіціарів",
        "name_en": "Beneficiaries reached",
        "description": "Кількість прямих бенефіціарів (логарифмічна шкала).",
    },
    {
        "code": "vulnerable",
        "pillar": "soc_env",
        "weight": "10",
        "name_uk": "Користь для ВПО і вразливих груп",
        "name_en": "Benefit for IDPs and vulnerable groups",
        "description": "Частка ВПО, ветеранів, людей з інвалідністю.",
    },
    {
        "code": "basic_service",
        "pillar": "soc_env",
        "weight": "10",
        "name_uk": "Відновлення базової послуги",
        "name_en": "Restores a basic service",
        "description": "Вода, тепло, здоров’я, освіта, укриття.",
    },
    {
        "code": "bbb",
        "pillar": "soc_env",
        "weight": "8",
        "name_uk": "Відбудова на краще",
        "name_en": "Build back better",
        "description": "Ознаки з чек-листа відбудови на краще.",
    },
    {
        "code": "environment",
        "pillar": "soc_env",
        "weight": "6",
        "name_uk": "Довкілля і клімат",
        "name_en": "Environment and climate",
        "description": "Маркери політики IATI 2, 6, 7.",
    },
    {
        "code": "cost_per_beneficiary",
        "pillar": "fin_eco",
        "weight": "8",
        "name_uk": "Вартість на бенефіціара",
        "name_en": "Cost per beneficiary",
        "description": "Загальна вартість / прямі бенефіціари.",
    },
    {
        "code": "cofinancing",
        "pillar": "fin_eco",
        "weight": "8",
        "name_uk": "Частка співфінансування",
        "name_en": "Co-financing share",
        "description": "Поріг 10 %; додаткові бали за більшу частку.",
    },
    {
        "code": "readiness",
        "pillar": "fin_eco",
        "weight": "10",
        "name_uk": "Готовність",
        "name_en": "Readiness",
        "description": "Рівень готовності 0–6.",
    },
    {
        "code": "om_affordability",
        "pillar": "fin_eco",
        "weight": "6",
        "name_uk": "Спроможність утримувати об’єкт",
        "name_en": "O&M affordability",
        "description": "Експлуатаційні витрати покрито місцевим бюджетом.",
    },
    {
        "code": "strategic_alignment",
        "pillar": "gov",
        "weight": "10",
        "name_uk": "Стратегічна відповідність",
        "name_en": "Strategic alignment",
        "description": "Завдання плану відновлення, стратегії, ДСРР.",
    },
    {
        "code": "participation",
        "pillar": "gov",
        "weight": "5",
        "name_uk": "Участь мешканців",
        "name_en": "Participation",
        "description": "Ідея з пропозицій мешканців або обговорена на слуханнях.",
    },
    {
        "code": "eu_alignment",
        "pillar": "gov",
        "weight": "5",
        "name_uk": "Наближення до норм ЄС",
        "name_en": "EU alignment",
        "description": "Відповідність розділам acquis.",
    },
)
ROUND_STATES = (S.APPRAISAL, S.STRUCTURING, S.APPLIED)
ROUND_SIZE = 20
CONFLICT_NOTE = (
    "Регіон безпеки Утрехт консультує громаду щодо цього проєкту; я не оцінюю його, щоб уникнути конфлікту інтересів."
)


def _preference(wanted: str, *, ready_first: bool) -> Callable[[Project], tuple[bool, bool, int, str]]:
    def key(project: Project) -> tuple[bool, bool, int, str]:
        ready = project.project_type not in {"construction", "rehabilitation"} or any(
            document.document_type == "designDocument" for document in project.documents.all()
        )
        return (ready_first and not ready, project.state != wanted, -ROUND_STATES.index(project.state), project.code)

    return key


def _round_projects(programme: Programme) -> list[Project]:
    candidates = (
        prioritisation.programme_projects(programme)
        .filter(state__in=ROUND_STATES, cost__isnull=False)
        .select_related("hromada")
        .prefetch_related("financing_lines", "budget_lines", "plan_tasks", "documents")
        .order_by("code")
    )
    by_hromada: dict[int, list[Project]] = defaultdict(list)
    for project in candidates:
        by_hromada[project.hromada_id].append(project)
    # One idea per hromada in turn; each hromada puts forward first an idea in the state it is given
    # (applied, structuring, appraisal …), so the round mixes readiness levels.
    preferred = (S.APPLIED, S.STRUCTURING, S.APPRAISAL, S.STRUCTURING)
    for number, hromada_id in enumerate(sorted(by_hromada)):
        wanted = preferred[number % len(preferred)]
        # Most put forward an idea with its design documents; a few do not (the gate shows it).
        by_hromada[hromada_id].sort(key=_preference(wanted, ready_first=number % 6 != 5))
    chosen: list[Project] = []
    while len(chosen) < ROUND_SIZE and any(by_hromada.values()):
        for hromada_id in sorted(by_hromada):
            if by_hromada[hromada_id] and len(chosen) < ROUND_SIZE:
                chosen.append(by_hromada[hromada_id].pop(0))
    return chosen


def _level(value: float, steps: Sequence[float]) -> int:
    """1 + how many of the ascending ``steps`` ``value`` reaches (1…len(steps)+1)."""
    return 1 + sum(1 for step in steps if value >= step)


def _base_scores(project: Project) -> dict[str, tuple[int, str]]:
    """The score (0–5) each criterion deserves from the fiche, with the fact that justifies it."""
    from vidnova.projects import money

    direct = project.beneficiaries_direct or 0
    groups = project.beneficiary_groups or {}
    vulnerable = max(groups.get("idps", 0), groups.get("veterans", 0), groups.get("disabilities", 0))
    vulnerable_share = vulnerable / direct if direct else 0
    theme = next((t for t in THEMES if project.title_en.startswith(t.title_en)), None)
    markers = project.policy_markers or {}
    environment = max((int(markers.get(code, 0)) for code in ("2", "6", "7")), default=0)
    totals = money.totals(project, on=datetime.date(2026, 7, 1))
    cost_uah = money.convert(project.cost or Decimal(0), project.currency, "UAH", datetime.date(2026, 7, 1))
    per_head = float(cost_uah or 0) / direct if direct else 1e9
    share = float(totals.local_share_pct or 0)
    has_opex = any(line.cost_type == "opex" for line in project.budget_lines.all())
    tasks = len(project.plan_tasks.all())
    return {
        "beneficiaries": (
            min(5, _level(math.log10(max(direct, 1)), (2.7, 3.3, 3.8, 4.2))),
            f"Прямих бенефіціарів: {direct}.",
        ),
        "vulnerable": (
            min(5, _level(vulnerable_share, (0.05, 0.12, 0.25, 0.5))),
            f"ВПО, ветерани або люди з інвалідністю — до {vulnerable_share:.0%} бенефіціарів.",
        ),
        "basic_service": (
            5 if theme is not None and theme.basic_service else 2,
            "Відновлює базову послугу." if theme is not None and theme.basic_service else "Не базова послуга.",
        ),
        "bbb": (min(5, len(project.bbb_features) + 1), f"Ознак відбудови на краще: {len(project.bbb_features)}."),
        "environment": (
            {0: 1, 1: 3}.get(environment, 5),
            "Довкілля або клімат — головна мета." if environment >= 2 else "Внесок у довкілля обмежений.",
        ),
        "cost_per_beneficiary": (
            6 - _level(per_head, (2_000, 10_000, 30_000, 100_000)),
            f"Близько {per_head:,.0f} грн на прямого бенефіціара.".replace(",", " "),
        ),
        "cofinancing": (
            0 if share < 10 else min(5, _level(share, (15, 20, 30)) + 1),
            f"Співфінансування з місцевого бюджету — {share:.1f} % вартості.",
        ),
        "readiness": (min(5, max(1, project.readiness)), f"Рівень готовності {project.readiness}."),
        "om_affordability": (
            4 if has_opex or "bbb_o_and_m_plan" in project.bbb_features else 2,
            "Є план утримання та експлуатаційні витрати в бюджеті."
            if has_opex or "bbb_o_and_m_plan" in project.bbb_features
            else "Експлуатаційні витрати не розписані.",
        ),
        "strategic_alignment": (
            5 if tasks else (3 if project.plan_id else 2),
            "Виконує завдання плану відновлення."
            if tasks
            else ("Пов’язаний із планом відновлення громади." if project.plan_id else "План відновлення ще в роботі."),
        ),
        "participation": (
            3 + (project.pk % 3 == 0) + (project.seeks_partner_expertise is True),
            "Ідею обговорено на громадських слуханнях.",
        ),
        "eu_alignment": (
            theme.eu_alignment if theme is not None else 2,
            "Наближає до вимог ЄС у відповідному секторі." if theme and theme.eu_alignment >= 4 else "Помірний внесок.",
        ),
    }


def _round(programme: Programme, users: Mapping[str, User], created: list[str] | None) -> None:
    coordinator = users["coordinator"]
    expert = users.get("expert")
    if PrioritisationRound.objects.filter(programme=programme, name_uk=ROUND_NAME_UK).exists():
        return
    projects = _round_projects(programme)
    if not projects:
        return
    round_ = prioritisation.round_create(
        acting_user=coordinator,
        programme=programme,
        name_uk=ROUND_NAME_UK,
        name_en=ROUND_NAME_EN,
        name_nl=ROUND_NAME_NL,
        description=ROUND_DESCRIPTION,
    )
    prioritisation.criteria_set(acting_user=coordinator, round_=round_, criteria=CRITERIA)
    prioritisation.projects_set(acting_user=coordinator, round_=round_, projects=projects)
    round_ = prioritisation.round_publish(acting_user=coordinator, round_=round_)
    criteria = list(PriorityCriterion.objects.filter(round=round_).order_by("position"))

    # (user, conflicts, note, which projects are left unscored: the coordinator the last one, the
    # expert the first three, so most projects have two scorers and every one at least one)
    scorers: list[tuple[User, list[Project], str, slice]] = [(coordinator, [], "", slice(None, -1))]
    if expert is not None and prioritisation.may_score(expert, programme):
        conflicted = [p for p in projects if p.seeks_partner_expertise][:1] or projects[:1]
        scorers.append((expert, conflicted, CONFLICT_NOTE, slice(3, None)))
    for user, conflicts, note, scored in scorers:
        scorer = prioritisation.scorer_add(acting_user=coordinator, round_=round_, user=user)
        scorer = prioritisation.conflict_declare(acting_user=user, scorer=scorer, projects=conflicts, note=note)
        rng = random.Random(f"vidnova-demo-round:{user.email}")  # noqa: S311 - demo data
        to_score = [p for p in projects[scored] if p not in conflicts]
        for project in to_score:
            base = _base_scores(project)
            scores = []
            for criterion in criteria:
                value, fact = base[criterion.code]
                value = max(0, min(criterion.scale_max, value + rng.choice((-1, 0, 0, 0, 1))))
                scores.append({"criterion": criterion, "value": value, "justification": fact})
            prioritisation.scores_set(acting_user=user, scorer=scorer, project=project, scores=scores)
    if created is not None:
        created.append(f"prioritisation round {ROUND_NAME_EN} with {len(projects)} projects")
