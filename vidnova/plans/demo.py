"""The demo recovery plans: an adopted Local Recovery Plan of a phase-1 hromada and drafts of other
programme hromadas in other states (the content is in vidnova.plans.demo_content).

Everything is built through the plans services, acting as the demo accounts, so each plan's history,
audit log and workflow page read like the work of a real working group: the plan is created, sections
are written stage by stage, the goal tree and the principles checklist are filled in, the participation
periods are set, reviewers comment, and the plan moves through its workflow to the state the demo wants
(for the adopted plan: adoption by the council, with a generated PDF marked "demo" as the signed act).

Who acts: the author of each plan (the demo hromada editor for the plan of her own hromada, the demo
coordinator for the others, since programme staff may edit every programme plan); transitions that
only programme staff may take (opening the consultation of a Local Recovery Plan) are taken by the
coordinator; comments come from the coordinator and the partner expert.

Idempotent like the rest of the demo (vidnova.programmes.demo): a demo plan is identified by its
hromada and plan type, and one that exists is left as it is, so a second run creates and changes
nothing.

The adopted plan (of 2023) records its consultation with its real, past dates, as a hromada does that
enters a consultation held before the plan was in Vidnova.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from collections.abc import Mapping, Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.html import escape

from vidnova.accounts import access
from vidnova.accounts.models import User
from vidnova.plans import demo_content as content
from vidnova.plans.demo_content import DemoPlan, Goal, SectionContent, SectionUpdate, Thread
from vidnova.plans.models import (
    CommentThread,
    GoalLevel,
    GoalNode,
    Plan,
    PlanState,
    PlanVersion,
    PrincipleCheck,
    Section,
)
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services.comments import comment_reply, thread_resolve, thread_start
from vidnova.plans.services.goals import goal_create
from vidnova.plans.services.plans import plan_create
from vidnova.plans.services.sections import (
    KEY_FIGURES,
    registry_profile_rows,
    section_insert_registry_profile,
    section_save,
    section_tables_save,
)
from vidnova.plans.services.workflow import (
    may_take,
    participation_dates_set,
    plan_adopt,
    plan_transition,
    principle_check_update,
)
from vidnova.plans.workflow import Workflow, workflow_for
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada
from vidnova.registry.translit import translit

# The council of a hromada by its type: "Великоолександрівська селищна рада".
COUNCIL_KIND = {"urban": "міська", "settlement": "селищна", "rural": "сільська"}

CHILD_LEVEL = {
    GoalLevel.VISION: GoalLevel.STRATEGIC_GOAL,
    GoalLevel.STRATEGIC_GOAL: GoalLevel.OPERATIONAL_GOAL,
    GoalLevel.OPERATIONAL_GOAL: GoalLevel.TASK,
}


def create_demo_plans(
    *,
    programme: Programme,
    users: Mapping[str, User],
    created: list[str] | None = None,
    today: datetime.date | None = None,
) -> dict[str, Plan]:
    """Create the demo plans that do not exist yet; return every demo plan by its key ("adopted",
    "consultation", "needs", "proposals"). ``users`` holds the demo accounts by role key ("admin",
    "coordinator", "editor", "viewer", "expert") with their memberships already granted; what this run
    creates is appended to ``created``."""
    from vidnova.programmes.demo import DemoError  # the demo's own error; imported here: it imports us

    today = today or timezone.localdate()
    for user in users.values():
        access.forget_roles(user)  # act with the roles the demo has just granted
    hromadas = {
        hromada.katottg: hromada
        for hromada in Hromada.objects.filter(
            participations__phase__programme=programme, katottg__in=[spec.katottg for spec in content.PLANS]
        ).distinct()
    }
    plans: dict[str, Plan] = {}
    with transaction.atomic():
        for spec in content.PLANS:
            hromada = hromadas.get(spec.katottg)
            if hromada is None:
                raise DemoError(f"The demo plan “{spec.key}” needs hromada {spec.katottg} in {programme.slug}.")
            existing = Plan.objects.filter(is_demo=True, hromada=hromada, plan_type=spec.plan_type).order_by("pk")
            plan = existing.first()
            if plan is None:
                plan = _PlanBuilder(spec, programme=programme, hromada=hromada, users=users, today=today).build()
                if created is not None:
                    created.append(f"{plan.get_state_display()} plan of {hromada.name_latin}: {spec.title_en}")
            plans[spec.key] = plan
    return plans


class _PlanBuilder:
    """Writes one demo plan, stage by stage, through the services."""

    def __init__(
        self,
        spec: DemoPlan,
        *,
        programme: Programme,
        hromada: Hromada,
        users: Mapping[str, User],
        today: datetime.date,
    ) -> None:
        self.spec = spec
        self.programme = programme
        self.hromada = hromada
        self.users = users
        self.author = users[spec.author]
        self.coordinator = users["coordinator"]
        self.today = today
        self.workflow: Workflow = workflow_for(spec.plan_type)

    # --- the whole plan -----------------------------------------------------------------------

    def build(self) -> Plan:
        spec = self.spec
        plan = plan_create(
            acting_user=self.author,
            hromada=self.hromada,
            programme=self.programme,
            plan_type=spec.plan_type,
            title_uk=spec.title_uk,
            title_en=spec.title_en,
            summary_uk=spec.summary_uk,
            summary_en=spec.summary_en,
            summary_nl=spec.summary_nl,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            is_demo=True,
        )
        self.version: PlanVersion = current_version(plan)
        adopt = spec.state == self.workflow.adoption_state
        last = self.workflow.consultation_state if adopt else spec.state
        path = list(self.workflow.states[: self.workflow.states.index(last) + 1])
        consultation_index = (
            path.index(self.workflow.consultation_state) if self.workflow.consultation_state in path else None
        )
        principles_state = path[consultation_index - 1] if consultation_index else last

        for index, state in enumerate(path):
            if plan.state != state:
                plan = self._enter(plan, state)
            for section in spec.sections:
                stage_index = self._stage_index(section, path)
                if stage_index == index or (state == last and stage_index > index):
                    self._write(section)
                if section.update is not None and section.update.state == state:
                    self._update(section.code, section.update)
            if state == principles_state:
                self._principles()

        for thread in spec.threads:
            self._thread(thread)
        if adopt:
            plan = self._adopt(plan)
        return plan

    def _stage_index(self, section: SectionContent, path: list[PlanState]) -> int:
        stage = content.SECTION_STAGES[self.spec.plan_type].get(section.code)
        return path.index(stage) if stage in path else len(path)

    # --- workflow -------------------------------------------------------------------------------

    def _enter(self, plan: Plan, state: PlanState) -> Plan:
        transition = self.workflow.find(plan.state, state)
        assert transition is not None, f"{plan.state} → {state}"  # noqa: S101 - the path follows the workflow
        user = self.author if may_take(self.author, plan, transition) else self.coordinator
        if state == self.workflow.consultation_state and self.spec.consultation is not None:
            starts_on, ends_on = self.spec.consultation.resolve(self.today)
            participation_dates_set(
                acting_user=user, plan=plan, consultation_starts_on=starts_on, consultation_ends_on=ends_on
            )
        if state == self.workflow.proposals_state and self.spec.proposals is not None:
            starts_on, ends_on = self.spec.proposals.resolve(self.today)
            participation_dates_set(
                acting_user=user, plan=plan, proposals_starts_on=starts_on, proposals_ends_on=ends_on
            )
        plan.refresh_from_db()
        return plan_transition(
            acting_user=user,
            plan=plan,
            target=state,
            expected_version=plan.version,
            note=self.spec.transition_notes.get(state, ""),
        )

    def _adopt(self, plan: Plan) -> Plan:
        adoption = self.spec.adoption
        assert adoption is not None  # noqa: S101 - only plans with an adoption are adopted
        plan.refresh_from_db()
        return plan_adopt(
            acting_user=self.coordinator,
            plan=plan,
            expected_version=plan.version,
            adopting_body=adoption.adopting_body,
            act_number=adoption.act_number,
            act_date=adoption.act_date,
            act_document=ContentFile(demo_act_pdf(plan, adoption), name="demo-act.pdf"),
            note=adoption.note,
        )

    def _principles(self) -> None:
        checks = {check.principle: check for check in PrincipleCheck.objects.filter(plan_version=self.version)}
        for item in self.spec.principles:
            check = checks[item.code]
            principle_check_update(
                acting_user=self.author,
                check=check,
                expected_version=check.version,
                is_met=item.is_met,
                justification_uk=item.justification_uk,
                justification_en=item.justification_en,
            )

    # --- sections and the goal tree ---------------------------------------------------------------

    def _section(self, code: str) -> Section:
        return Section.objects.get(plan_version=self.version, code=code)

    def _write(self, item: SectionContent) -> None:
        section = self._section(item.code)
        section = section_save(
            acting_user=self.author,
            section=section,
            expected_version=section.version,
            body_uk=item.body_uk,
            body_en=item.body_en,
        )
        if item.registry_profile and registry_profile_rows(self.hromada):
            section = section_insert_registry_profile(
                acting_user=self.author, section=section, expected_version=section.version
            )
        self._tables(section, item.tables, append_to_registry=item.registry_profile)
        if item.code == content.C.GOALS and self.spec.goals is not None:
            self._goal(self.spec.goals, parent=None, level=GoalLevel.VISION)

    def _update(self, code: str, update: SectionUpdate) -> None:
        section = self._section(code)
        section = section_save(
            acting_user=self.author,
            section=section,
            expected_version=section.version,
            body_uk=update.body_uk,
            body_en=update.body_en,
        )
        self._tables(section, update.tables)

    def _tables(
        self, section: Section, tables: Mapping[str, list[dict[str, str]]], *, append_to_registry: bool = False
    ) -> Section:
        for table_code, rows in tables.items():
            if append_to_registry and table_code == KEY_FIGURES:
                rows = [*section.tables.get(KEY_FIGURES, []), *rows]  # the registry's figures first
            section = section_tables_save(
                acting_user=self.author,
                section=section,
                expected_version=section.version,
                table_code=table_code,
                rows=list(rows),
            )
        return section

    def _goal(self, goal: Goal, *, parent: GoalNode | None, level: GoalLevel) -> None:
        node = goal_create(
            acting_user=self.author,
            version=self.version,
            parent=parent,
            level=level,
            text_uk=goal.text_uk,
            text_en=goal.text_en,
            sdg_targets=goal.sdg,
            acquis_chapters=goal.acquis,
            charter_articles=goal.charter,
        )
        if goal.children:
            child_level = CHILD_LEVEL[level]
            for child in goal.children:
                self._goal(child, parent=node, level=child_level)

    # --- review comments ------------------------------------------------------------------------------

    def _thread(self, item: Thread) -> CommentThread:
        thread = thread_start(
            acting_user=self.users[item.author], section=self._section(item.section), body=item.body, quote=item.quote
        )
        for reply in item.replies:
            comment_reply(acting_user=self.users[reply.author], thread=thread, body=reply.body)
        if item.added_rows is not None:
            table_code, rows = item.added_rows
            section = self._section(item.section)
            section_tables_save(
                acting_user=self.author,
                section=section,
                expected_version=section.version,
                table_code=table_code,
                rows=[*section.tables.get(table_code, []), *rows],
            )
        if item.resolved_by:
            thread = thread_resolve(acting_user=self.users[item.resolved_by], thread=thread)
        return thread


def demo_act_pdf(plan: Plan, adoption: content.Adoption) -> bytes:
    """A one-page PDF standing in for the signed adopting act, marked as a demonstration document.

    Set with WeasyPrint in the DejaVu Sans shipped for plan documents, so the Cyrillic text renders on
    any server. Where WeasyPrint's system libraries (Pango) are missing, which the demo does not
    require, a plain PDF with the same facts in Latin letters is written by hand instead.
    """
    with translation.override("uk"):
        act_date = formats.date_format(adoption.act_date, "j E Y")
    council = f"{plan.hromada.name_uk} {COUNCIL_KIND.get(plan.hromada.hromada_type, '')} рада"
    # WeasyPrint logs every step of its work at INFO, even while it is imported; the demo's report
    # should not show them.
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        try:
            from vidnova.plans.documents.pdf_file import LocalFilesOnly, font_faces

            weasyprint = importlib.import_module("weasyprint")  # an untyped library
        except (ImportError, OSError):  # OSError: WeasyPrint is installed but Pango is not
            return plain_pdf(
                [
                    "DEMONSTRATION DOCUMENT - NOT A LEGAL ACT",
                    "",
                    translit(council),
                    f"Decision No. {translit(adoption.act_number)} of {adoption.act_date.isoformat()}",
                    f"On the approval of: {translit(plan.title_uk)}",
                    "",
                    "Generated by the create-demo command of Vidnova.",
                    "It is not an act of any local government and has no legal force.",
                ]
            )
        document = _act_html(plan, adoption, council=council, act_date=act_date, font_faces=font_faces())
        pdf: bytes = weasyprint.HTML(string=document, url_fetcher=LocalFilesOnly()).write_pdf()
        return pdf
    finally:
        progress.setLevel(level)


def _act_html(
    plan: Plan, adoption: content.Adoption, *, council: str, act_date: str, font_faces: list[dict[str, str]]
) -> str:
    faces = "".join(
        f'@font-face {{ font-family: "Demo"; src: url("{face["url"]}"); font-weight: {face["weight"]}; '
        f"font-style: {face['style']}; }}"
        for face in font_faces
    )
    title = escape(plan.title_uk)
    return f"""<!doctype html>
