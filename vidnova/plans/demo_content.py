"""The content of the demo recovery plans (vidnova.plans.demo builds them through the services).

One adopted Local Recovery Plan of a phase-1 hromada of the demo programme, written out in full
(every section in Ukrainian and English, the structured tables, a goal tree of 50 nodes tagged with
SDG targets, EU acquis chapters and Charter articles, and the principles checklist), and three lighter
drafts of other programme hromadas in other states of their workflows.

Everything here is demonstration data. The hromadas, their settlements and their registry figures are
real (the registry ships them); every other figure is an illustrative estimate written for the demo,
and the plans say so in their summaries and in the sources of their tables. No real people are named:
comments and edits are made by the demo accounts.

Dates: the adopted plan lives in 2023 (phase 1 of the programme). The drafts are in progress today, so
their participation periods are given as days counted from the day the demo runs (``Period``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from vidnova.plans.models import AdoptingBody, PlanState, PlanType, SectionCode

Row = dict[str, str]

S = PlanState
C = SectionCode


_LINE_BREAK = re.compile(r"\s*\n\s*")
_BLOCK_START = re.compile(
    r"\s*(<(?:h[2-4]|p|ul|ol|li|table|caption|thead|tbody|tfoot|tr|blockquote)\b|</(?:ul|ol|table|blockquote)>)"
)


def html(text: str) -> str:
    """A rich-text fragment written as an indented, wrapped triple-quoted string, stored as the editor
    would: one line per block (heading, paragraph, list item, table row), no line breaks inside."""
    return _BLOCK_START.sub(r"\n\1", _LINE_BREAK.sub(" ", text.strip())).strip()


# --- the shape of the content ----------------------------------------------------------------------


@dataclass(frozen=True)
class SectionUpdate:
    """A later version of a section, saved in ``state`` over the first one (so the section's history
    shows how the text grew); ``tables`` replaces the tables it names."""

    state: PlanState
    body_uk: str
    body_en: str
    tables: dict[str, list[Row]] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionContent:
    code: SectionCode
    body_uk: str
    body_en: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    registry_profile: bool = False  # insert the registry figures into the key-figures table first
    update: SectionUpdate | None = None


@dataclass(frozen=True)
class Goal:
    """A node of the goal tree with its children; codes are those of vidnova.classifications."""

    text_uk: str
    text_en: str
    sdg: tuple[str, ...] = ()
    acquis: tuple[str, ...] = ()
    charter: tuple[str, ...] = ()
    children: tuple[Goal, ...] = ()

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


@dataclass(frozen=True)
class PrincipleJustification:
    code: str  # vidnova.plans.principles
    justification_uk: str
    justification_en: str
    is_met: bool = True


@dataclass(frozen=True)
class Reply:
    author: str  # key of the demo account: "coordinator", "editor", "expert"
    body: str


@dataclass(frozen=True)
class Thread:
    """A review comment on a section, its replies and, when the hromada acted on it, the rows it
    added to a table of the section before the thread was resolved."""

    section: SectionCode
    author: str
    body: str
    quote: str = ""
    replies: tuple[Reply, ...] = ()
    added_rows: tuple[str, tuple[Row, ...]] | None = None  # (table code, rows appended)
    resolved_by: str = ""  # key of the demo account that resolves it; "" leaves it open


@dataclass(frozen=True)
class Period:
    """A participation period: fixed dates, or days counted from the day the demo runs."""

    starts: datetime.date | int
    ends: datetime.date | int

    def resolve(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        def day(value: datetime.date | int) -> datetime.date:
            return value if isinstance(value, datetime.date) else today + datetime.timedelta(days=value)

        return day(self.starts), day(self.ends)


@dataclass(frozen=True)
class Adoption:
    adopting_body: AdoptingBody
    act_number: str
    act_date: datetime.date
    note: str = ""


@dataclass(frozen=True)
class DemoPlan:
    key: str  # stable name in the demo's report
    katottg: str  # the hromada (one demo plan per hromada and plan type)
    plan_type: PlanType
    state: PlanState  # where the demo leaves the plan
    author: str  # the demo account that writes the plan
    title_uk: str
    title_en: str
    summary_uk: str
    summary_en: str
    starts_on: datetime.date
    ends_on: datetime.date
    sections: tuple[SectionContent, ...]
    summary_nl: str = ""
    goals: Goal | None = None
    principles: tuple[PrincipleJustification, ...] = ()
    proposals: Period | None = None
    consultation: Period | None = None
    threads: tuple[Thread, ...] = ()
    adoption: Adoption | None = None
    transition_notes: dict[PlanState, str] = field(default_factory=dict)  # note for entering a state


# In which state of its workflow each section is written (a section whose state comes after the state a
# draft stops in is written in that last state).
SECTION_STAGES: dict[PlanType, dict[SectionCode, PlanState]] = {
    PlanType.LOCAL_RECOVERY_PLAN: {
        C.PROFILE: S.SCOPING,
        C.WAR_IMPACT: S.SITUATION_ANALYSIS,
        C.RESOURCES: S.SITUATION_ANALYSIS,
        C.NEEDS: S.NEEDS_AND_PARTICIPATION,
        C.SWOT: S.NEEDS_AND_PARTICIPATION,
        C.PARTICIPATION: S.NEEDS_AND_PARTICIPATION,
        C.VISION: S.VISION_GOALS,
        C.GOALS: S.VISION_GOALS,
        C.PROJECTS: S.PROJECT_IDEAS,
        C.FINANCING: S.PRIORITISATION,
        C.IMPLEMENTATION: S.PRIORITISATION,
        C.MONITORING: S.DRAFT,
        C.EU_ALIGNMENT: S.DRAFT,
    },
    PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME: {
        C.PROFILE: S.WORKING_GROUP_FORMED,
        C.WAR_IMPACT: S.BASELINE_DATA_ANALYSIS,
        C.RESOURCES: S.BASELINE_DATA_ANALYSIS,
        C.NEEDS: S.BASELINE_DATA_ANALYSIS,
        C.PARTICIPATION: S.PROPOSALS_COLLECTION,
        C.GOALS: S.DRAFTING,
        C.PROJECTS: S.DRAFTING,
        C.FINANCING: S.DRAFTING,
        C.IMPLEMENTATION: S.DRAFTING,
    },
}

DEMO_SOURCE_UK = "демонстраційна оцінка"
DEMO_SOURCE_EN = "demonstration estimate"


# =====================================================================================================
# 1. The adopted Local Recovery Plan: Velykooleksandrivska settlement hromada (Kherson oblast, phase 1)
# =====================================================================================================
#
# Occupied from March to October 2022, with the front line along the Inhulets river (Davydiv Brid)
# for seven months; one of the four phase-1 hromadas of the demo programme.

VELYKOOLEKSANDRIVSKA = "UA65020050000086746"
V_AS_OF = "2023-07-01"
V_SOURCE = "Робоча група з відновлення громади; " + DEMO_SOURCE_UK

V_PROFILE = SectionContent(
    C.PROFILE,
    body_uk=html(
        """
        <h3>Розташування і населені пункти</h3>
        <p>Великоолександрівська селищна територіальна громада лежить у північній частині Бериславського
        району Херсонської області, у долині річки Інгулець, на межі з Дніпропетровською та Миколаївською
        областями. Адміністративний центр — селище Велика Олександрівка — розташований приблизно за 120 км
        від Херсона і за 70 км від Кривого Рогу. Площа громади становить 865,4 км². До її складу входять
        34 населені пункти: селища Велика Олександрівка, Біла Криниця і Кар’єрне та 31 село, серед них
        Давидів Брід, Старосілля, Трифонівка, Новопавлівка й Михайлів. Частина сіл — малі, з населенням до
        200 осіб, віддалені від центру на 25–30 км.</p>
        <p>Громаду утворено у 2020 році в ході реформи децентралізації. Територія поділена на дев’ять
        старостинських округів; старости приймають звернення мешканців, ведуть облік потреб і координують
        гуманітарну допомогу в селах.</p>

        <h3>Населення</h3>
        <p>На 1 січня 2022 року в громаді проживало 15 901 особа, з них 7 806 — у селищах. Населення
        старіло ще до війни: частка людей віком понад 60 років перевищувала чверть, а молодь виїжджала
        на навчання й роботу до Кривого Рогу, Херсона та Миколаєва. Під час окупації громаду залишила
        більшість мешканців. Станом на червень 2023 року, за даними старостатів і соціальних служб, у
        громаді фактично проживає близько 10,4 тис. осіб, серед них приблизно 650 внутрішньо переміщених
        осіб з лівобережжя Херсонщини.</p>
        <p>Серед тих, хто повернувся, переважають люди старшого віку та сім’ї з дітьми; помітно менше
        чоловіків працездатного віку, багато з яких служать у Силах оборони. На обліку перебуває понад
        300 ветеранів війни та членів їхніх сімей і близько 900 людей з інвалідністю.</p>

        <h3>Економіка і зайнятість</h3>
        <p>Основа економіки — сільське господарство: зернові та соняшник, до війни також овочівництво на
        зрошуваних землях уздовж Інгульця і тваринництво. Сільськогосподарські угіддя займають близько
        700 км², тобто чотири п’ятих території. У громаді працювало понад 200 фермерських господарств і
        агропідприємств, елеватор, невеликі підприємства з переробки зерна й олійних культур, мережа
        торгівлі та побутових послуг. Найбільшими роботодавцями після аграрного сектору були заклади освіти
        й охорони здоров’я та органи місцевого самоврядування.</p>

        <h3>Публічні послуги</h3>
        <ul>
        <li><strong>Освіта:</strong> 10 ліцеїв і гімназій (з філіями), 7 закладів дошкільної освіти, центр
        позашкільної освіти.</li>
        <li><strong>Охорона здоров’я:</strong> багатопрофільна лікарня у Великій Олександрівці, центр
        первинної медичної допомоги з амбулаторіями та фельдшерськими пунктами в селах.</li>
        <li><strong>Соціальні послуги:</strong> центр надання соціальних послуг, догляд удома,
        територіальний центр.</li>
        <li><strong>Адміністративні послуги:</strong> центр надання адміністративних послуг (ЦНАП) у
        Великій Олександрівці та віддалені робочі місця в старостатах.</li>
        <li><strong>Комунальні послуги:</strong> комунальне підприємство з водопостачання та благоустрою;
        централізований водогін є лише в частині населених пунктів.</li>
        </ul>

        <h3>Врядування</h3>
        <p>Представницький орган — Великоолександрівська селищна рада (26 депутатів), виконавчі органи —
        виконавчий комітет і відділи ради. У громаді діють молодіжна рада, громадські організації ветеранів
        і переміщених осіб, релігійні громади. З березня 2023 року працює робоча група з розроблення плану
        відновлення: депутати, працівники ради, старости, представники бізнесу, освіти, медицини, ветеранів,
        переміщених осіб і молоді.</p>
        <p>Ключові показники з реєстру Vidnova та з оцінок робочої групи подано в таблиці.
        <em>Показники, не взяті з реєстру, — демонстраційні оцінки.</em></p>
        """
    ),
    body_en=html(
        """
        <h3>Location and settlements</h3>
        <p>Velykooleksandrivska settlement hromada lies in the north of Beryslav raion in Kherson oblast, in
        the valley of the Inhulets river, where Kherson oblast borders Dnipropetrovsk and Mykolaiv oblasts.
        Its administrative centre, the settlement of Velyka Oleksandrivka, is about 120 km from Kherson and
        70 km from Kryvyi Rih. The hromada covers 865.4 km² and has 34 settlements: the three settlements
        of Velyka Oleksandrivka, Bila Krynytsia and Kariierne and 31 villages, among them Davydiv Brid,
        Starosillia, Tryfonivka, Novopavlivka and Mykhailiv. Some villages are small, with fewer than 200
        residents, and lie 25–30 km from the centre.</p>
        <p>The hromada was formed in 2020 in the decentralisation reform. Its territory is divided into nine
        starosta districts; the starostas receive residents' requests, keep track of needs and coordinate
        humanitarian aid in the villages.</p>

        <h3>Population</h3>
        <p>On 1 January 2022 the hromada had 15,901 residents, 7,806 of them in the three settlements. The
        population was ageing before the war: more than a quarter were over 60, and young people left to
        study and work in Kryvyi Rih, Kherson and Mykolaiv. Most residents left during the occupation. In
        June 2023, according to the starosta offices and the social services, about 10,400 people actually
        live in the hromada, including some 650 internally displaced people from the left bank of Kherson
        oblast.</p>
        <p>Among those who returned, older people and families with children predominate; there are
        noticeably fewer men of working age, many of whom serve in the Defence Forces. More than 300 war
        veterans and members of their families are registered, and about 900 people with disabilities.</p>

        <h3>Economy and jobs</h3>
        <p>The economy rests on agriculture: grain and sunflower, and before the war also vegetables on
        irrigated land along the Inhulets, and livestock. Farmland covers about 700 km², four fifths of the
        territory. More than 200 farms and agricultural companies worked here, with a grain elevator, small
        grain and oilseed processors and a network of shops and services. After agriculture, the largest
        employers were schools, health care and local government.</p>

        <h3>Public services</h3>
        <ul>
        <li><strong>Education:</strong> 10 lyceums and gymnasiums (with branch schools), 7 pre-schools and a
        centre for out-of-school education.</li>
        <li><strong>Health care:</strong> a general hospital in Velyka Oleksandrivka and a primary health
        care centre with outpatient clinics and medical posts in the villages.</li>
        <li><strong>Social services:</strong> a social services centre, home care and a day centre.</li>
        <li><strong>Administrative services:</strong> an administrative service centre (TsNAP) in Velyka
        Oleksandrivka with remote workstations in the starosta offices.</li>
        <li><strong>Utilities:</strong> a municipal company for water supply and public spaces; only some
        settlements have piped water.</li>
        </ul>

        <h3>Governance</h3>
        <p>The representative body is Velykooleksandrivska settlement council (26 members); the executive
        bodies are the executive committee and the council's departments. The hromada has a youth council,
        associations of veterans and of displaced people, and religious communities. Since March 2023 a
        working group has been drafting the recovery plan: council members and staff, starostas, and
        representatives of business, schools, health care, veterans, displaced people and young people.</p>
        <p>The table gives the key figures from the Vidnova registry and the working group's estimates.
        <em>Figures not taken from the registry are demonstration estimates.</em></p>
        """
    ),
    tables={
        "key_figures": [
            {
                "indicator_uk": "Фактичне населення (оцінка)",
                "indicator_en": "Resident population (estimate)",
                "value": "10400",
                "unit": "",
                "as_of": "2023-06-01",
                "source": V_SOURCE,
            },
            {
                "indicator_uk": "Внутрішньо переміщені особи на обліку",
                "indicator_en": "Registered internally displaced people",
                "value": "650",
                "unit": "",
                "as_of": "2023-06-01",
                "source": V_SOURCE,
            },
            {
                "indicator_uk": "Частка сільськогосподарських угідь у площі громади",
                "indicator_en": "Share of farmland in the hromada's area",
                "value": "81",
                "unit": "%",
                "as_of": "2022-01-01",
                "source": V_SOURCE,
            },
            {
                "indicator_uk": "Старостинські округи",
                "indicator_en": "Starosta districts",
                "value": "9",
                "unit": "",
                "as_of": "2023-06-01",
                "source": V_SOURCE,
            },
            {
                "indicator_uk": "Заклади загальної середньої освіти",
                "indicator_en": "General secondary schools",
                "value": "10",
                "unit": "",
                "as_of": "2023-06-01",
                "source": V_SOURCE,
            },
            {
                "indicator_uk": "Ветерани війни та члени їхніх сімей на обліку",
                "indicator_en": "Registered war veterans and family members",
                "value": "310",
                "unit": "",
                "as_of": "2023-06-01",
                "source": V_SOURCE,
            },
        ]
    },
    registry_profile=True,
)


def _damage(sector: str, damaged: int, destroyed: int, loss_uah: int) -> Row:
    return {
        "sector": sector,
        "damaged": str(damaged),
        "destroyed": str(destroyed),
        "loss_uah": str(loss_uah),
        "as_of": V_AS_OF,
        "source": "Комісії з обстеження; Реєстр пошкодженого та знищеного майна; " + DEMO_SOURCE_UK,
    }


V_WAR_IMPACT = SectionContent(
    C.WAR_IMPACT,
    body_uk=html(
        """
        <h3>Окупація і бої на Інгульці</h3>
        <p>З початку березня 2022 року громада опинилася на лінії зіткнення. Велику Олександрівку та
        більшість сіл було окуповано; сім місяців фронт проходив територією громади вздовж Інгульця, а
        біля Давидового Броду точилися затяжні бої. Громаду звільнено на початку жовтня 2022 року в ході
        контрнаступу Сил оборони України на Херсонщині. Після звільнення населені пункти ще кілька місяців
        зазнавали обстрілів, а вся територія залишається забрудненою вибухонебезпечними предметами.</p>

        <h3>Пошкодження і втрати</h3>
        <p>Комісії громади з обстеження пошкодженого майна разом зі старостами обстежили всі населені
        пункти; дані звірено з Реєстром пошкодженого та знищеного майна. Станом на 1 липня 2023 року
        пошкоджено 2 870 житлових будинків і квартир, ще 615 зруйновано повністю. Найбільше постраждали
        Давидів Брід і села на правому березі Інгульця, де житло, школи й клуби знищено майже повністю.
        Загальні прямі збитки оцінено в 5,4 млрд грн.</p>
        <ul>
        <li><strong>Енергетика:</strong> пошкоджено понад 200 км ліній електропередачі та 58 трансформаторних
        підстанцій; до весни 2023 року частина сіл залишалася без світла.</li>
        <li><strong>Вода:</strong> зруйновано водонапірні башти й насосні станції, пошкоджено 46 км
        водопровідних мереж; у багатьох селах вода з колодязів непридатна для пиття.</li>
        <li><strong>Транспорт:</strong> зруйновано три мости через Інгулець, зокрема в Давидовому Броді;
        понад 90 км доріг потребують ремонту після руху важкої техніки.</li>
        <li><strong>Освіта і медицина:</strong> пошкоджено 9 закладів освіти (ще 2 зруйновано), лікарню та
        шість амбулаторій і фельдшерських пунктів.</li>
        <li><strong>Управління:</strong> пошкоджено адміністративну будівлю ради, знищено чотири приміщення
        старостатів разом з документами.</li>
        </ul>

        <h3>Довкілля і культурна спадщина</h3>
        <p>Вирви, згорілі поля й лісосмуги, рештки техніки та пального забруднюють ґрунти й підземні води;
        в заплаві Інгульця залишилися фортифікаційні споруди. Пошкоджено будинки культури й бібліотеки в 14
        селах (п’ять зруйновано), кілька пам’ятних знаків і меморіалів, храми. Частину бібліотечних фондів і
        експонатів сільських музейних кімнат втрачено.</p>

        <h3>Забруднення вибухонебезпечними предметами</h3>
        <p>За первинним нетехнічним обстеженням близько 380 км² сільськогосподарських угідь, лісосмуги,
        узбіччя доріг і береги Інгульця вважаються потенційно забрудненими. Після звільнення сталися
        випадки підриву сільськогосподарської техніки. Розмінування — передумова повернення людей,
        відновлення аграрного виробництва і будь-якої відбудови.</p>

        <h3>Переміщення населення</h3>
        <p>Під час окупації громаду залишили понад дві третини мешканців. Після звільнення люди поступово
        повертаються; громада також прийняла переміщених осіб з окупованого лівобережжя області та з
        прифронтових сіл. Динаміку показано в таблиці «Переміщення».</p>
        """
    ),
    body_en=html(
        """
        <h3>Occupation and the fighting on the Inhulets</h3>
        <p>From early March 2022 the hromada was on the line of contact. Velyka Oleksandrivka and most
        villages were occupied; for seven months the front ran through the hromada along the Inhulets, with
        protracted fighting near Davydiv Brid. The hromada was liberated in early October 2022 in the
        counter-offensive of Ukraine's Defence Forces in Kherson oblast. After liberation the settlements
        were shelled for several more months, and the whole territory remains contaminated by explosive
        ordnance.</p>

        <h3>Damage and losses</h3>
        <p>The hromada's commissions for the inspection of damaged property surveyed every settlement with
        the starostas, and the data were checked against the Register of Damaged and Destroyed Property. By
        1 July 2023, 2,870 houses and flats were damaged and 615 completely destroyed. Davydiv Brid and the
        villages on the right bank of the Inhulets suffered most: homes, schools and clubs there are almost
        entirely destroyed. Direct damage is estimated at UAH 5.4 billion.</p>
        <ul>
        <li><strong>Energy:</strong> more than 200 km of power lines and 58 transformer substations were
        damaged; some villages had no electricity until spring 2023.</li>
        <li><strong>Water:</strong> water towers and pumping stations were destroyed and 46 km of water mains
        damaged; in many villages well water is not safe to drink.</li>
        <li><strong>Transport:</strong> three bridges over the Inhulets were destroyed, including the one at
        Davydiv Brid; more than 90 km of roads need repair after heavy military traffic.</li>
        <li><strong>Education and health:</strong> 9 schools and pre-schools were damaged (2 more destroyed),
        as were the hospital and six outpatient clinics and medical posts.</li>
        <li><strong>Administration:</strong> the council building was damaged and four starosta offices were
        destroyed together with their records.</li>
        </ul>

        <h3>Environment and cultural heritage</h3>
        <p>Craters, burnt fields and shelterbelts, and the remains of vehicles and fuel pollute the soil and
        groundwater; fortifications remain in the Inhulets floodplain. Houses of culture and libraries in 14
        villages were damaged (five destroyed), as were several memorials and churches. Part of the library
        collections and of the village museum rooms' exhibits is lost.</p>

        <h3>Contamination by explosive ordnance</h3>
        <p>According to the first non-technical survey, about 380 km² of farmland, shelterbelts, roadsides and
        the banks of the Inhulets are suspected of contamination. Since liberation, farm machinery has hit
        mines. Demining comes before the return of residents, the recovery of farming and any
        reconstruction.</p>

        <h3>Displacement</h3>
        <p>More than two thirds of the residents left during the occupation. Since liberation people have
        been coming back, and the hromada has also taken in displaced people from the occupied left bank of
        the oblast and from villages near the front. The table “Displacement” shows the trend.</p>
        """
    ),
    tables={
        "damage_by_sector": [
            _damage("housing", 2870, 615, 1_700_000_000),
            _damage("energy", 58, 6, 420_000_000),
            _damage("water", 21, 9, 180_000_000),
            _damage("transport", 14, 3, 650_000_000),
            _damage("education", 9, 2, 380_000_000),
            _damage("health", 7, 2, 140_000_000),
            _damage("social", 4, 1, 35_000_000),
            _damage("administration", 6, 4, 60_000_000),
            _damage("culture", 14, 5, 75_000_000),
            _damage("environment", 0, 0, 90_000_000),
            _damage("economy", 63, 21, 520_000_000),
            _damage("demining", 0, 0, 1_100_000_000),
            _damage("civil_protection", 3, 1, 40_000_000),
        ],
        "displacement": [
            {
                "as_of": "2022-10-15",
                "residents_left": "11200",
                "displaced_hosted": "40",
                "returned": "0",
                "source": "Старостати, управління соціального захисту; " + DEMO_SOURCE_UK,
            },
            {
                "as_of": "2023-01-01",
                "residents_left": "8300",
                "displaced_hosted": "310",
                "returned": "2900",
                "source": "Старостати, управління соціального захисту; " + DEMO_SOURCE_UK,
            },
            {
                "as_of": "2023-06-01",
                "residents_left": "6100",
                "displaced_hosted": "650",
                "returned": "5100",
                "source": "Старостати, управління соціального захисту; " + DEMO_SOURCE_UK,
            },
        ],
    },
)


def _resource(kind: str, uk: str, en: str, quantity: str) -> Row:
    return {"kind": kind, "description_uk": uk, "description_en": en, "quantity": quantity}


V_RESOURCES = SectionContent(
    C.RESOURCES,
    body_uk=html(
        """
        <p>Попри втрати, громада має ресурси, на які може спертися відновлення. Робоча група оцінила їх
        разом зі старостами, керівниками закладів і підприємцями.</p>
        <h3>Люди</h3>
        <p>Близько 5,6 тис. мешканців працездатного віку, досвідчені аграрії й механізатори, педагоги та
        медики, які залишилися або повернулися. Ветерани, що повертаються додому, приносять досвід
        управління, логістики й роботи з технікою. Волонтерські ініціативи, які виникли під час окупації
        та після звільнення, стали основою нових громадських організацій, а молодіжна рада відновила
        роботу вже в грудні 2022 року.</p>
        <h3>Земля і природні ресурси</h3>
        <p>Родючі чорноземи, близько 700 км² сільськогосподарських угідь, річка Інгулець і зрошувальна
        мережа, яку можна відновити з водоощадними технологіями. Високий потенціал сонячної енергетики:
        на півдні України сонячних днів на рік більше, ніж майже будь-де в країні.</p>
        <h3>Фінанси</h3>
        <p>Доходи загального фонду бюджету без трансфертів скоротилися з 131 млн грн у 2021 році до 78 млн
        грн у 2022 році; на 2023 рік очікується 96 млн грн завдяки поверненню платників податків.
        Бюджет розвитку невеликий (11,5 млн грн у 2023 році), тому план спирається на державні фонди,
        компенсації за програмою «єВідновлення» та міжнародних партнерів. Боргових зобов’язань громада не
        має, що дає змогу залучати співфінансування.</p>
        <h3>Інституції і партнери</h3>
        <p>Селищна рада і виконавчий комітет працювали без перерви від дня звільнення; ЦНАП відновив роботу
        в листопаді 2022 року. Громада співпрацює з програмою VNG International та Асоціації міст України,
        з нідерландським муніципалітетом-партнером, з обласною військовою адміністрацією, міжнародними
        гуманітарними організаціями та операторами протимінної діяльності.</p>
        <h3>Інфраструктура і майно</h3>
        <p>Будівлі, що вціліли або придатні до ремонту, можна використати для тимчасового житла, укриттів і
        центрів надання послуг; вільні земельні ділянки комунальної власності — для соціального житла та
        невеликого виробничого майданчика.</p>
        """
    ),
    body_en=html(
        """
        <p>Despite its losses, the hromada has resources its recovery can build on. The working group
        assessed them with the starostas, heads of public institutions and entrepreneurs.</p>
        <h3>People</h3>
        <p>About 5,600 residents of working age, experienced farmers and machine operators, and teachers and
        medical staff who stayed or came back. Veterans returning home bring experience in management,
        logistics and handling machinery. Volunteer initiatives that arose during the occupation and after
        liberation have become new civic organisations, and the youth council resumed its work as early as
        December 2022.</p>
        <h3>Land and natural resources</h3>
        <p>Fertile black soil, about 700 km² of farmland, the Inhulets river and an irrigation network that
        can be restored with water-saving technology. A high potential for solar energy: southern Ukraine
        has one of the highest numbers of sunny days a year in the country.</p>
        <h3>Finance</h3>
        <p>General-fund revenue without transfers fell from UAH 131 million in 2021 to UAH 78 million in
        2022; UAH 96 million is expected for 2023 as taxpayers return. The development budget is small
        (UAH 11.5 million in 2023), so the plan relies on state funds, compensation under the eRecovery
        programme and international partners. The hromada has no debt, which allows it to raise
        co-financing.</p>
        <h3>Institutions and partners</h3>
        <p>The settlement council and its executive committee have worked without interruption since the day
        of liberation; the administrative service centre reopened in November 2022. The hromada works with
        the programme of VNG International and the Association of Ukrainian Cities, a Dutch partner
        municipality, the oblast military administration, international humanitarian organisations and
        mine action operators.</p>
        <h3>Infrastructure and property</h3>
        <p>Buildings that survived or can be repaired can house temporary accommodation, shelters and service
        centres; free municipal land can take social housing and a small production site.</p>
        """
    ),
    tables={
        "resources": [
            _resource("human", "Населення працездатного віку", "Working-age population", "≈ 5 600"),
            _resource("human", "Педагогічні працівники", "Teachers", "214"),
            _resource("human", "Медичні працівники", "Medical staff", "63"),
            _resource("land", "Сільськогосподарські угіддя", "Farmland", "≈ 700 km²"),
            _resource("land", "Зрошувані землі до війни", "Irrigated land before the war", "≈ 45 km²"),
            _resource(
                "fiscal",
                "Доходи загального фонду без трансфертів, 2023 (очікувані)",
                "General-fund revenue without transfers, 2023 (expected)",
                "96 000 000 UAH",
            ),
            _resource("fiscal", "Бюджет розвитку, 2023", "Development budget, 2023", "11 500 000 UAH"),
            _resource(
                "institutional",
                "ЦНАП і віддалені робочі місця в старостатах",
                "Administrative service centre and remote workstations in starosta offices",
                "1 + 9",
            ),
            _resource(
                "institutional",
                "Партнерства з міжнародними програмами та муніципалітетами",
                "Partnerships with international programmes and municipalities",
                "4",
            ),
            _resource(
                "infrastructure",
                "Комунальні будівлі, придатні до ремонту",
                "Municipal buildings fit for repair",
                "23",
            ),
            _resource(
                "infrastructure",
                "Вільні земельні ділянки комунальної власності",
                "Free municipal land plots",
                "≈ 0.6 km²",
            ),
        ]
    },
)

V_NEEDS = SectionContent(
    C.NEEDS,
    body_uk=html(
        """
        <p>Потреби визначено на основі обстеження пошкоджень, опитування 1 146 мешканців (квітень 2023
        року), фокус-груп із переміщеними особами, ветеранами та молоддю, звітів старост і публічних
        слухань 25 травня 2023 року. Опитування показало, що головними умовами повернення мешканці вважають
        безпеку (87 % відповідей), житло (71 %), роботу (64 %) і питну воду (58 %).</p>

        <h3>Потреби за секторами</h3>
        <ol>
        <li><strong>Безпека:</strong> розмінування сільськогосподарських угідь, доріг і населених пунктів;
        укриття в закладах освіти й охорони здоров’я; система оповіщення в кожному селі; місцева пожежна
        команда.</li>
        <li><strong>Житло:</strong> ремонт пошкодженого житла до опалювального сезону; тимчасове і соціальне
        житло для тих, чиї будинки зруйновано; допомога в поданні заяв на компенсацію.</li>
        <li><strong>Вода й енергія:</strong> питна вода в селах, де колодязі забруднені; відновлення водогону
        Великої Олександрівки; резервне живлення котелень, водоканалу, лікарні та шкіл.</li>
        <li><strong>Освіта:</strong> повернення до очного навчання в безпечних приміщеннях; шкільні автобуси
        для віддалених сіл; психологічна підтримка дітей.</li>
        <li><strong>Охорона здоров’я:</strong> відновлення амбулаторій, мобільні медичні бригади для
        віддалених сіл, реабілітація.</li>
        <li><strong>Економіка:</strong> відновлення техніки і зрошення, доступ фермерів до пільгових кредитів
        і грантів, робочі місця для жінок і ветеранів.</li>
        <li><strong>Управління:</strong> відновлення приміщень старостатів і документів, проєктний офіс,
        цифрові послуги.</li>
        </ol>

        <h3>Потреби груп населення</h3>
        <ul>
        <li><strong>Ветерани та їхні родини:</strong> реабілітація і психологічна підтримка поблизу дому,
        працевлаштування, підтримка власної справи, один контактний пункт для всіх послуг у ЦНАП.</li>
        <li><strong>Внутрішньо переміщені особи:</strong> житло, робота, інтеграція в громаду і голос у
        рішеннях через раду переміщених осіб.</li>
        <li><strong>Жінки:</strong> багато жінок стали єдиними годувальницями сімей; потрібні гнучкі форми
        зайнятості, догляд за дітьми, безпечний транспорт і допомога постраждалим від насильства.</li>
        <li><strong>Молодь:</strong> простори для зустрічей і навчання, профорієнтація, участь у рішеннях
        через молодіжну раду.</li>
        <li><strong>Люди старшого віку та люди з інвалідністю:</strong> догляд удома, доставка ліків,
        безбар’єрний доступ до відновлених будівель, транспорт до лікарні.</li>
        </ul>
        """
    ),
    body_en=html(
        """
        <p>The needs were identified from the damage survey, a survey of 1,146 residents (April 2023), focus
        groups with displaced people, veterans and young people, the starostas' reports and the public
        hearing of 25 May 2023. In the survey, residents named safety (87% of answers), housing (71%), work
        (64%) and drinking water (58%) as the main conditions for coming back.</p>

        <h3>Needs by sector</h3>
        <ol>
        <li><strong>Safety:</strong> demining of farmland, roads and settlements; shelters in schools and
        health facilities; an alert system in every village; a local fire brigade.</li>
        <li><strong>Housing:</strong> repairs of damaged homes before the heating season; temporary and social
        housing for those whose homes were destroyed; help with compensation claims.</li>
        <li><strong>Water and energy:</strong> drinking water in villages with polluted wells; restoring the
        water mains of Velyka Oleksandrivka; backup power for boiler houses, the water utility, the hospital
        and schools.</li>
        <li><strong>Education:</strong> a return to classroom teaching in safe buildings; school buses for
        remote villages; psychological support for children.</li>
        <li><strong>Health care:</strong> restored outpatient clinics, mobile medical teams for remote
        villages, rehabilitation.</li>
        <li><strong>Economy:</strong> replacing machinery and irrigation, farmers' access to subsidised loans
        and grants, jobs for women and veterans.</li>
        <li><strong>Administration:</strong> restored starosta offices and records, a project office, digital
        services.</li>
        </ol>

        <h3>Needs of population groups</h3>
        <ul>
        <li><strong>Veterans and their families:</strong> rehabilitation and psychological support close to
        home, jobs, support for starting a business, one contact point for every service at the
        administrative service centre.</li>
        <li><strong>Internally displaced people:</strong> housing, work, integration and a voice in decisions
        through a council of displaced people.</li>
        <li><strong>Women:</strong> many women have become their family's only earner; they need flexible
        work, childcare, safe transport and help for survivors of violence.</li>
        <li><strong>Young people:</strong> places to meet and learn, career guidance, a say in decisions
        through the youth council.</li>
        <li><strong>Older people and people with disabilities:</strong> home care, delivery of medicines,
        barrier-free access to rebuilt buildings, transport to the hospital.</li>
        </ul>
        """
    ),
)


def _swot(quadrant: str, uk: str, en: str) -> Row:
    return {"quadrant": quadrant, "text_uk": uk, "text_en": en}


def _risk(uk: str, en: str, likelihood: int, impact: int, mitigation_uk: str, mitigation_en: str) -> Row:
    return {
        "risk_uk": uk,
        "risk_en": en,
        "likelihood": str(likelihood),
        "impact": str(impact),
        "mitigation_uk": mitigation_uk,
        "mitigation_en": mitigation_en,
    }


V_RISK_POWER_CUTS = _risk(
    "Тривалі відключення електроенергії взимку через атаки на енергосистему",
    "Long winter power cuts caused by attacks on the power system",
    4,
    4,
    "Резервне живлення і сонячні станції з накопичувачами для лікарні, водоканалу й котелень (завдання "
    "1.3.1); пункти обігріву в кожному старостинському окрузі.",
    "Backup power and solar plants with storage for the hospital, the water utility and boiler houses "
    "(task 1.3.1); warm-up points in every starosta district.",
)

V_SWOT = SectionContent(
    C.SWOT,
    body_uk=html(
        """
        <p>SWOT-аналіз підготувала робоча група на двох засіданнях у травні 2023 року з урахуванням
        результатів опитування і фокус-груп. Сильні сторони громади — земля, люди та їхня згуртованість;
        найслабше місце — мінне забруднення і зруйнована базова інфраструктура, від яких залежить усе
        інше.</p>
        <p>Головний висновок: відновлення треба починати з безпеки, води й енергії, паралельно готуючи
        проєкти та нарощуючи спроможність ради залучати кошти. Можливості державних програм і міжнародних
        партнерів громада зможе використати лише з готовими проєктами і прозорими процедурами.</p>
        <h3>Ризики</h3>
        <p>Ризики оцінено за ймовірністю та впливом (від 1 — дуже низький до 5 — дуже високий). Безпековий
        профіль громади визначає близькість до лінії фронту: план передбачає поетапність і гнучкість, щоб
        роботи можна було призупинити і відновити без втрати вкладеного.</p>
        """
    ),
    body_en=html(
        """
        <p>The working group prepared the SWOT analysis in two meetings in May 2023, drawing on the survey and
        the focus groups. The hromada's strengths are its land, its people and their cohesion; its weakest
        point is the mine contamination and the destroyed basic infrastructure on which everything else
        depends.</p>
        <p>The main conclusion: recovery must start with safety, water and energy, while projects are
        prepared and the council builds its capacity to raise funds. The hromada can only use the
        opportunities of state programmes and international partners with ready projects and transparent
        procedures.</p>
        <h3>Risks</h3>
        <p>Risks are rated by likelihood and impact (from 1, very low, to 5, very high). The hromada's
        security risk profile is set by its closeness to the front line: the plan works in stages and stays
        flexible, so that work can be paused and resumed without losing what was invested.</p>
        """
    ),
    tables={
        "swot": [
            _swot("strength", "Родючі землі й сильні аграрні традиції", "Fertile land and strong farming traditions"),
            _swot(
                "strength",
                "Згуртованість мешканців і волонтерський рух, що виник під час окупації",
                "Cohesion of residents and a volunteer movement born during the occupation",
            ),
            _swot(
                "strength",
                "Рада, виконавчий комітет і ЦНАП працюють без перерви від дня звільнення",
                "The council, its executive committee and the service centre have worked without a break since liberation",
            ),
            _swot(
                "strength",
                "Партнерства з міжнародними програмами та нідерландським муніципалітетом",
                "Partnerships with international programmes and a Dutch municipality",
            ),
            _swot(
                "strength",
                "Річка Інгулець і водні ресурси для зрошення",
                "The Inhulets river and water for irrigation",
            ),
            _swot(
                "weakness",
                "Масштабне забруднення земель вибухонебезпечними предметами",
                "Large-scale contamination of land by explosive ordnance",
            ),
            _swot(
                "weakness",
                "Зруйновані мережі водопостачання та електропостачання",
                "Destroyed water and power networks",
            ),
            _swot(
                "weakness",
                "Відтік молоді та брак медиків, інженерів і вчителів",
                "Young people leaving and a shortage of doctors, engineers and teachers",
            ),
            _swot(
                "weakness",
                "Малий бюджет розвитку і залежність від трансфертів",
                "A small development budget and dependence on transfers",
            ),
            _swot(
                "weakness",
                "Мало готових проєктів і обмежена проєктна спроможність ради",
                "Few ready projects and limited project capacity in the council",
            ),
            _swot(
                "opportunity",
                "Державні програми відновлення: «єВідновлення», ДФРР, фонд ліквідації наслідків збройної агресії",
                "State recovery programmes: eRecovery, the State Regional Development Fund, the fund for eliminating the consequences of armed aggression",
            ),
            _swot(
                "opportunity",
                "Підтримка ЄС і міжнародних донорів на шляху до вступу в ЄС",
                "Support from the EU and international donors on the way to EU membership",
            ),
            _swot(
                "opportunity",
                "Попит на продовольство і місцеву переробку сільськогосподарської продукції",
                "Demand for food and for local processing of farm produce",
            ),
            _swot(
                "opportunity",
                "Відновлювана енергетика і енергоефективна відбудова",
                "Renewable energy and energy-efficient reconstruction",
            ),
            _swot(
                "opportunity",
                "Повернення мешканців і ветеранів з новими навичками",
                "Residents and veterans coming back with new skills",
            ),
            _swot(
                "threat",
                "Відновлення обстрілів і близькість до лінії фронту",
                "Renewed shelling and closeness to the front line",
            ),
            _swot(
                "threat",
                "Нестача коштів і затримки фінансування відбудови",
                "Lack of money and delays in reconstruction funding",
            ),
            _swot(
                "threat",
                "Зростання цін на будівельні матеріали та брак підрядників",
                "Rising prices of building materials and a shortage of contractors",
            ),
            _swot(
                "threat",
                "Подальше скорочення і старіння населення",
                "Further decline and ageing of the population",
            ),
            _swot(
                "threat",
                "Наслідки руйнування Каховської ГЕС для водних ресурсів регіону",
                "The consequences of the destruction of the Kakhovka dam for the region's water resources",
            ),
        ],
        "risks": [
            _risk(
                "Відновлення обстрілів або наближення лінії фронту",
                "Renewed shelling or the front line moving closer",
                3,
                5,
                "Укриття в закладах, план евакуації, поетапні контракти, першочергово — захищені об’єкти.",
                "Shelters in public buildings, an evacuation plan, contracts in stages, protected facilities first.",
            ),
            _risk(
                "Повільне розмінування сільськогосподарських земель",
                "Slow demining of farmland",
                4,
                5,
                "Пріоритети розмінування разом з операторами; участь фермерів у державній програмі компенсації.",
                "Demining priorities agreed with the operators; farmers joining the state compensation programme.",
            ),
            _risk(
                "Недостатнє фінансування з державного бюджету та фондів",
                "Insufficient funding from the state budget and funds",
                4,
                4,
                "Кілька джерел для кожного проєкту, готові проєкти в Єдиному проєктному портфелі та DREAM.",
                "Several sources for each project; ready projects in the single project portfolio and DREAM.",
            ),
            _risk(
                "Зростання цін і брак підрядників",
                "Rising prices and a shortage of contractors",
                4,
                3,
                "Відкриті торги в Prozorro, поетапні контракти, спільні закупівлі з сусідніми громадами.",
                "Open tenders in Prozorro, contracts in stages, joint purchasing with neighbouring hromadas.",
            ),
            _risk(
                "Брак фахівців з управління проєктами та технічного нагляду",
                "A shortage of staff for project management and technical supervision",
                3,
                4,
                "Проєктний офіс, навчання в програмі VNG/АМУ, технічний нагляд із залученням партнерів.",
                "A project office, training in the VNG/AUC programme, technical supervision with partners.",
            ),
            _risk(
                "Корупційні ризики під час відбудови",
                "Corruption risks in reconstruction",
                2,
                5,
                "Публікація даних у DREAM, антикорупційна програма, внутрішній аудит, громадський моніторинг.",
                "Data published in DREAM, an anti-corruption programme, internal audit, civic monitoring.",
            ),
        ],
    },
)

V_PARTICIPATION_FIRST_UK = html(
    """
    <p>План готується разом з мешканцями. Робоча група оголосила збір пропозицій з 3 по 28 квітня 2023 року:
    пропозиції приймали в ЦНАП, у старостатах, електронною поштою та через онлайн-форму на сайті громади.
    Паралельно тривало опитування мешканців, а для груп, яких важко почути на загальних зборах,
    провели окремі зустрічі: з переміщеними особами, з ветеранами та їхніми родинами, з молоддю.</p>
    <p>Результати аналізу потреб представлено на публічних слуханнях 25 травня 2023 року. Громадське
    обговорення проєкту плану триватиме не менше 10 днів після його оприлюднення; про його результати
    буде доповнено цей розділ.</p>
    """
)
V_PARTICIPATION_FIRST_EN = html(
    """
    <p>The plan is prepared with the residents. The working group called for proposals from 3 to 28 April
    2023: proposals were received at the administrative service centre, in the starosta offices, by email
    and through an online form on the hromada's website. A residents' survey ran at the same time, and
    separate meetings were held for groups that are hard to hear at general meetings: displaced people,
    veterans and their families, and young people.</p>
    <p>The results of the needs analysis were presented at a public hearing on 25 May 2023. The public
    consultation of the draft plan will last at least 10 days after its publication; this section will be
    completed with its results.</p>
    """
)


def _event(
    event_type: str,
    held_on: str,
    participants: int,
    women: int,
    displaced: int,
    inputs: int,
    summary_uk: str,
    summary_en: str,
) -> Row:
    return {
        "event_type": event_type,
        "held_on": held_on,
        "participants": str(participants),
        "women": str(women),
        "displaced": str(displaced),
        "inputs": str(inputs),
        "summary_uk": summary_uk,
        "summary_en": summary_en,
    }


V_EVENTS_BEFORE_CONSULTATION = [
    _event(
        "proposal_call",
        "2023-04-03",
        137,
        81,
        14,
        137,
        "137 пропозицій: найчастіше — вода, укриття в школах, ремонт доріг і житла.",
        "137 proposals, most often on water, shelters in schools, and road and housing repairs.",
    ),
    _event(
        "survey",
        "2023-04-10",
        1146,
        652,
        118,
        312,
        "Пріоритети повернення: безпека, житло, робота, питна вода.",
        "Priorities for coming back: safety, housing, work, drinking water.",
    ),
    _event(
        "focus_group",
        "2023-04-20",
        18,
        13,
        18,
        24,
        "Переміщені особи: житло, робота, рада переміщених осіб.",
        "Displaced people: housing, work, a council of displaced people.",
    ),
    _event(
        "focus_group",
        "2023-04-25",
        14,
        6,
        2,
        19,
        "Ветерани та родини: реабілітація поруч із домом, підтримка власної справи.",
        "Veterans and families: rehabilitation close to home, support for starting a business.",
    ),
    _event(
        "workshop",
        "2023-05-12",
        32,
        19,
        4,
        41,
        "Молодь: молодіжний простір, профорієнтація, квота в бюджеті участі.",
        "Young people: a youth space, career guidance, a quota in the participatory budget.",
    ),
    _event(
        "public_hearing",
        "2023-05-25",
        126,
        71,
        9,
        38,
        "Обговорено результати аналізу потреб і SWOT; підтримано чотири стратегічні напрями.",
        "Discussed the needs analysis and the SWOT; four strategic directions endorsed.",
    ),
    _event(
        "workshop",
        "2023-06-15",
        27,
        14,
        3,
        22,
        "Стратегічна сесія робочої групи: бачення і дерево цілей.",
        "Strategic session of the working group: the vision and the goal tree.",
    ),
]

V_EVENTS_CONSULTATION = [
    _event(
        "e_consultation",
        "2023-08-14",
        412,
        236,
        37,
        56,
        "Онлайн-обговорення проєкту плану: 56 зауважень і пропозицій щодо змісту плану.",
        "Online consultation of the draft plan: 56 comments and proposals on its content.",
    ),
    _event(
        "public_hearing",
        "2023-08-31",
        143,
        79,
        11,
        44,
        "Громадські слухання проєкту плану: підтримано з доповненнями щодо підвезення дітей і водопостачання сіл.",
        "Public hearing of the draft plan: endorsed, with additions on school transport and village water supply.",
    ),
]

V_PARTICIPATION = SectionContent(
    C.PARTICIPATION,
    body_uk=V_PARTICIPATION_FIRST_UK,
    body_en=V_PARTICIPATION_FIRST_EN,
    tables={"engagement_events": V_EVENTS_BEFORE_CONSULTATION},
    update=SectionUpdate(
        S.CONSULTATION,
        body_uk=html(
            """
            <p>План підготовлено разом з мешканцями на всіх етапах — від збору пропозицій до громадського
            обговорення проєкту. Загалом у заходах узяли участь понад 2 000 осіб, з них 57 % — жінки; надійшло
            понад 690 пропозицій і зауважень.</p>
            <h3>Збір пропозицій і аналіз потреб</h3>
            <p>Робоча група збирала пропозиції з 3 по 28 квітня 2023 року в ЦНАП, у старостатах, електронною
            поштою та через онлайн-форму. Паралельно тривало опитування (1 146 анкет). Для груп, яких важко
            почути на загальних зборах, провели окремі зустрічі: з переміщеними особами, з ветеранами та їхніми
            родинами, з молоддю. Результати аналізу потреб обговорили на публічних слуханнях 25 травня 2023
            року; бачення і дерево цілей робоча група сформулювала на стратегічній сесії 15 червня.</p>
            <h3>Громадське обговорення проєкту плану</h3>
            <p>Проєкт плану оприлюднено на сайті громади 14 серпня 2023 року; обговорення тривало до 8 вересня
            (26 днів). Друковані примірники були в ЦНАП і в кожному старостаті. 31 серпня відбулися
            громадські слухання. Надійшло 100 зауважень, з них 63 враховано повністю або частково; звіт про
            врахування пропозицій оприлюднено разом з остаточною редакцією плану.</p>
            <h3>Що змінилося завдяки участі мешканців</h3>
            <ul>
            <li>До плану додано завдання з підвезення дітей з віддалених сіл шкільними автобусами (2.2.2).</li>
            <li>Пункти питної води і доочищення для сіл із забрудненими колодязями виділено в окреме
            завдання (1.3.3).</li>
            <li>У бюджеті участі передбачено окрему квоту для молодіжних проєктів (4.2.1).</li>
            <li>Мікрогранти на власну справу поширено на переміщених осіб, а не лише на ветеранів
            (3.2.2).</li>
            </ul>
            """
        ),
        body_en=html(
            """
            <p>The plan was prepared with the residents at every stage, from the call for proposals to the
            public consultation of the draft. More than 2,000 people took part in the events, 57% of them
            women, and more than 690 proposals and comments were received.</p>
            <h3>Call for proposals and needs analysis</h3>
            <p>The working group collected proposals from 3 to 28 April 2023 at the administrative service
            centre, in the starosta offices, by email and through an online form, while a survey ran at the
            same time (1,146 questionnaires). Separate meetings were held for groups that are hard to hear at
            general meetings: displaced people, veterans and their families, and young people. The needs
            analysis was discussed at a public hearing on 25 May 2023; the working group drew up the vision
            and the goal tree at a strategic session on 15 June.</p>
            <h3>Public consultation of the draft plan</h3>
            <p>The draft plan was published on the hromada's website on 14 August 2023, and the consultation
            ran until 8 September (26 days). Printed copies were available at the administrative service
            centre and in every starosta office. A public hearing took place on 31 August. 100 comments were
            received, 63 of which were taken up in full or in part; a report on how the proposals were
            handled was published with the final text of the plan.</p>
            <h3>What changed because residents took part</h3>
            <ul>
            <li>A task was added to bring children from remote villages to school by bus (2.2.2).</li>
            <li>Drinking-water points and treatment for villages with polluted wells became a task of their
            own (1.3.3).</li>
            <li>The participatory budget has a separate quota for youth projects (4.2.1).</li>
            <li>Micro-grants for starting a business were opened to displaced people, not only to veterans
            (3.2.2).</li>
            </ul>
            """
        ),
        tables={"engagement_events": V_EVENTS_BEFORE_CONSULTATION + V_EVENTS_CONSULTATION},
    ),
)

V_VISION_UK = (
    "Великоолександрівська громада у 2030 році — безпечна, відбудована і згуртована громада на Інгульці, "
    "куди повертаються люди й бізнес: з очищеною від мін землею, надійною водою і світлом, сучасними школами "
    "та відкритим врядуванням, що спирається на участь мешканців."
)
V_VISION_EN = (
    "In 2030 Velykooleksandrivska is a safe, rebuilt and close-knit hromada on the Inhulets that people and "
    "businesses come back to: with land cleared of mines, reliable water and power, modern schools and open "
    "government built on the participation of its residents."
)

V_VISION = SectionContent(
    C.VISION,
    body_uk=html(
        f"""
        <blockquote><p><strong>{V_VISION_UK}</strong></p></blockquote>
        <p>Наші поля очищені від мін і знову дають урожай, у кожному селі є питна вода і надійне світло, діти
        навчаються в безпечних і сучасних школах, а лікар доступний кожному. Ми відбудовуємо не так, як було,
        а краще: енергоефективно, безбар’єрно і з думкою про наступні покоління. Місцева економіка зростає
        завдяки аграріям, переробці, малому бізнесу та ветеранському підприємництву.</p>
        <p>Рішення ухвалюються відкрито і разом з мешканцями — жінками й чоловіками, ветеранами, переміщеними
        особами та молоддю, — а громада впевнено рухається до європейських стандартів врядування.</p>
        <p>Бачення сформульовано на стратегічній сесії робочої групи 15 червня 2023 року з пропозицій
        мешканців; воно є коренем дерева цілей плану.</p>
        """
    ),
    body_en=html(
        f"""
        <blockquote><p><strong>{V_VISION_EN}</strong></p></blockquote>
        <p>Our fields are cleared of mines and bear harvests again, every village has drinking water and
        reliable power, children learn in safe and modern schools, and a doctor is within everyone's reach. We
        do not rebuild what was, but better: energy-efficient, barrier-free and with the next generations in
        mind. The local economy grows through farmers, processing, small businesses and veterans'
        enterprises.</p>
        <p>Decisions are made openly and together with the residents — women and men, veterans, displaced
        people and young people — and the hromada moves steadily towards European standards of
        government.</p>
        <p>The working group drew up the vision from residents' proposals at its strategic session on 15 June
        2023; it is the root of the plan's goal tree.</p>
        """
    ),
)

V_GOALS = SectionContent(
    C.GOALS,
    body_uk=html(
        """
        <p>Дерево цілей веде від бачення до конкретних завдань: чотири стратегічні цілі, дванадцять операційних
        цілей і завдання, які виконують проєкти розділу «Проєкти». Три стратегічні цілі відповідають напрямам
        програми VNG International та Асоціації міст України — безпека, захищеність і стійкість; місцевий
        економічний розвиток і управління проєктами; децентралізація та демократичне врядування. Четверта
        ціль — відбудова житла і базових послуг, яку мешканці назвали найважливішою.</p>
        <ol>
        <li>Безпечна і стійка громада.</li>
        <li>Відбудовані житло та базові послуги за принципом «відбудувати краще».</li>
        <li>Відновлена місцева економіка і спроможність управляти проєктами.</li>
        <li>Відкрите, підзвітне та інклюзивне врядування.</li>
        </ol>
        <p>Цілі узгоджено з Державною стратегією регіонального розвитку на 2021–2027 роки та зі стратегією
        розвитку Херсонської області. Кожну ціль позначено завданнями Цілей сталого розвитку, розділами
        acquis ЄС і статтями Європейської хартії місцевого самоврядування, яким вона відповідає; ці позначки
        підсумовано в розділі «Узгодженість з ЄС і європейськими принципами».</p>
        <p>Пріоритетність завдань визначено за п’ятьма критеріями: вплив на безпеку і повернення людей,
        кількість тих, хто отримає користь, готовність проєктної документації, наявність джерел
        фінансування і внесок у стійкість громади.</p>
        """
    ),
    body_en=html(
        """
        <p>The goal tree leads from the vision to concrete tasks: four strategic goals, twelve operational goals
        and the tasks carried out by the projects in the section “Projects”. Three strategic goals follow the
        fields of the programme of VNG International and the Association of Ukrainian Cities: safety, security
        and resilience; local economic development and project management; and decentralisation and
        democratic governance. The fourth is the rebuilding of housing and basic services, which residents
        named as the most important.</p>
        <ol>
        <li>A safe and resilient hromada.</li>
        <li>Housing and basic services rebuilt according to the principle “build back better”.</li>
        <li>A recovered local economy and the capacity to manage projects.</li>
        <li>Open, accountable and inclusive government.</li>
        </ol>
        <p>The goals are consistent with the State Strategy for Regional Development 2021–2027 and the
        development strategy of Kherson oblast. Each goal is tagged with the Sustainable Development Goal
        targets, EU acquis chapters and articles of the European Charter of Local Self-Government it serves;
        the section “Alignment with the EU and European principles” sums these tags up.</p>
        <p>Tasks were prioritised on five criteria: effect on safety and on people coming back, the number of
        people who benefit, readiness of the project documents, available funding, and the contribution to
        the hromada's resilience.</p>
        """
    ),
)

# (number, title uk, title en, task, cost in UAH million, sources uk, sources en, years)
V_PROJECT_LIST: tuple[tuple[int, str, str, str, str, str, str, str], ...] = (
    (1, "Сонячні електростанції з накопичувачами для лікарні та водоканалу", "Solar plants with storage for the hospital and the water utility", "1.3.1", "36,5", "міжнародні партнери, місцевий бюджет", "international partners, local budget", "2024–2025"),
    (2, "Відновлення водогону Великої Олександрівки і три нові свердловини", "Restoring the water mains of Velyka Oleksandrivka and three new boreholes", "1.3.2", "58,0", "державні фонди, місцевий бюджет", "state funds, local budget", "2024–2026"),
    (3, "Капітальний ремонт Великоолександрівського ліцею з укриттям", "Major repair of Velyka Oleksandrivka lyceum with a shelter", "2.2.1", "84,0", "державний бюджет, міжнародні партнери", "state budget, international partners", "2024–2026"),
    (4, "Укриття в шести закладах освіти", "Shelters in six schools and pre-schools", "1.2.1", "42,0", "державний бюджет, місцевий бюджет", "state budget, local budget", "2023–2025"),
    (5, "Відновлення амбулаторій у Давидовому Броді та Білій Криниці", "Restoring the outpatient clinics in Davydiv Brid and Bila Krynytsia", "2.3.1", "22,4", "державний бюджет, міжнародні партнери", "state budget, international partners", "2024–2025"),
    (6, "Два шкільні автобуси", "Two school buses", "2.2.2", "7,2", "державний бюджет", "state budget", "2024"),
    (7, "Ремонт 12 багатоквартирних будинків з утепленням", "Repair and insulation of 12 apartment buildings", "2.1.2", "64,0", "державні фонди, «єВідновлення», співфінансування мешканців", "state funds, eRecovery, residents' co-financing", "2024–2027"),
    (8, "Соціальне житло на 40 квартир", "Social housing with 40 flats", "2.1.3", "96,0", "державні фонди, міжнародні партнери", "state funds, international partners", "2025–2027"),
    (9, "Бізнес-хаб у Великій Олександрівці", "Business hub in Velyka Oleksandrivka", "3.2.1", "8,6", "міжнародні партнери, місцевий бюджет", "international partners, local budget", "2024–2025"),
    (10, "Мікрогранти для ветеранів і переміщених осіб", "Micro-grants for veterans and displaced people", "3.2.2", "6,0", "міжнародні партнери, державна програма «Власна справа»", "international partners, the state programme “Own Business”", "2024–2027"),
    (11, "Кооператив із зерносушаркою та складом", "Farm co-operative with a grain dryer and storage", "3.1.3", "18,0", "приватні інвестиції, гранти", "private investment, grants", "2025–2026"),
    (12, "Система оповіщення в усіх старостинських округах", "Alert system in every starosta district", "1.2.2", "4,8", "місцевий бюджет", "local budget", "2023–2024"),
    (13, "Проєктний офіс при виконавчому комітеті", "Project office of the executive committee", "3.3.1", "3,2", "місцевий бюджет, програма VNG/АМУ", "local budget, VNG/AUC programme", "2023–2026"),
    (14, "Відновлення чотирьох старостатів з робочими місцями ЦНАП", "Rebuilding four starosta offices with service-centre workstations", "4.3.1", "15,5", "державні фонди, місцевий бюджет", "state funds, local budget", "2024–2026"),
    (15, "Місцева пожежна команда", "Local fire brigade", "1.2.3", "12,0", "державний бюджет, міжнародні партнери", "state budget, international partners", "2024–2025"),
)  # fmt: skip


def _project_table(language: str) -> str:
    uk = language == "uk"
    head = (
        ("№", "Проєкт", "Завдання", "Вартість, млн грн", "Джерела фінансування", "Роки")
        if uk
        else ("No.", "Project", "Task", "Cost, UAH million", "Sources of funding", "Years")
    )
    caption = "Пріоритетні проєкти плану" if uk else "Priority projects of the plan"
    rows = []
    for number, title_uk, title_en, task, cost, sources_uk, sources_en, years in V_PROJECT_LIST:
        title, sources = (title_uk, sources_uk) if uk else (title_en, sources_en)
        cost_text = cost if uk else cost.replace(",", ".")
        rows.append(
            f'<tr><td>{number}</td><th scope="row">{title}</th><td>{task}</td><td>{cost_text}</td>'
            f"<td>{sources}</td><td>{years}</td></tr>"
        )
    total = "Разом" if uk else "Total"
    header = "".join(f'<th scope="col">{cell}</th>' for cell in head)
    return (
        f"<table><caption>{caption}</caption><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row" colspan="3">{total}</th><td>{"478,2" if uk else "478.2"}</td>'
        "<td></td><td></td></tr></tfoot></table>"
    )


V_PROJECTS = SectionContent(
    C.PROJECTS,
    body_uk=html(
        """
        <p>Розділ містить 15 пріоритетних проєктів, відібраних робочою групою з 47 проєктних ідей за
        критеріями пріоритетності (розділ «Стратегічні та операційні цілі»). Кожен проєкт прив’язано до
        завдання дерева цілей. Вартість — попередня оцінка; її уточнять під час підготовки проєктної
        документації. Проєкти вносяться до Єдиного проєктного портфеля публічних інвестицій громади, а
        проєкти з державним фінансуванням — також до системи DREAM.</p>
        """
    )
    + "\n"
    + _project_table("uk")
    + "\n"
    + html(
        """
        <p>Перший проєкт — сонячні електростанції з накопичувачами для лікарні та водоканалу — громада
        готує разом із програмою VNG International та Асоціації міст України. Відбудову мостів через
        Інгулець і ремонт доріг державного значення виконують державні органи; громада передала їм
        перелік пріоритетних об’єктів і стежитиме за виконанням. Решта 32 проєктні ідеї залишаються в
        резерві плану і можуть бути підготовлені, коли з’являться джерела фінансування.</p>
        """
    ),
    body_en=html(
        """
        <p>This section lists 15 priority projects that the working group selected from 47 project ideas
        on the prioritisation criteria (section “Strategic and operational goals”). Each project is linked to
        a task of the goal tree. Costs are preliminary estimates, to be refined when the project documents
        are prepared. The projects are entered in the hromada's single project portfolio of public
        investments, and those with state funding also in the DREAM system.</p>
        """
    )
    + "\n"
    + _project_table("en")
    + "\n"
    + html(
        """
        <p>The first project, solar plants with storage for the hospital and the water utility, is being
        prepared with the programme of VNG International and the Association of Ukrainian Cities. The bridges
        over the Inhulets and the state roads are rebuilt by state bodies; the hromada has given them its list
        of priority sites and will follow the work. The remaining 32 project ideas stay in the plan's reserve
        and can be prepared when funding becomes available.</p>
        """
    ),
)


def _finance(source: str, amount: int, currency: str, year: int, note: str) -> Row:
    return {"source": source, "amount": str(amount), "currency": currency, "year": str(year), "note": note}


V_FINANCING = SectionContent(
    C.FINANCING,
    body_uk=html(
        """
        <p>Пріоритетні проєкти коштують 478,2 млн грн; разом із компенсаціями за пошкоджене житло та
        супутніми заходами план потребує близько 546 млн грн на 2024–2027 роки. Суми в євро — очікувані
        внески міжнародних партнерів; для порівняння їх перераховано за курсом 40 грн за 1 євро.</p>
        <table><caption>Структура фінансування за джерелами, 2024–2027</caption>
        <thead><tr><th scope="col">Джерело</th><th scope="col">млн грн</th><th scope="col">Частка</th></tr></thead>
        <tbody>
        <tr><th scope="row">Місцевий бюджет</th><td>64</td><td>11,7 %</td></tr>
        <tr><th scope="row">Державний бюджет (субвенції)</th><td>122</td><td>22,3 %</td></tr>
        <tr><th scope="row">Державні фонди (ДФРР, фонд ліквідації наслідків збройної агресії)</th><td>108</td><td>19,8 %</td></tr>
        <tr><th scope="row">Міжнародні партнери (5,1 млн євро)</th><td>204</td><td>37,4 %</td></tr>
        <tr><th scope="row">Приватні інвестиції</th><td>18</td><td>3,3 %</td></tr>
        <tr><th scope="row">Інші джерела («єВідновлення»)</th><td>30</td><td>5,5 %</td></tr>
        </tbody>
        <tfoot><tr><th scope="row">Разом</th><td>546</td><td>100 %</td></tr></tfoot>
        </table>
        <p>Місцевий бюджет співфінансує більшість проєктів (зазвичай 10–20 %), що є умовою державних фондів
        і багатьох донорів. Щороку план фінансування уточнюється разом із бюджетом громади; проєкти, для яких
        джерело ще не підтверджено, позначені в таблиці як очікувані надходження. Якщо фінансування
        затримується, громада переносить строки, а не змінює пріоритети.</p>
        """
    ),
    body_en=html(
        """
        <p>The priority projects cost UAH 478.2 million; with compensation for damaged housing and related
        measures, the plan needs about UAH 546 million for 2024–2027. Amounts in euro are the expected
        contributions of international partners; for comparison they are converted at UAH 40 to the euro.</p>
        <table><caption>Financing by source, 2024–2027</caption>
        <thead><tr><th scope="col">Source</th><th scope="col">UAH million</th><th scope="col">Share</th></tr></thead>
        <tbody>
        <tr><th scope="row">Local budget</th><td>64</td><td>11.7%</td></tr>
        <tr><th scope="row">State budget (subventions)</th><td>122</td><td>22.3%</td></tr>
        <tr><th scope="row">State funds (State Regional Development Fund, fund for eliminating the consequences of armed aggression)</th><td>108</td><td>19.8%</td></tr>
        <tr><th scope="row">International partners (EUR 5.1 million)</th><td>204</td><td>37.4%</td></tr>
        <tr><th scope="row">Private investment</th><td>18</td><td>3.3%</td></tr>
        <tr><th scope="row">Other sources (eRecovery)</th><td>30</td><td>5.5%</td></tr>
        </tbody>
        <tfoot><tr><th scope="row">Total</th><td>546</td><td>100%</td></tr></tfoot>
        </table>
        <p>The local budget co-finances most projects (usually 10–20%), which state funds and many donors
        require. The financing plan is updated every year with the hromada's budget; amounts whose source is
        not yet confirmed are shown in the table as expected. If funding is delayed, the hromada moves the
        dates rather than the priorities.</p>
        """
    ),
    tables={
        "financing": [
            _finance("local_budget", 18_000_000, "UAH", 2024, "№ 1, 2, 4, 12, 13"),
            _finance("local_budget", 22_000_000, "UAH", 2025, "№ 2, 9, 14"),
            _finance("local_budget", 12_000_000, "UAH", 2026, "№ 2, 7, 14"),
            _finance("local_budget", 12_000_000, "UAH", 2027, "№ 7, 8"),
            _finance("state_budget", 64_000_000, "UAH", 2024, "№ 4, 6, 15"),
            _finance("state_budget", 58_000_000, "UAH", 2025, "№ 3, 5"),
            _finance("state_funds", 46_000_000, "UAH", 2024, "№ 2"),
            _finance("state_funds", 62_000_000, "UAH", 2025, "№ 7, 8, 14"),
            _finance("international", 2_100_000, "EUR", 2024, "№ 1, 9, 13"),
            _finance("international", 1_800_000, "EUR", 2025, "№ 3, 5, 10"),
            _finance("international", 1_200_000, "EUR", 2026, "№ 8, 10, 15"),
            _finance("private", 12_000_000, "UAH", 2025, "№ 7, 11"),
            _finance("private", 6_000_000, "UAH", 2026, "№ 11"),
            _finance("other", 30_000_000, "UAH", 2024, "єВідновлення / eRecovery"),
        ]
    },
)

V_IMPLEMENTATION = SectionContent(
    C.IMPLEMENTATION,
    body_uk=html(
        """
        <h3>Етапи</h3>
        <ol>
        <li><strong>2023–2024 — невідкладне відновлення:</strong> розмінування пріоритетних територій,
        укриття, система оповіщення, резервне живлення, ремонт житла до зими, проєктний офіс.</li>
        <li><strong>2025–2026 — відбудова:</strong> водогін, ліцей, амбулаторії, старостати, соціальне
        житло, бізнес-хаб і кооператив.</li>
        <li><strong>2027 — розвиток:</strong> завершення житлових проєктів, оцінювання результатів і
        підготовка наступного плану або стратегії розвитку громади.</li>
        </ol>
        <h3>Хто за що відповідає</h3>
        <table><caption>Розподіл відповідальності за виконання плану</caption>
        <thead><tr><th scope="col">Учасник</th><th scope="col">Відповідальність</th></tr></thead>
        <tbody>
        <tr><th scope="row">Селищна рада</th><td>Ухвалює план і зміни до нього, бюджет і співфінансування
        проєктів, заслуховує щорічний звіт.</td></tr>
        <tr><th scope="row">Селищний голова і виконавчий комітет</th><td>Загальне керівництво виконанням,
        координація з обласною військовою адміністрацією та державними органами.</td></tr>
        <tr><th scope="row">Проєктний офіс</th><td>Підготовка проєктів, пошук фінансування, закупівлі,
        звітування донорам, ведення плану у Vidnova.</td></tr>
        <tr><th scope="row">Відділи ради</th><td>Виконання завдань за напрямами: освіта, соціальний
        захист, житлово-комунальне господарство, економіка.</td></tr>
        <tr><th scope="row">Старости</th><td>Інформування мешканців, збір даних про потреби, контроль
        робіт у селах.</td></tr>
        <tr><th scope="row">Робоча група з відновлення</th><td>Моніторинг виконання, пропозиції щодо змін,
        зв’язок з громадськістю.</td></tr>
        </tbody>
        </table>
        <h3>Координація</h3>
        <p>Щорічний план дій з переліком проєктів і сумами співфінансування ухвалюється разом із бюджетом
        громади. Виконавчий комітет узгоджує заходи з обласною військовою адміністрацією, Державним
        агентством відновлення та розвитку інфраструктури і операторами протимінної діяльності. Партнери
        програми VNG International та Асоціації міст України супроводжують підготовку проєктів і навчання
        працівників ради; нідерландський муніципалітет-партнер ділиться досвідом з управління
        кризами, водопостачання та залучення мешканців.</p>
        <p>Ризики виконання та заходи з їх зниження наведено в розділі «SWOT-аналіз і ризики». Якщо безпекова
        ситуація погіршиться, роботи призупиняються, а кошти перерозподіляються на захист населення.</p>
        """
    ),
    body_en=html(
        """
        <h3>Stages</h3>
        <ol>
        <li><strong>2023–2024, urgent recovery:</strong> demining of priority areas, shelters, the alert
        system, backup power, repairs of homes before winter, the project office.</li>
        <li><strong>2025–2026, reconstruction:</strong> the water mains, the lyceum, the outpatient clinics,
        the starosta offices, social housing, the business hub and the co-operative.</li>
        <li><strong>2027, development:</strong> completing the housing projects, evaluating the results and
        preparing the next plan or a development strategy of the hromada.</li>
        </ol>
        <h3>Who is responsible for what</h3>
        <table><caption>Responsibilities for carrying out the plan</caption>
        <thead><tr><th scope="col">Actor</th><th scope="col">Responsibility</th></tr></thead>
        <tbody>
        <tr><th scope="row">Settlement council</th><td>Adopts the plan and its amendments, the budget and the
        co-financing of projects; hears the annual report.</td></tr>
        <tr><th scope="row">Settlement head and executive committee</th><td>Overall direction; coordination
        with the oblast military administration and state bodies.</td></tr>
        <tr><th scope="row">Project office</th><td>Prepares projects, finds funding, runs procurement,
        reports to donors, keeps the plan in Vidnova.</td></tr>
        <tr><th scope="row">Council departments</th><td>Carry out the tasks in their fields: education,
        social protection, housing and utilities, economy.</td></tr>
        <tr><th scope="row">Starostas</th><td>Inform residents, collect data on needs, follow the work in the
        villages.</td></tr>
        <tr><th scope="row">Recovery working group</th><td>Monitors progress, proposes amendments, keeps in
        touch with the public.</td></tr>
        </tbody>
        </table>
        <h3>Coordination</h3>
        <p>An annual action plan with the list of projects and co-financing amounts is adopted with the
        hromada's budget. The executive committee coordinates measures with the oblast military
        administration, the State Agency for Restoration and Infrastructure Development and the mine action
        operators. The programme of VNG International and the Association of Ukrainian Cities supports
        project preparation and staff training; the Dutch partner municipality shares its experience in
        crisis management, water supply and resident participation.</p>
        <p>The risks to implementation and their mitigation are in the section “SWOT analysis and risks”. If
        the security situation worsens, work is paused and funds are redirected to protecting the
        population.</p>
        """
    ),
)


def _indicator(uk: str, en: str, unit: str, baseline: str, target: str, verification: str) -> Row:
    return {
        "indicator_uk": uk,
        "indicator_en": en,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "verification": verification,
    }


V_MONITORING = SectionContent(
    C.MONITORING,
    body_uk=html(
        """
        <p>Виконання плану відстежує робоча група з відновлення, до якої входять представники громадськості.
        Проєктний офіс щокварталу збирає дані про стан проєктів і показники; двічі на рік робоча група
        розглядає звіт і за потреби пропонує зміни. Раз на рік селищний голова звітує перед радою і
        мешканцями на відкритій зустрічі, а звіт публікується на сайті громади і у Vidnova.</p>
        <p>У 2025 році проводиться проміжне оцінювання із залученням незалежних експертів програми. Зміни до
        плану ухвалюються в тому самому порядку, що й сам план, з громадським обговоренням; кожна зміна
        стає новою версією плану, а попередні версії зберігаються.</p>
        <p>Базові значення показників — станом на середину 2023 року; цільові — на кінець 2027 року.</p>
        """
    ),
    body_en=html(
        """
        <p>The recovery working group, which includes civil-society members, monitors the plan. Every quarter
        the project office collects data on the projects and the indicators; twice a year the working group
        discusses the report and proposes amendments where needed. Once a year the settlement head reports to
        the council and the residents at an open meeting, and the report is published on the hromada's
        website and in Vidnova.</p>
        <p>In 2025 a mid-term evaluation is carried out with independent experts of the programme. Amendments
        are adopted in the same way as the plan itself, with a public consultation; every amendment becomes
        a new version of the plan, and earlier versions are kept.</p>
        <p>Baselines are as of mid-2023; targets are for the end of 2027.</p>
        """
    ),
    tables={
        "indicators": [
            _indicator(
                "Фактичне населення у відсотках до довоєнного",
                "Resident population as a share of the pre-war population",
                "%",
                "65",
                "85",
                "Дані старостатів і соцзахисту / starosta offices and social services",
            ),
            _indicator(
                "Площа сільськогосподарських угідь, очищених від вибухонебезпечних предметів",
                "Farmland cleared of explosive ordnance",
                "km²",
                "40",
                "300",
                "Дані операторів протимінної діяльності / mine action operators",
            ),
            _indicator(
                "Відремонтовані та відбудовані житлові будинки і квартири",
                "Homes repaired or rebuilt",
                "",
                "420",
                "2400",
                "Реєстр пошкодженого майна / damaged property register",
            ),
            _indicator(
                "Заклади освіти з укриттям",
                "Schools and pre-schools with a shelter",
                "%",
                "27",
                "100",
                "Відділ освіти / education department",
            ),
            _indicator(
                "Мешканці з доступом до питної води з водогону або пункту доочищення",
                "Residents with drinking water from the mains or a treatment point",
                "%",
                "22",
                "80",
                "Комунальне підприємство / municipal utility",
            ),
            _indicator(
                "Критичні об’єкти з резервним живленням",
                "Critical facilities with backup power",
                "",
                "3",
                "24",
                "Проєктний офіс / project office",
            ),
            _indicator(
                "Діючі малі та середні підприємства і фермерські господарства",
                "Active small and medium enterprises and farms",
                "",
                "180",
                "260",
                "Податкова служба / tax service",
            ),
            _indicator(
                "Проєкти громади в Єдиному проєктному портфелі",
                "Hromada projects in the single project portfolio",
                "",
                "4",
                "25",
                "Єдиний проєктний портфель, DREAM",
            ),
            _indicator(
                "Мешканці, які довіряють селищній раді (опитування)",
                "Residents who trust the settlement council (survey)",
                "%",
                "41",
                "60",
                "Щорічне опитування / annual survey",
            ),
            _indicator(
                "Частка жінок серед членів робочої групи з відновлення",
                "Share of women in the recovery working group",
                "%",
                "38",
                "50",
                "Рішення про склад робочої групи / decision on the working group",
            ),
        ]
    },
)

V_EU_ALIGNMENT = SectionContent(
    C.EU_ALIGNMENT,
    body_uk=html(
        """
        <p>Україна веде переговори про вступ до Європейського Союзу. Для громади це означає не лише доступ до
        нових програм, а й роботу за європейськими правилами вже зараз: у закупівлях, довкіллі, енергетиці,
        соціальній політиці та врядуванні. Таблиця показує, як заходи плану пов’язані з розділами acquis ЄС
        (за позначками в дереві цілей).</p>
        <table><caption>Заходи плану і розділи acquis ЄС</caption>
        <thead><tr><th scope="col">Розділ acquis</th><th scope="col">Завдання плану</th><th scope="col">Що це означає для громади</th></tr></thead>
        <tbody>
        <tr><th scope="row">22 Регіональна політика</th><td>3.3, 4.2</td><td>Принцип партнерства,
        багаторівневе планування, моніторинг результатів і спроможність освоювати кошти.</td></tr>
        <tr><th scope="row">27 Довкілля і зміна клімату</th><td>1.3.2, 1.3.3, 3.1.1</td><td>Оцінка впливу на
        довкілля для відбудови, поводження з відходами від руйнувань, якість питної води.</td></tr>
        <tr><th scope="row">15 Енергетика</th><td>1.3.1, 2.1.2, 2.2.1</td><td>Енергоефективність публічних
        будівель і житла, відновлювана енергетика.</td></tr>
        <tr><th scope="row">23 Судочинство та основоположні права</th><td>2.3.3, 4.1, 4.2</td><td>Недискримінація,
        доступність, права переміщених осіб і ветеранів, доброчесність.</td></tr>
        <tr><th scope="row">5 Державні закупівлі</th><td>3.3.3, 4.1.1</td><td>Відкриті торги в Prozorro,
        прозорі критерії відбору, публікація договорів.</td></tr>
        <tr><th scope="row">19 Соціальна політика і зайнятість</th><td>2.3.3, 3.2.2, 3.2.3</td><td>Зайнятість,
        соціальні послуги, інклюзія людей з інвалідністю.</td></tr>
        </tbody>
        </table>
        <h3>Європейська хартія місцевого самоврядування</h3>
        <ul>
        <li><strong>Стаття 4 (обсяг місцевого самоврядування):</strong> план спирається на власні повноваження
        громади (субсидіарність); щодо мостів, доріг державного значення і розмінування громада вимагає
        консультацій з державними органами, як передбачає пункт 6 статті.</li>
        <li><strong>Стаття 9 (фінансові ресурси):</strong> завдання 4.3.3 зміцнює власні доходи бюджету, а
        громада обстоює передбачувані трансферти, співмірні з її повноваженнями у відбудові.</li>
        <li><strong>Додатковий протокол про право участі у справах місцевого органу влади:</strong> збір
        пропозицій, слухання, бюджет участі та ради ветеранів і переміщених осіб (завдання 4.2).</li>
        </ul>
        <h3>Принципи Лугано</h3>
        <p>План дотримується принципів відновлення України, ухвалених у Лугано у 2022 році: партнерство,
        реформи, прозорість і підзвітність, демократична участь, залучення всіх зацікавлених сторін,
        ґендерна рівність та інклюзія, сталість. Як саме — пояснено в переліку принципів плану.</p>
        """
    ),
    body_en=html(
        """
        <p>Ukraine is negotiating its accession to the European Union. For the hromada this means not only
        access to new programmes but working by European rules now: in procurement, environment, energy,
        social policy and government. The table shows how the plan's measures relate to the chapters of the
        EU acquis (following the tags in the goal tree).</p>
        <table><caption>Measures of the plan and chapters of the EU acquis</caption>
        <thead><tr><th scope="col">Acquis chapter</th><th scope="col">Tasks of the plan</th><th scope="col">What it means for the hromada</th></tr></thead>
        <tbody>
        <tr><th scope="row">22 Regional policy</th><td>3.3, 4.2</td><td>The partnership principle, multi-level
        planning, monitoring of results and the capacity to absorb funds.</td></tr>
        <tr><th scope="row">27 Environment and climate change</th><td>1.3.2, 1.3.3, 3.1.1</td><td>Environmental
        impact assessment for reconstruction, handling of demolition waste, drinking-water quality.</td></tr>
        <tr><th scope="row">15 Energy</th><td>1.3.1, 2.1.2, 2.2.1</td><td>Energy efficiency of public buildings
        and housing, renewable energy.</td></tr>
        <tr><th scope="row">23 Judiciary and fundamental rights</th><td>2.3.3, 4.1, 4.2</td><td>Non-discrimination,
        accessibility, the rights of displaced people and veterans, integrity.</td></tr>
        <tr><th scope="row">5 Public procurement</th><td>3.3.3, 4.1.1</td><td>Open tenders in Prozorro,
        transparent selection criteria, published contracts.</td></tr>
        <tr><th scope="row">19 Social policy and employment</th><td>2.3.3, 3.2.2, 3.2.3</td><td>Employment,
        social services, inclusion of people with disabilities.</td></tr>
        </tbody>
        </table>
        <h3>European Charter of Local Self-Government</h3>
        <ul>
        <li><strong>Article 4 (scope of local self-government):</strong> the plan builds on the hromada's own
        powers (subsidiarity); for bridges, state roads and demining the hromada asks to be consulted by the
        state bodies, as paragraph 6 of the article provides.</li>
        <li><strong>Article 9 (financial resources):</strong> task 4.3.3 strengthens the budget's own revenue,
        and the hromada argues for predictable transfers in proportion to its duties in reconstruction.</li>
        <li><strong>Additional Protocol on the right to participate in the affairs of a local
        authority:</strong> the call for proposals, hearings, the participatory budget and the councils of
        veterans and displaced people (task 4.2).</li>
        </ul>
        <h3>Lugano principles</h3>
        <p>The plan follows the principles of Ukraine's recovery adopted in Lugano in 2022: partnership, reform
        focus, transparency and accountability, democratic participation, multi-stakeholder engagement,
        gender equality and inclusion, and sustainability. The plan's principles checklist explains how.</p>
        """
    ),
)

# The goal tree: the vision, 4 strategic goals, 12 operational goals and 33 tasks (50 nodes). Task numbers
# cited in the sections (1.3.1, 2.2.2, …) follow this order.
V_GOAL_TREE = Goal(
    V_VISION_UK,
    V_VISION_EN,
    children=(
        Goal(
            "Безпечна і стійка громада",
            "A safe and resilient hromada",
            sdg=("11.5", "11.b"),
            acquis=("27",),
            children=(
                Goal(
                    "Очистити землі й населені пункти від вибухонебезпечних предметів і безпечно повернути їх у використання",
                    "Clear land and settlements of explosive ordnance and return them safely to use",
                    sdg=("11.5", "15.3"),
                    children=(
                        Goal(
                            "Провести нетехнічне обстеження всіх сільськогосподарських угідь і населених пунктів разом з операторами протимінної діяльності",
                            "Carry out a non-technical survey of all farmland and settlements with the mine action operators",
                            sdg=("11.5",),
                        ),
                        Goal(
                            "Першочергово розмінувати дороги, шкільні маршрути і джерела водопостачання",
                            "Demine roads, school routes and water sources first",
                            sdg=("11.5", "6.1"),
                        ),
                        Goal(
                            "Супроводжувати фермерів у державній програмі компенсації розмінування сільськогосподарських земель",
                            "Help farmers use the state programme that pays for demining farmland",
                            sdg=("2.3",),
                            acquis=("11",),
                        ),
                    ),
                ),
                Goal(
                    "Захистити населення під час небезпеки",
                    "Protect the population in emergencies",
                    sdg=("11.5", "11.b"),
                    children=(
                        Goal(
                            "Облаштувати укриття в усіх закладах освіти і в лікарні",
                            "Equip shelters in every school and pre-school and in the hospital",
                            sdg=("11.5", "4.a"),
                        ),
                        Goal(
                            "Встановити систему оповіщення в кожному старостинському окрузі",
                            "Install an alert system in every starosta district",
                            sdg=("11.5",),
                        ),
                        Goal(
                            "Створити місцеву пожежну команду і добровільне рятувальне формування",
                            "Set up a local fire brigade and a volunteer rescue unit",
                            sdg=("11.5", "11.b"),
                        ),
                    ),
                ),
                Goal(
                    "Забезпечити надійне енерго- і водопостачання",
                    "Secure reliable energy and water supply",
                    sdg=("6.1", "7.2", "7.3"),
                    acquis=("15", "27"),
                    children=(
                        Goal(
                            "Побудувати сонячні електростанції з накопичувачами для лікарні, водоканалу і котелень",
                            "Build solar plants with storage for the hospital, the water utility and boiler houses",
                            sdg=("7.2", "11.b"),
                            acquis=("15",),
                        ),
                        Goal(
                            "Відновити водогін Великої Олександрівки і пробурити нові свердловини з очищенням води",
                            "Restore the water mains of Velyka Oleksandrivka and drill new boreholes with water treatment",
                            sdg=("6.1",),
                            acquis=("27",),
                        ),
                        Goal(
                            "Облаштувати пункти питної води і доочищення в селах із забрудненими колодязями",
                            "Set up drinking-water and treatment points in villages with polluted wells",
                            sdg=("6.1", "6.3"),
                            acquis=("27",),
                        ),
                    ),
                ),
            ),
        ),
        Goal(
            "Відбудовані житло та базові послуги за принципом «відбудувати краще»",
            "Housing and basic services rebuilt according to the principle “build back better”",
            sdg=("11.1", "11.b"),
            acquis=("15", "23"),
            children=(
                Goal(
                    "Повернути людям житло",
                    "Give people their homes back",
                    sdg=("11.1",),
                    children=(
                        Goal(
                            "Відкрити консультаційні пункти з компенсації за пошкоджене житло в ЦНАП і старостатах",
                            "Open advice points on compensation for damaged housing at the service centre and the starosta offices",
                            sdg=("11.1", "16.6"),
                            acquis=("10",),
                        ),
                        Goal(
                            "Відремонтувати багатоквартирні будинки з енергоефективною модернізацією",
                            "Repair apartment buildings and make them energy-efficient",
                            sdg=("11.1", "7.3"),
                            acquis=("15",),
                        ),
                        Goal(
                            "Збудувати соціальне і тимчасове житло для переміщених осіб і сімей, чиє житло зруйновано",
                            "Build social and temporary housing for displaced people and families whose homes were destroyed",
                            sdg=("11.1", "10.2"),
                            acquis=("19", "23"),
                        ),
                    ),
                ),
                Goal(
                    "Забезпечити дітям безпечну і сучасну освіту",
                    "Give children a safe and modern education",
                    sdg=("4.1", "4.a"),
                    acquis=("26",),
                    children=(
                        Goal(
                            "Капітально відремонтувати Великоолександрівський ліцей з укриттям і енергоефективними рішеннями",
                            "Carry out a major repair of Velyka Oleksandrivka lyceum with a shelter and energy-efficient solutions",
                            sdg=("4.a", "7.3"),
                            acquis=("15", "26"),
                        ),
                        Goal(
                            "Придбати шкільні автобуси для підвезення дітей з віддалених сіл",
                            "Buy school buses to bring children from remote villages",
                            sdg=("4.1", "11.2"),
                        ),
                    ),
                ),
                Goal(
                    "Наблизити медичні й соціальні послуги до людей",
                    "Bring health and social services close to people",
                    sdg=("3.8", "10.2"),
                    acquis=("19", "28"),
                    children=(
                        Goal(
                            "Відновити амбулаторії в Давидовому Броді та Білій Криниці",
                            "Restore the outpatient clinics in Davydiv Brid and Bila Krynytsia",
                            sdg=("3.8",),
                            acquis=("28",),
                        ),
                        Goal(
                            "Запустити мобільну медичну бригаду і транспорт до лікарні для віддалених сіл",
                            "Run a mobile medical team and transport to the hospital for remote villages",
                            sdg=("3.8", "11.2"),
                        ),
                        Goal(
                            "Розвинути догляд удома і реабілітацію для людей старшого віку, ветеранів і людей з інвалідністю",
                            "Develop home care and rehabilitation for older people, veterans and people with disabilities",
                            sdg=("3.8", "10.2"),
                            acquis=("19", "23"),
                        ),
                    ),
                ),
            ),
        ),
        Goal(
            "Відновлена місцева економіка і спроможність управляти проєктами",
            "A recovered local economy and the capacity to manage projects",
            sdg=("8.3", "2.3"),
            acquis=("20", "22"),
            children=(
                Goal(
                    "Відновити сільськогосподарське виробництво",
                    "Restore farming",
                    sdg=("2.3", "2.4"),
                    acquis=("11",),
                    children=(
                        Goal(
                            "Відновити зрошувальні мережі з водоощадними технологіями",
                            "Restore irrigation networks with water-saving technology",
                            sdg=("2.4", "6.4"),
                            acquis=("11", "27"),
                        ),
                        Goal(
                            "Надати гранти малим фермерам на техніку і насіння",
                            "Give small farmers grants for machinery and seed",
                            sdg=("2.3",),
                            acquis=("11",),
                        ),
                        Goal(
                            "Створити сільськогосподарський обслуговуючий кооператив із зерносушаркою і складом",
                            "Set up a farm service co-operative with a grain dryer and storage",
                            sdg=("2.3", "8.3"),
                            acquis=("11", "20"),
                        ),
                    ),
                ),
                Goal(
                    "Підтримати малий бізнес і ветеранське підприємництво",
                    "Support small businesses and veteran entrepreneurs",
                    sdg=("8.3", "8.5"),
                    acquis=("19", "20"),
                    children=(
                        Goal(
                            "Відкрити бізнес-хаб у Великій Олександрівці з консультаціями і коворкінгом",
                            "Open a business hub in Velyka Oleksandrivka with advice and co-working",
                            sdg=("8.3",),
                            acquis=("20",),
                        ),
                        Goal(
                            "Надавати мікрогранти ветеранам і переміщеним особам на власну справу",
                            "Award micro-grants to veterans and displaced people to start a business",
                            sdg=("8.3", "8.5"),
                            acquis=("19", "20"),
                        ),
                        Goal(
                            "Організувати навчання і перепідготовку для жінок і молоді",
                            "Organise training and retraining for women and young people",
                            sdg=("4.4", "5.5", "8.6"),
                            acquis=("19",),
                        ),
                    ),
                ),
                Goal(
                    "Посилити спроможність ради готувати і виконувати проєкти",
                    "Strengthen the council's capacity to prepare and carry out projects",
                    sdg=("16.6", "17.17"),
                    acquis=("22", "5", "32"),
                    children=(
                        Goal(
                            "Створити проєктний офіс при виконавчому комітеті",
                            "Set up a project office of the executive committee",
                            sdg=("16.6",),
                            acquis=("22",),
                        ),
                        Goal(
                            "Вести портфель проєктів у Єдиному проєктному портфелі та в системі DREAM",
                            "Keep the project portfolio in the single project portfolio and in the DREAM system",
                            sdg=("16.6", "16.10"),
                            acquis=("22", "32"),
                        ),
                        Goal(
                            "Навчити працівників ради управлінню проєктами і публічним закупівлям",
                            "Train council staff in project management and public procurement",
                            sdg=("16.6",),
                            acquis=("5", "22"),
                        ),
                    ),
                ),
            ),
        ),
        Goal(
            "Відкрите, підзвітне та інклюзивне врядування",
            "Open, accountable and inclusive government",
            sdg=("16.6", "16.7"),
            acquis=("22", "23"),
            charter=("4", "9", "P1"),
            children=(
                Goal(
                    "Зробити відбудову прозорою і доброчесною",
                    "Make reconstruction transparent and free of corruption",
                    sdg=("16.5", "16.6", "16.10"),
                    acquis=("5", "23", "32"),
                    children=(
                        Goal(
                            "Публікувати дані про проєкти відбудови на сайті громади і в DREAM",
                            "Publish data on reconstruction projects on the hromada's website and in DREAM",
                            sdg=("16.10",),
                            acquis=("5",),
                        ),
                        Goal(
                            "Ухвалити антикорупційну програму і запровадити внутрішній аудит",
                            "Adopt an anti-corruption programme and introduce internal audit",
                            sdg=("16.5",),
                            acquis=("23", "32"),
                        ),
                    ),
                ),
                Goal(
                    "Залучати мешканців до ухвалення рішень",
                    "Involve residents in decisions",
                    sdg=("16.7", "5.5"),
                    acquis=("22", "23"),
                    charter=("4", "P1"),
                    children=(
                        Goal(
                            "Запровадити бюджет участі з окремою квотою для молодіжних проєктів",
                            "Introduce a participatory budget with a quota for youth projects",
                            sdg=("16.7",),
                            charter=("4", "P1"),
                        ),
                        Goal(
                            "Створити ради ветеранів і переміщених осіб і проводити регулярні зустрічі старост з мешканцями",
                            "Set up councils of veterans and of displaced people, and hold regular meetings of starostas with residents",
                            sdg=("16.7", "10.2"),
                            acquis=("23",),
                            charter=("4", "P1"),
                        ),
                    ),
                ),
                Goal(
                    "Наблизити послуги до людей і зміцнити фінансову спроможність громади",
                    "Bring services close to people and strengthen the hromada's finances",
                    sdg=("16.6", "17.1"),
                    acquis=("10", "22"),
                    charter=("9",),
                    children=(
                        Goal(
                            "Відновити старостати з віддаленими робочими місцями ЦНАП",
                            "Rebuild the starosta offices with remote workstations of the service centre",
                            sdg=("16.6",),
                            acquis=("10",),
                        ),
                        Goal(
                            "Оцифрувати архіви і перевести основні послуги в електронну форму",
                            "Digitise the archives and move the main services online",
                            sdg=("16.6", "16.10"),
                            acquis=("10",),
                        ),
                        Goal(
                            "Провести інвентаризацію земель і майна для зміцнення власних доходів бюджету",
                            "Take stock of land and property to strengthen the budget's own revenue",
                            sdg=("17.1",),
                            charter=("9",),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

V_PRINCIPLES = (
    PrincipleJustification(
        "human_centredness",
        "Пріоритети визначено за потребами мешканців (опитування 1 146 осіб, фокус-групи); першочергово — "
        "безпека, житло, вода і послуги для найвразливіших.",
        "Priorities follow residents' needs (a survey of 1,146 people, focus groups): safety, housing, water "
        "and services for the most vulnerable come first.",
    ),
    PrincipleJustification(
        "rational_spatial_planning",
        "Відбудова спрямована в населені пункти з наявною інфраструктурою; соціальне житло — у Великій "
        "Олександрівці поруч із послугами; малі об’єкти не відбудовуються без оцінки потреби.",
        "Reconstruction goes to settlements with existing infrastructure; social housing is built in Velyka "
        "Oleksandrivka close to services; small facilities are not rebuilt without an assessment of need.",
    ),
    PrincipleJustification(
        "settlement_jobs_balance",
        "Робочі місця створюються там, де живуть люди: кооператив, бізнес-хаб, коворкінг; шкільні автобуси й "
        "медичний транспорт з’єднують віддалені села з центром.",
        "Jobs are created where people live: the co-operative, the business hub, co-working; school buses and "
        "medical transport connect remote villages with the centre.",
    ),
    PrincipleJustification(
        "sustainable_mobility",
        "Спільний транспорт (шкільні автобуси, транспорт до лікарні) замість індивідуальних поїздок; безпечні "
        "пішохідні маршрути до шкіл після розмінування.",
        "Shared transport (school buses, transport to the hospital) instead of individual trips; safe walking "
        "routes to schools after demining.",
    ),
    PrincipleJustification(
        "inclusiveness",
        "Окремі зустрічі з переміщеними особами, ветеранами й молоддю; усі відновлені будівлі безбар’єрні; "
        "догляд удома для людей з інвалідністю.",
        "Separate meetings with displaced people, veterans and young people; every rebuilt building is "
        "barrier-free; home care for people with disabilities.",
    ),
    PrincipleJustification(
        "energy_efficiency",
        "Кожен капітальний ремонт — з утепленням і енергоефективним обладнанням; сонячні станції з "
        "накопичувачами на критичних об’єктах.",
        "Every major repair includes insulation and energy-efficient equipment; solar plants with storage at "
        "critical facilities.",
    ),
    PrincipleJustification(
        "environmental_friendliness",
        "Оцінка впливу на довкілля для великих проєктів, повторне використання будівельних відходів від "
        "руйнувань, водоощадне зрошення.",
        "Environmental impact assessment for large projects, reuse of demolition waste, water-saving irrigation.",
    ),
    PrincipleJustification(
        "cultural_heritage",
        "Обстеження пошкоджених пам’яток і меморіалів; будинки культури й бібліотеки відновлюються як центри "
        "громади; збирання свідчень про окупацію і звільнення.",
        "Survey of damaged monuments and memorials; houses of culture and libraries are restored as community "
        "centres; testimonies of the occupation and liberation are collected.",
    ),
    PrincipleJustification(
        "sdg_consistency",
        "Кожну ціль позначено завданнями Цілей сталого розвитку (11.5, 6.1, 7.2, 8.3, 16.6, 16.7 та інші); "
        "показники моніторингу відповідають цим завданням.",
        "Every goal is tagged with Sustainable Development Goal targets (11.5, 6.1, 7.2, 8.3, 16.6, 16.7 and "
        "others); the monitoring indicators follow these targets.",
    ),
    PrincipleJustification(
        "lugano_partnership",
        "План підготовлено з програмою VNG International та АМУ, нідерландським муніципалітетом-партнером, "
        "обласною військовою адміністрацією та донорами; ролі партнерів описано в розділі «Виконання».",
        "The plan was prepared with the programme of VNG International and the AUC, the Dutch partner "
        "municipality, the oblast military administration and donors; the partners' roles are set out in "
        "“Implementation”.",
    ),
    PrincipleJustification(
        "lugano_reform_focus",
        "План продовжує реформи: проєктний офіс, цифрові послуги, антикорупційна програма, внутрішній аудит, "
        "Єдиний проєктний портфель.",
        "The plan carries reforms forward: a project office, digital services, an anti-corruption programme, "
        "internal audit, the single project portfolio.",
    ),
    PrincipleJustification(
        "lugano_transparency",
        "Дані про проєкти й закупівлі публікуються в DREAM і Prozorro; щорічний публічний звіт про виконання плану.",
        "Data on projects and procurement are published in DREAM and Prozorro; an annual public report on the plan.",
    ),
    PrincipleJustification(
        "lugano_democratic_participation",
        "Збір пропозицій, опитування, слухання і громадське обговорення тривалістю 26 днів; враховано 63 зі 100 "
        "зауважень.",
        "A call for proposals, a survey, hearings and a 26-day public consultation; 63 of 100 comments were taken up.",
    ),
    PrincipleJustification(
        "lugano_multi_stakeholder",
        "У робочій групі — депутати, старости, бізнес, освіта, медицина, ветерани, переміщені особи й молодь.",
        "The working group brings together council members, starostas, business, schools, health care, "
        "veterans, displaced people and young people.",
    ),
    PrincipleJustification(
        "lugano_gender_equality",
        "57 % учасників заходів — жінки; окреме завдання з навчання і зайнятості жінок; дані збираються з "
        "розподілом за статтю.",
        "57% of participants were women; a task of its own for women's training and employment; data are "
        "collected by sex.",
    ),
    PrincipleJustification(
        "lugano_sustainability",
        "Відбудова за принципом «відбудувати краще»; витрати на утримання нових об’єктів закладено в бюджетний "
        "прогноз громади.",
        "Building back better; the running costs of new facilities are included in the hromada's budget forecast.",
    ),
)

V_THREADS = (
    Thread(
        C.SWOT,
        author="expert",
        quote="Ризики оцінено за ймовірністю та впливом",
        body=(
            "The risk register has nothing on long power cuts in winter, which the hromada lived through in "
            "2022–2023 and which stop the water utility and the boiler houses. Please add it, with the backup "
            "power of goal 1.3 as mitigation. In our safety region we also plan warm-up points per district."
        ),
        replies=(
            Reply(
                "coordinator",
                "Дякуємо! Робоча група додала ризик «Тривалі відключення електроенергії взимку» із заходами: "
                "резервне живлення (завдання 1.3.1) і пункти обігріву в кожному старостинському окрузі.",
            ),
        ),
        added_rows=("risks", (V_RISK_POWER_CUTS,)),
        resolved_by="coordinator",
    ),
)

VELYKOOLEKSANDRIVSKA_PLAN = DemoPlan(
    key="adopted",
    katottg=VELYKOOLEKSANDRIVSKA,
    plan_type=PlanType.LOCAL_RECOVERY_PLAN,
    state=S.ADOPTED,
    author="coordinator",
    title_uk="План відновлення та розвитку Великоолександрівської селищної територіальної громади на 2023–2027 роки",
    title_en="Recovery and Development Plan of Velykooleksandrivska Settlement Hromada, 2023–2027",
    summary_uk=(
        "Демонстраційний план: текст і показники ілюстративні, підготовлені для показу можливостей Vidnova; це "
        "не офіційний документ громади. План першої фази програми VNG International та Асоціації міст України "
        "для громади, яка сім місяців була на лінії фронту: безпека і розмінування, відбудова житла, води й "
        "послуг, відновлення економіки та відкрите врядування."
    ),
    summary_en=(
        "Demonstration plan: its text and figures are illustrative, written to show what Vidnova does; it is not "
        "an official document of the hromada. A phase-1 plan of the programme of VNG International and the "
        "Association of Ukrainian Cities for a hromada that was on the front line for seven months: safety and "
        "demining, rebuilding homes, water and services, economic recovery and open government."
    ),
    summary_nl=(
        "Demonstratieplan: tekst en cijfers zijn illustratief en dienen om te laten zien wat Vidnova doet; het is "
        "geen officieel document van de hromada. Een plan uit fase 1 van het programma van VNG International en "
        "de Vereniging van Oekraïense Steden voor een hromada die zeven maanden aan de frontlinie lag: veiligheid "
        "en ontmijning, herbouw van woningen, water en voorzieningen, economisch herstel en open bestuur."
    ),
    starts_on=datetime.date(2023, 10, 1),
    ends_on=datetime.date(2027, 12, 31),
    sections=(
        V_PROFILE,
        V_WAR_IMPACT,
        V_RESOURCES,
        V_NEEDS,
        V_SWOT,
        V_VISION,
        V_GOALS,
        V_PROJECTS,
        V_FINANCING,
        V_PARTICIPATION,
        V_IMPLEMENTATION,
        V_MONITORING,
        V_EU_ALIGNMENT,
    ),
    goals=V_GOAL_TREE,
    principles=V_PRINCIPLES,
    consultation=Period(datetime.date(2023, 8, 14), datetime.date(2023, 9, 8)),
    threads=V_THREADS,
    adoption=Adoption(
        AdoptingBody.COUNCIL,
        act_number="ДЕМО-215",
        act_date=datetime.date(2023, 9, 28),
        note="Рішення селищної ради ухвалено на пленарному засіданні; остаточну редакцію плану оприлюднено.",
    ),
    transition_notes={
        S.SITUATION_ANALYSIS: "Робочу групу утворено; профіль громади підготовлено.",
        S.NEEDS_AND_PARTICIPATION: "Обстеження пошкоджень і ресурсів завершено.",
        S.VISION_GOALS: "Потреби визначено й обговорено на публічних слуханнях 25 травня 2023 року.",
        S.PROJECT_IDEAS: "Бачення і дерево цілей схвалено на стратегічній сесії 15 червня 2023 року.",
        S.PRIORITISATION: "Зібрано 47 проєктних ідей.",
        S.DRAFT: "Відібрано 15 пріоритетних проєктів, складено план фінансування.",
        S.CONSULTATION: "Проєкт плану оприлюднено на сайті громади 14 серпня 2023 року.",
    },
)


# =====================================================================================================
# 2. A Local Recovery Plan in public consultation: Bashtanska city hromada (Mykolaiv oblast, phase 2)
# =====================================================================================================
#
# Written by the demo hromada editor (whose hromada this is); the coordinator and the partner expert have
# left open review comments. Every required section has a first text, so the consultation could open.

BASHTANSKA = "UA48020010000091496"
B_SOURCE = "Робоча група; " + DEMO_SOURCE_UK


def _section(code: SectionCode, uk: str, en: str, **tables: list[Row]) -> SectionContent:
    return SectionContent(code, body_uk=html(uk), body_en=html(en), tables=dict(tables))


B_SECTIONS = (
    SectionContent(
        C.PROFILE,
        body_uk=html(
            """
            <p>Баштанська міська територіальна громада — одна з перших добровільно об’єднаних громад
            Миколаївщини (2016 рік): місто Баштанка і 25 сіл на площі 760 км². Баштанка — центр
            Баштанського району, вузол доріг між Миколаєвом, Кропивницьким і Кривим Рогом. Основа економіки
            — сільське господарство і харчова переробка, важливі роботодавці — заклади освіти, лікарня та
            районні установи.</p>
            <p>У 2022 році південні села громади були за кілька кілометрів від лінії фронту і зазнавали
            обстрілів. Відтоді громада стала домом для тисяч переміщених осіб з Херсонщини і Миколаївщини,
            що змінило потреби в житлі, освіті та соціальних послугах.</p>
            """
        ),
        body_en=html(
            """
            <p>Bashtanska city hromada was one of the first voluntarily amalgamated hromadas of Mykolaiv oblast
            (2016): the town of Bashtanka and 25 villages on 760 km². Bashtanka is the centre of Bashtanka
            raion and a road junction between Mykolaiv, Kropyvnytskyi and Kryvyi Rih. The economy rests on
            farming and food processing; schools, the hospital and raion institutions are important
            employers.</p>
            <p>In 2022 the hromada's southern villages lay a few kilometres from the front line and were
            shelled. Since then the hromada has become home to thousands of displaced people from Kherson and
            Mykolaiv oblasts, which has changed its needs for housing, education and social services.</p>
            """
        ),
        tables={
            "key_figures": [
                {
                    "indicator_uk": "Внутрішньо переміщені особи на обліку",
                    "indicator_en": "Registered internally displaced people",
                    "value": "3900",
                    "unit": "",
                    "as_of": "2026-10-01",
                    "source": B_SOURCE,
                }
            ]
        },
        registry_profile=True,
    ),
    _section(
        C.WAR_IMPACT,
        """
        <p>Найбільше постраждали південні старостинські округи: пошкоджено близько 640 житлових будинків
        (35 зруйновано), дві школи, амбулаторію, лінії електропередачі й водогін. Частина сільськогосподарських
        угідь на півдні громади потребує обстеження на наявність вибухонебезпечних предметів.</p>
        """,
        """
        <p>The southern starosta districts suffered most: about 640 homes were damaged (35 destroyed), as
        were two schools, an outpatient clinic, power lines and the water mains. Part of the farmland in the
        south needs to be surveyed for explosive ordnance.</p>
        """,
        damage_by_sector=[
            {
                "sector": "housing",
                "damaged": "640",
                "destroyed": "35",
                "loss_uah": "310000000",
                "as_of": "2026-09-01",
                "source": B_SOURCE,
            },
            {
                "sector": "education",
                "damaged": "2",
                "destroyed": "0",
                "loss_uah": "46000000",
                "as_of": "2026-09-01",
                "source": B_SOURCE,
            },
            {
                "sector": "energy",
                "damaged": "14",
                "destroyed": "1",
                "loss_uah": "38000000",
                "as_of": "2026-09-01",
                "source": B_SOURCE,
            },
            {
                "sector": "demining",
                "damaged": "0",
                "destroyed": "0",
                "loss_uah": "120000000",
                "as_of": "2026-09-01",
                "source": B_SOURCE,
            },
        ],
        displacement=[
            {
                "as_of": "2026-10-01",
                "residents_left": "2600",
                "displaced_hosted": "3900",
                "returned": "1100",
                "source": B_SOURCE,
            },
        ],
    ),
    _section(
        C.RESOURCES,
        """
        <p>Громада має досвід децентралізації з 2016 року, діючий ЦНАП, родючі землі, підприємства харчової
        промисловості та кваліфікованих людей серед переміщених осіб — учителів, медиків, інженерів. Вільні
        приміщення комунальної власності можна пристосувати під житло і послуги.</p>
        """,
        """
        <p>The hromada has experience of decentralisation since 2016, a working administrative service centre,
        fertile land, food-processing companies and skilled people among the displaced: teachers, medical
        staff, engineers. Vacant municipal buildings can be converted into housing and service points.</p>
        """,
        resources=[
            _resource(
                "human", "Переміщені особи з фаховою освітою", "Displaced people with professional training", "≈ 900"
            ),
            _resource("fiscal", "Бюджет розвитку, 2026", "Development budget, 2026", "24 000 000 UAH"),
            _resource("infrastructure", "Вільні комунальні приміщення", "Vacant municipal buildings", "7"),
        ],
    ),
    _section(
        C.NEEDS,
        """
        <p>Головні потреби: доступне житло для переміщених осіб, місця в дитячих садках і школах, укриття в
        закладах освіти, ремонт житла в південних селах, робочі місця для жінок і ветеранів. Потреби зібрано
        під час опитування (620 анкет) і зустрічей у старостатах.</p>
        """,
        """
        <p>The main needs: affordable housing for displaced people, places in pre-schools and schools,
        shelters in schools, repairs of homes in the southern villages, and jobs for women and veterans. The
        needs were gathered in a survey (620 questionnaires) and at meetings in the starosta offices.</p>
        """,
    ),
    _section(
        C.SWOT,
        """
        <p>Робоча група підсумувала сильні й слабкі сторони громади, можливості та загрози; головні ризики
        оцінено за ймовірністю та впливом.</p>
        """,
        """
        <p>The working group summed up the hromada's strengths, weaknesses, opportunities and threats; the
        main risks are rated by likelihood and impact.</p>
        """,
        swot=[
            _swot(
                "strength", "Досвід об’єднаної громади з 2016 року", "Experience as an amalgamated hromada since 2016"
            ),
            _swot("strength", "Вигідне транспортне розташування", "A good location on the road network"),
            _swot("strength", "Кваліфіковані люди серед переміщених осіб", "Skilled people among the displaced"),
            _swot("weakness", "Брак житла і місць у закладах освіти", "A shortage of housing and of places in schools"),
            _swot("weakness", "Зношені мережі водопостачання", "Worn-out water networks"),
            _swot("weakness", "Мало готових проєктів", "Few ready projects"),
            _swot(
                "opportunity",
                "Державні та міжнародні програми житла для переміщених осіб",
                "State and international housing programmes for displaced people",
            ),
            _swot("opportunity", "Переробка сільськогосподарської продукції", "Processing of farm produce"),
            _swot(
                "opportunity", "Партнерство з нідерландськими муніципалітетами", "Partnership with Dutch municipalities"
            ),
            _swot("threat", "Обстріли і близькість до фронту", "Shelling and closeness to the front"),
            _swot("threat", "Виїзд молоді", "Young people leaving"),
            _swot("threat", "Нестача коштів на відбудову", "Lack of money for reconstruction"),
        ],
        risks=[
            _risk(
                "Обстріли",
                "Shelling",
                3,
                5,
                "Укриття, оповіщення, план евакуації.",
                "Shelters, alerts, an evacuation plan.",
            ),
            _risk(
                "Нестача фінансування",
                "Insufficient funding",
                4,
                4,
                "Кілька джерел для кожного проєкту.",
                "Several sources for each project.",
            ),
            _risk(
                "Брак підрядників",
                "A shortage of contractors",
                3,
                3,
                "Відкриті торги, поетапні контракти.",
                "Open tenders, contracts in stages.",
            ),
        ],
    ),
    _section(
        C.VISION,
        """
        <p><strong>Баштанська громада у 2030 році — безпечна і гостинна громада, де кожен, хто тут живе або
        знайшов прихисток, має житло, роботу і доступні послуги.</strong></p>
        """,
        """
        <p><strong>In 2030 Bashtanska is a safe and welcoming hromada where everyone who lives here or has
        found refuge here has a home, work and services within reach.</strong></p>
        """,
    ),
    _section(
        C.GOALS,
        """
        <p>Три стратегічні цілі відповідають напрямам програми: безпека і стійкість; місцевий економічний
        розвиток; відкрите врядування. Під кожною — операційні цілі і перші завдання.</p>
        """,
        """
        <p>Three strategic goals follow the fields of the programme: safety and resilience; local economic
        development; open government. Each has operational goals and first tasks.</p>
        """,
    ),
    _section(
        C.PROJECTS,
        """
        <p>Перші проєкти: укриття в трьох ліцеях, реконструкція гуртожитку під соціальне житло для
        переміщених осіб, оновлення водогону в Баштанці, бізнес-інкубатор для ветеранів і переміщених осіб.
        Вартість і джерела уточнюються.</p>
        """,
        """
        <p>First projects: shelters in three lyceums, converting a hostel into social housing for displaced
        people, renewing the water mains in Bashtanka, and a business incubator for veterans and displaced
        people. Costs and sources are being refined.</p>
        """,
    ),
    _section(
        C.FINANCING,
        """
        <p>Попередня оцінка — близько 180 млн грн на 2027–2030 роки, з яких понад половину очікується від
        державних фондів і міжнародних партнерів.</p>
        """,
        """
        <p>The first estimate is about UAH 180 million for 2027–2030, more than half of it expected from state
        funds and international partners.</p>
        """,
        financing=[
            _finance("local_budget", 26_000_000, "UAH", 2027, ""),
            _finance("state_funds", 62_000_000, "UAH", 2028, ""),
            _finance("international", 1_600_000, "EUR", 2028, ""),
            _finance("private", 8_000_000, "UAH", 2029, ""),
        ],
    ),
    _section(
        C.PARTICIPATION,
        """
        <p>Пропозиції збирали в ЦНАП, у старостатах і онлайн; окремі зустрічі провели з переміщеними особами
        і з молоддю. Проєкт плану оприлюднено для громадського обговорення.</p>
        """,
        """
        <p>Proposals were collected at the administrative service centre, in the starosta offices and online;
        separate meetings were held with displaced people and with young people. The draft plan has been
        published for public consultation.</p>
        """,
        engagement_events=[
            _event(
                "proposal_call",
                "2026-06-01",
                84,
                52,
                31,
                84,
                "84 пропозиції, переважно житло і освіта.",
                "84 proposals, mostly on housing and education.",
            ),
            _event(
                "survey",
                "2026-06-10",
                620,
                371,
                210,
                140,
                "Пріоритети: житло, робота, укриття.",
                "Priorities: housing, work, shelters.",
            ),
            _event(
                "focus_group",
                "2026-06-24",
                16,
                11,
                16,
                21,
                "Переміщені особи: житло і працевлаштування.",
                "Displaced people: housing and jobs.",
            ),
        ],
    ),
    _section(
        C.IMPLEMENTATION,
        """
        <p>За виконання відповідає виконавчий комітет міської ради; проєкти готує відділ економічного
        розвитку та інвестицій. Щорічний план дій ухвалюється разом з бюджетом.</p>
        """,
        """
        <p>The executive committee of the town council is responsible for implementation; the department of
        economic development and investment prepares the projects. An annual action plan is adopted with the
        budget.</p>
        """,
    ),
    _section(
        C.MONITORING,
        """
        <p>Робоча група двічі на рік розглядає звіт про виконання; щорічний звіт публікується на сайті
        громади.</p>
        """,
        """
        <p>The working group discusses a progress report twice a year; an annual report is published on the
        hromada's website.</p>
        """,
        indicators=[
            _indicator(
                "Переміщені особи, забезпечені житлом",
                "Displaced people housed",
                "",
                "120",
                "600",
                "Відділ соцзахисту / social protection",
            ),
            _indicator(
                "Заклади освіти з укриттям",
                "Schools with a shelter",
                "%",
                "40",
                "100",
                "Відділ освіти / education department",
            ),
        ],
    ),
    _section(
        C.EU_ALIGNMENT,
        """
        <p>Заходи плану відповідають розділам acquis 22 (регіональна політика), 19 (соціальна політика і
        зайнятість) і 15 (енергетика), а також статтям 4 і 9 Європейської хартії місцевого
        самоврядування.</p>
        """,
        """
        <p>The plan's measures relate to acquis chapters 22 (regional policy), 19 (social policy and
        employment) and 15 (energy), and to Articles 4 and 9 of the European Charter of Local
        Self-Government.</p>
        """,
    ),
)

B_GOAL_TREE = Goal(
    "Баштанська громада у 2030 році — безпечна і гостинна громада, де кожен має житло, роботу і доступні послуги.",
    "In 2030 Bashtanska is a safe and welcoming hromada where everyone has a home, work and services within reach.",
    children=(
        Goal(
            "Безпечна і стійка громада",
            "A safe and resilient hromada",
            sdg=("11.5", "11.b"),
            children=(
                Goal(
                    "Захистити дітей і працівників закладів освіти",
                    "Protect children and staff in schools",
                    sdg=("4.a", "11.5"),
                    children=(
                        Goal("Облаштувати укриття в трьох ліцеях", "Equip shelters in three lyceums", sdg=("4.a",)),
                        Goal(
                            "Оновити систему оповіщення в південних селах",
                            "Renew the alert system in the southern villages",
                            sdg=("11.5",),
                        ),
                    ),
                ),
                Goal(
                    "Забезпечити житлом переміщених осіб",
                    "House the displaced people",
                    sdg=("11.1",),
                    acquis=("19",),
                    children=(
                        Goal(
                            "Реконструювати гуртожиток під соціальне житло",
                            "Convert a hostel into social housing",
                            sdg=("11.1",),
                            acquis=("15",),
                        ),
                    ),
                ),
            ),
        ),
        Goal(
            "Робочі місця і місцевий економічний розвиток",
            "Jobs and local economic development",
            sdg=("8.3", "8.5"),
            acquis=("20",),
            children=(
                Goal(
                    "Підтримати підприємництво ветеранів і переміщених осіб",
                    "Support veterans and displaced people in starting businesses",
                    sdg=("8.3",),
                    acquis=("19", "20"),
                    children=(
                        Goal("Відкрити бізнес-інкубатор", "Open a business incubator", sdg=("8.3",)),
                        Goal(
                            "Запровадити мікрогранти на власну справу",
                            "Introduce micro-grants for starting a business",
                            sdg=("8.3",),
                        ),
                    ),
                ),
                Goal(
                    "Посилити проєктну спроможність громади",
                    "Strengthen the hromada's project capacity",
                    sdg=("16.6",),
                    acquis=("22",),
                    children=(
                        Goal(
                            "Внести проєкти до Єдиного проєктного портфеля",
                            "Enter projects in the single project portfolio",
                            sdg=("16.6",),
                            acquis=("22",),
                        ),
                    ),
                ),
            ),
        ),
        Goal(
            "Відкрите врядування і участь мешканців",
            "Open government and resident participation",
            sdg=("16.6", "16.7"),
            charter=("4", "9"),
            children=(
                Goal(
                    "Залучати переміщених осіб і молодь до рішень",
                    "Involve displaced people and young people in decisions",
                    sdg=("16.7",),
                    charter=("4",),
                    children=(
                        Goal(
                            "Створити раду переміщених осіб",
                            "Set up a council of displaced people",
                            sdg=("16.7",),
                            charter=("4",),
                        ),
                        Goal(
                            "Запровадити молодіжний бюджет участі",
                            "Introduce a youth participatory budget",
                            sdg=("16.7",),
                        ),
                    ),
                ),
                Goal(
                    "Зробити відбудову прозорою",
                    "Make reconstruction transparent",
                    sdg=("16.5", "16.10"),
                    acquis=("5",),
                    children=(
                        Goal(
                            "Публікувати дані про проєкти в DREAM",
                            "Publish project data in DREAM",
                            sdg=("16.10",),
                            acquis=("5",),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

# The recovery principles are filled in; the Lugano principles are still open, so the adoption would be
# refused with that reason (among others) until the hromada completes them.
B_PRINCIPLES = tuple(
    PrincipleJustification(code, uk, en)
    for code, uk, en in (
        ("human_centredness", "Пріоритети визначено за опитуванням мешканців і переміщених осіб.", "Priorities follow a survey of residents and displaced people."),
        ("rational_spatial_planning", "Нове житло — у Баштанці, поруч із послугами.", "New housing is built in Bashtanka, close to services."),
        ("settlement_jobs_balance", "Бізнес-інкубатор і мікрогранти створюють роботу там, де живуть люди.", "The incubator and micro-grants create work where people live."),
        ("sustainable_mobility", "Шкільні маршрути переглядаються разом з укриттями.", "School routes are reviewed together with the shelters."),
        ("inclusiveness", "Окремі зустрічі з переміщеними особами й молоддю.", "Separate meetings with displaced people and young people."),
        ("energy_efficiency", "Реконструкція гуртожитку — з утепленням і тепловим насосом.", "The hostel conversion includes insulation and a heat pump."),
        ("environmental_friendliness", "Оцінка впливу на довкілля для оновлення водогону.", "Environmental assessment for the water mains renewal."),
        ("cultural_heritage", "Пам’ятки в південних селах обстежено.", "Monuments in the southern villages have been surveyed."),
        ("sdg_consistency", "Цілі позначено завданнями ЦСР 11.1, 11.5, 8.3, 16.7.", "Goals are tagged with SDG targets 11.1, 11.5, 8.3, 16.7."),
    )
)  # fmt: skip

B_THREADS = (
    Thread(
        C.NEEDS,
        author="coordinator",
        quote="робочі місця для жінок і ветеранів",
        body=(
            "Розділ добре описує потреби переміщених осіб, але про ветеранів і їхні родини — лише одне речення. "
            "Скільки їх на обліку, які послуги вже є і чого бракує? Додайте, будь ласка, результати окремої "
            "зустрічі з ветеранами."
        ),
        replies=(
            Reply(
                "editor",
                "Дякуємо, слушно. Зустріч з ветеранами і родинами проведемо наступного тижня разом з центром "
                "ветеранського розвитку, після неї доповнимо розділ.",
            ),
        ),
    ),
    Thread(
        C.SWOT,
        author="expert",
        body=(
            "A good overview. Two points from our experience in the Utrecht safety region: the risk register "
            "should include losing power at the water utility during attacks on the grid, and the mitigation "
            "for shelling should say who decides on an evacuation and how residents are warned. We are happy "
            "to share our crisis-plan template."
        ),
    ),
    Thread(
        C.FINANCING,
        author="coordinator",
        body=(
            "Сума від міжнародних партнерів (1,6 млн євро) більша за підтверджені домовленості. Позначте, будь "
            "ласка, яка частина вже погоджена, а яка очікувана, щоб депутати бачили реальну картину."
        ),
    ),
)

BASHTANSKA_PLAN = DemoPlan(
    key="consultation",
    katottg=BASHTANSKA,
    plan_type=PlanType.LOCAL_RECOVERY_PLAN,
    state=S.CONSULTATION,
    author="editor",
    title_uk="План відновлення та розвитку Баштанської міської територіальної громади на 2027–2030 роки",
    title_en="Recovery and Development Plan of Bashtanska City Hromada, 2027–2030",
    summary_uk=(
        "Демонстраційний проєкт плану (дані ілюстративні): громада, що прийняла тисячі переміщених осіб, "
        "планує житло, укриття, робочі місця і відкрите врядування. Триває громадське обговорення."
    ),
    summary_en=(
        "Demonstration draft plan (illustrative data): a hromada that has taken in thousands of displaced "
        "people plans housing, shelters, jobs and open government. The public consultation is under way."
    ),
    starts_on=datetime.date(2027, 1, 1),
    ends_on=datetime.date(2030, 12, 31),
    sections=B_SECTIONS,
    goals=B_GOAL_TREE,
    principles=B_PRINCIPLES,
    consultation=Period(-6, 15),
    threads=B_THREADS,
    transition_notes={S.CONSULTATION: "Проєкт плану оприлюднено на сайті громади для обговорення."},
)


# =====================================================================================================
# 3. A Local Recovery Plan at the needs and participation stage: Snihurivska city hromada (phase 2)
# =====================================================================================================

SNIHURIVSKA = "UA48020190000083597"
SN_SOURCE = "Комісія з обстеження; " + DEMO_SOURCE_UK

SNIHURIVSKA_PLAN = DemoPlan(
    key="needs",
    katottg=SNIHURIVSKA,
    plan_type=PlanType.LOCAL_RECOVERY_PLAN,
    state=S.NEEDS_AND_PARTICIPATION,
    author="coordinator",
    title_uk="План відновлення та розвитку Снігурівської міської територіальної громади на 2027–2030 роки",
    title_en="Recovery and Development Plan of Snihurivska City Hromada, 2027–2030",
    summary_uk="Демонстраційний проєкт плану (дані ілюстративні) на етапі аналізу потреб і залучення мешканців.",
    summary_en="Demonstration draft plan (illustrative data) at the stage of needs analysis and participation.",
    starts_on=datetime.date(2027, 1, 1),
    ends_on=datetime.date(2030, 12, 31),
    sections=(
        SectionContent(
            C.PROFILE,
            body_uk=html(
                """
                <p>Снігурівська міська територіальна громада розташована на річці Інгулець у Баштанському районі
                Миколаївської області: місто Снігурівка, два селища і 20 сіл на площі 634 км². До війни тут жило
                понад 22 тис. осіб; основа економіки — зрошуване землеробство, овочівництво та переробка.</p>
                <p>Громада була окупована з березня до 10 листопада 2022 року. Робоча група з відновлення
                утворена у вересні 2026 року; профіль громади доповнюється даними старостатів.</p>
                """
            ),
            body_en=html(
                """
                <p>Snihurivska city hromada lies on the Inhulets river in Bashtanka raion of Mykolaiv oblast: the
                town of Snihurivka, two settlements and 20 villages on 634 km². More than 22,000 people lived here
                before the war; the economy rested on irrigated farming, vegetable growing and processing.</p>
                <p>The hromada was occupied from March to 10 November 2022. The recovery working group was set up
                in September 2026; the profile is being completed with data from the starosta offices.</p>
                """
            ),
            registry_profile=True,
        ),
        _section(
            C.WAR_IMPACT,
            """
            <p>За вісім місяців окупації і під час звільнення зруйновано й пошкоджено значну частину житла,
            мости через Інгулець, водогін і зрошувальні канали. Обстеження триває; перші дані — у таблицях.</p>
            """,
            """
            <p>During eight months of occupation and the liberation, much of the housing, the bridges over the
            Inhulets, the water mains and the irrigation canals were damaged or destroyed. The survey is still
            going on; the first data are in the tables.</p>
            """,
            damage_by_sector=[
                {
                    "sector": "housing",
                    "damaged": "3400",
                    "destroyed": "420",
                    "loss_uah": "1900000000",
                    "as_of": "2026-10-01",
                    "source": SN_SOURCE,
                },
                {
                    "sector": "water",
                    "damaged": "18",
                    "destroyed": "4",
                    "loss_uah": "260000000",
                    "as_of": "2026-10-01",
                    "source": SN_SOURCE,
                },
                {
                    "sector": "transport",
                    "damaged": "9",
                    "destroyed": "2",
                    "loss_uah": "540000000",
                    "as_of": "2026-10-01",
                    "source": SN_SOURCE,
                },
            ],
            displacement=[
                {
                    "as_of": "2026-10-01",
                    "residents_left": "7200",
                    "displaced_hosted": "800",
                    "returned": "6100",
                    "source": SN_SOURCE,
                },
            ],
        ),
        _section(
            C.RESOURCES,
            """
            <p>Земля й водні ресурси Інгульця, досвід зрошуваного землеробства, залізнична станція та
            підприємства переробки, які відновлюють роботу.</p>
            """,
            """
            <p>Land and the water of the Inhulets, experience in irrigated farming, a railway station and
            processing companies that are reopening.</p>
            """,
        ),
        _section(
            C.PARTICIPATION,
            """
            <p>Збір пропозицій мешканців і опитування щодо потреб стартують цього місяця; зустрічі в кожному
            старостаті заплановано на найближчі тижні.</p>
            """,
            """
            <p>The call for residents' proposals and the needs survey start this month; meetings in every starosta
            office are planned for the coming weeks.</p>
            """,
        ),
    ),
)


# =====================================================================================================
# 4. A comprehensive recovery programme collecting proposals: Vysokopilska settlement hromada (phase 2)
# =====================================================================================================
#
# CMU Resolution 1159: the executive body's decision opens a collection of proposals of at least 10
# calendar days; anonymous proposals are not registered.

VYSOKOPILSKA = "UA65020070000029027"

VYSOKOPILSKA_PLAN = DemoPlan(
    key="proposals",
    katottg=VYSOKOPILSKA,
    plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME,
    state=S.PROPOSALS_COLLECTION,
    author="coordinator",
    title_uk="Програма комплексного відновлення території Високопільської селищної територіальної громади",
    title_en="Comprehensive Recovery Programme of the Territory of Vysokopilska Settlement Hromada",
    summary_uk=(
        "Демонстраційна програма (дані ілюстративні) за постановою КМУ № 1159: триває збір пропозицій мешканців."
    ),
    summary_en=(
        "Demonstration programme (illustrative data) under CMU Resolution 1159: residents' proposals are being "
        "collected."
    ),
    starts_on=datetime.date(2027, 1, 1),
    ends_on=datetime.date(2033, 12, 31),
    sections=(
        SectionContent(
            C.PROFILE,
            body_uk=html(
                """
                <p>Високопільська селищна територіальна громада — північ Бериславського району Херсонської
                області: селища Високопілля й Архангельське та 20 сіл на площі 495 км². До війни тут жило
                понад 10 тис. осіб.</p>
                <p>Громада була окупована з березня до початку вересня 2022 року; Високопілля — одне з
                найбільш зруйнованих селищ області. Програма комплексного відновлення визначить просторові
                й соціально-економічні пріоритети відбудови та перелік проєктів на 2027–2033 роки.</p>
                """
            ),
            body_en=html(
                """
                <p>Vysokopilska settlement hromada lies in the north of Beryslav raion in Kherson oblast: the
                settlements of Vysokopillia and Arkhanhelske and 20 villages on 495 km². More than 10,000 people
                lived here before the war.</p>
                <p>The hromada was occupied from March to early September 2022; Vysokopillia is one of the most
                destroyed settlements of the oblast. The comprehensive recovery programme will set the spatial,
                social and economic priorities of reconstruction and the list of projects for 2027–2033.</p>
                """
            ),
            registry_profile=True,
        ),
        _section(
            C.PARTICIPATION,
            """
            <p>Рішенням виконавчого комітету селищної ради розпочато розроблення програми комплексного
            відновлення; рішення оприлюднено на сайті громади, у соціальних мережах і місцевих медіа та
            надіслано до обласної військової адміністрації.</p>
            <p>Пропозиції до програми приймаються не менше 10 календарних днів з дня оприлюднення рішення: у
            ЦНАП, у старостатах та електронною поштою. Пропозиція має містити прізвище, ім’я та контактні
            дані автора; анонімні пропозиції не реєструються.</p>
            """,
            """
            <p>A decision of the executive committee of the settlement council started the drafting of the
            comprehensive recovery programme; the decision was published on the hromada's website, its social
            media and local media, and sent to the oblast military administration.</p>
            <p>Proposals for the programme are accepted for at least 10 calendar days from the publication of the
            decision: at the administrative service centre, in the starosta offices and by email. A proposal
            must give the author's name and contact details; anonymous proposals are not registered.</p>
            """,
        ),
    ),
    proposals=Period(-4, 10),
    transition_notes={
        S.WORKING_GROUP_FORMED: "Склад робочої групи затверджено рішенням виконавчого комітету.",
        S.PROPOSALS_COLLECTION: "Рішення про розроблення програми оприлюднено; збір пропозицій відкрито.",
    },
)


PLANS: tuple[DemoPlan, ...] = (VELYKOOLEKSANDRIVSKA_PLAN, BASHTANSKA_PLAN, SNIHURIVSKA_PLAN, VYSOKOPILSKA_PLAN)