<html lang="uk"><head><meta charset="utf-8"><title>ДЕМО / DEMO</title><style>
{faces}
@page {{ size: A4; margin: 2.5cm; @bottom-center {{ content: "ДЕМО · DEMO · Vidnova"; color: #b00020; }} }}
body {{ font-family: "Demo", sans-serif; font-size: 12pt; line-height: 1.5; }}
.demo {{ color: #b00020; font-weight: bold; font-size: 24pt; border: 3px solid #b00020; padding: 0.3em;
  text-align: center; }}
h1 {{ font-size: 16pt; text-align: center; }}
.note {{ margin-top: 3em; font-size: 10pt; color: #555; }}
</style></head><body>
<p class="demo">ДЕМОНСТРАЦІЙНИЙ ДОКУМЕНТ · DEMONSTRATION DOCUMENT</p>
<p>{escape(council)}</p>
<h1>РІШЕННЯ № {escape(adoption.act_number)}</h1>
<p>від {escape(act_date)}</p>
<p><strong>Про затвердження документа «{title}»</strong></p>
<p>Рада вирішила: затвердити документ «{title}» з урахуванням результатів громадського обговорення та
оприлюднити його.</p>
<p class="note">Цей файл створено командою create-demo платформи Vidnova. Він не є актом органу місцевого
самоврядування і не має юридичної сили.<br>
This file was generated by Vidnova's create-demo command. It is not an act of any local government and has no
legal force.</p>
</body></html>"""


def plain_pdf(lines: Sequence[str]) -> bytes:
    """A valid one-page A4 PDF showing ``lines`` in Helvetica, built by hand (ASCII text only; other
    characters become "?")."""

    def literal(line: str) -> bytes:
        text = line.encode("ascii", "replace")
        return b"(" + text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '"

    stream = b"\n".join([b"BT", b"/F1 12 Tf", b"18 TL", b"72 790 Td", *(literal(line) for line in lines), b"ET"])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)
