"""Reading an assessment for the pages where a hromada fills it in: its pages (one per dimension,
unscored context grouped by its top-level group), progress, questions with their answers, evidence
and open validator comments, and the workflow history.

Pure reads; the writes are in services/answers.py and services/workflow.py.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import expressions, scoring
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    AssessmentTransition,
    Evidence,
    ReturnNote,
    RoundStatus,
)
from vidnova.assessments.services.scores import form_of


def assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("round__instrument_version__instrument", "round__programme", "hromada")


def assessment_for(user: AnyUser, pk: int, action: Action = Action.VIEW) -> Assessment:
    """The assessment ``pk`` if ``user`` may see it (404 otherwise) and perform ``action`` (403)."""
    return access.get_for_user(user, assessments(), action, pk=pk)


def may_answer(user: AnyUser, assessment: Assessment) -> bool:
    """Whether ``user`` is one of those who answer this assessment (hromada editors, programme staff),
    whatever its current state: the rest (viewers, partner experts) get 403 on every write."""
    probe = copy.copy(assessment)
    probe.state = AssessmentState.IN_PROGRESS
    return access.can(user, Action.EDIT, probe)


def is_editable(user: AnyUser, assessment: Assessment) -> bool:
    """Whether ``user`` can change answers now (the round is open and the assessment not submitted)."""
    return assessment.round.status == RoundStatus.OPEN and access.can(user, Action.EDIT, assessment)


# --- pages ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    label: Mapping[str, str]
    is_dimension: bool
    field: int | None
    parent_label: Mapping[str, str] | None
    questions: list[str] = dataclasses.field(default_factory=list)

    @property
    def title(self) -> str:
        return answer_rules.text_in_language(self.label, default=self.name)

    @property
    def section(self) -> str:
        return answer_rules.text_in_language(self.parent_label) if self.parent_label else ""


_PAGES: dict[tuple[int, str], list[Page]] = {}


def pages_of(definition: Mapping[str, Any]) -> list[Page]:
    """The pages of a definition in form order.

    A dimension group is a page. Questions outside every dimension belong to the highest group of
    their chain that holds no dimension (the unscored context section becomes one page); questions
    directly in a container of dimensions (field introductions) or outside every group go on the
    next page in form order (the last page when none follows).
    """
    groups = {group["name"]: group for group in definition.get("groups", ())}

    def chain(name: str | None) -> list[str]:
        names: list[str] = []
        while name and name in groups and name not in names:
            names.append(name)
            name = groups[name].get("parent")
        return names  # nearest first

    has_dimension: set[str] = set()
    for group in groups.values():
        if group.get("is_dimension"):
            has_dimension.update(chain(group["name"]))

    def page_name(question: Mapping[str, Any]) -> str | None:
        names = chain(question.get("group"))
        for name in names:
            if groups[name].get("is_dimension"):
                return name
        for name in reversed(names):  # highest first
            if name not in has_dimension:
                return name
        return None

    pages: dict[str, Page] = {}
    waiting: list[str] = []
    for question in definition.get("questions", ()):
        name = page_name(question)
        if name is None:
            waiting.append(question["name"])
            continue
        page = pages.get(name)
        if page is None:
            group = groups[name]
            parent = groups.get(group.get("parent") or "")
            page = pages[name] = Page(
                name=name,
                label=group.get("label") or {},
                is_dimension=bool(group.get("is_dimension")),
                field=group.get("field"),
                parent_label=parent.get("label") if parent else None,
            )
        page.questions.extend(waiting)
        waiting = []
        page.questions.append(question["name"])
    result = list(pages.values())
    if waiting:
        if result:
            result[-1].questions.extend(waiting)
        else:
            result.append(Page(name="questions", label={}, is_dimension=False, field=None, parent_label=None))
            result[0].questions.extend(waiting)
    return result


def pages_for(assessment: Assessment) -> list[Page]:
    version = assessment.round.instrument_version
    key = (version.pk, version.content_hash)
    pages = _PAGES.get(key)
    if pages is None:
        if len(_PAGES) > 64:
            _PAGES.clear()
        pages = _PAGES[key] = pages_of(version.definition)
    return pages


def page_of_question(pages: Sequence[Page], question: str) -> Page | None:
    return next((page for page in pages if question in page.questions), None)


# --- progress ---------------------------------------------------------------------------------


@dataclass
class PageProgress:
    answered: int
    applicable: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.applicable) if self.applicable else 100


@dataclass
class Progress:
    required_answered: int
    required_total: int
    pages: dict[str, PageProgress]

    @property
    def percent(self) -> int:
        return round(100 * self.required_answered / self.required_total) if self.required_total else 100

    def as_dict(self, page: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "percent": self.percent,
            "required_answered": self.required_answered,
            "required_total": self.required_total,
        }
        if page and page in self.pages:
            data["page"] = {
                "name": page,
                "answered": self.pages[page].answered,
                "applicable": self.pages[page].applicable,
            }
        return data


def relevant_names(form: answer_rules.Form, answers: Mapping[str, str]) -> set[str]:
    _kept, relevant = scoring.applicable_answers(form.prepared, answers)
    return set(relevant)


def progress(form: answer_rules.Form, pages: Sequence[Page], answers: Mapping[str, str]) -> Progress:
    """Required questions answered (of those asked with these answers) and, per page, the questions
    answered of those asked."""
    relevant = relevant_names(form, answers)
    answerable = {q["name"] for q in form.answerable()}
    required = [
        name for name in form.order if name in answerable and name in relevant and form.questions[name].get("required")
    ]
    per_page = {}
    for page in pages:
        asked = [name for name in page.questions if name in answerable and name in relevant]
        per_page[page.name] = PageProgress(
            answered=sum(1 for name in asked if answers.get(name)), applicable=len(asked)
        )
    return Progress(
        required_answered=sum(1 for name in required if answers.get(name)),
        required_total=len(required),
        pages=per_page,
    )


# --- questions of a page ------------------------------------------------------------------------


@dataclass
class ChoiceView:
    name: str
    label: str
    shown: bool


@dataclass
class QuestionView:
    name: str
    type: str
    label: str
    hint: str
    required: bool
    relevant: bool
    scored: bool
    rubric: list[tuple[str, str]]
    source: str
    source_note: str
    constraint_message: str
    choices: list[ChoiceView]
    answer: Answer | None
    value: str  # what the input shows (the stored value, or what was typed when it was refused)
    comment: str
    version: int
    original_value: str  # the stored value the page was built from
    original_comment: str
    evidence: list[Evidence]
    notes: list[ReturnNote]
    error: str = ""
    conflict: dict[str, Any] | None = None

    @property
    def is_note(self) -> bool:
        return self.type == "note"

    @property
    def selected(self) -> set[str]:
        return set(self.value.split())

    @property
    def value_display(self) -> str:
        """The answer as text (choice labels for select questions)."""
        if self.type in {"select_one", "select_multiple"}:
            labels = {choice.name: choice.label for choice in self.choices}
            return "; ".join(labels.get(token, token) for token in self.value.split())
        return self.value

    def label_of(self, value: str) -> str:
        if self.type in {"select_one", "select_multiple"}:
            labels = {choice.name: choice.label for choice in self.choices}
            return "; ".join(labels.get(token, token) for token in value.split())
        return value


def answer_rows(assessment: Assessment) -> dict[str, Answer]:
    return {
        answer.question: answer for answer in Answer.objects.filter(assessment=assessment).select_related("answered_by")
    }


def open_notes(assessment: Assessment) -> list[ReturnNote]:
    return list(ReturnNote.objects.filter(assessment=assessment, resolved_at__isnull=True).select_related("created_by"))


def transitions(assessment: Assessment) -> list[AssessmentTransition]:
    return list(AssessmentTransition.objects.filter(assessment=assessment).select_related("actor"))


def question_views(
    form: answer_rules.Form,
    page: Page,
    rows: Mapping[str, Answer],
    *,
    assessment: Assessment,
    notes: Sequence[ReturnNote],
) -> list[QuestionView]:
    values = {name: row.value for name, row in rows.items()}
    relevant = relevant_names(form, values)
    evidence: dict[str, list[Evidence]] = {}
    for item in Evidence.objects.filter(
        answer__assessment=assessment, answer__question__in=page.questions
    ).select_related("answer"):
        evidence.setdefault(item.answer.question, []).append(item)
    views = []
    for name in page.questions:
        question = form.questions[name]
        row = rows.get(name)
        choices = [
            ChoiceView(
                name=str(choice["name"]),
                label=answer_rules.text_in_language(choice.get("label"), default=str(choice["name"])),
                shown=_choice_shown(question, choice, values),
            )
            for choice in form.choices(question)
        ]
        rubric_texts = answer_rules.text_in_language(question.get("rubric")) if question.get("rubric") else {}
        rubric: list[tuple[str, str]] = []
        if isinstance(rubric_texts, Mapping):
            rubric = sorted(((str(level), str(text)) for level, text in rubric_texts.items()), key=lambda item: item[0])
        views.append(
            QuestionView(
                name=name,
                type=question["type"],
                label=answer_rules.question_label(question),
                hint=answer_rules.text_in_language(question.get("hint")),
                required=bool(question.get("required")),
                relevant=_note_relevant(question, values) if question["type"] == "note" else name in relevant,
                scored=bool(question.get("scored")),
                rubric=rubric,
                source=question.get("source") or "",
                source_note=question.get("source_note") or "",
                constraint_message=answer_rules.text_in_language(question.get("constraint_message")),
                choices=choices,
                answer=row,
                value=row.value if row else "",
                comment=row.comment if row else "",
                version=row.version if row else 0,
                original_value=row.value if row else "",
                original_comment=row.comment if row else "",
                evidence=evidence.get(name, []),
                notes=[note for note in notes if note.question == name],
            )
        )
    return views


def _choice_shown(question: Mapping[str, Any], choice: Mapping[str, Any], answers: Mapping[str, str]) -> bool:
    try:
        return bool(expressions.choice_ok(question, choice, answers))
    except Exception:  # a broken filter shows the choice rather than hiding it
        return True


def _note_relevant(question: Mapping[str, Any], answers: Mapping[str, str]) -> bool:
    try:
        return expressions.relevant(question, answers)
    except Exception:
        return True


def client_rules(form: answer_rules.Form, page: Page, answers: Mapping[str, str]) -> dict[str, Any]:
    """What fill.js needs to apply the rules live: the page's questions (compiled rules, messages in
    the active language), their choice lists and every current answer of the assessment."""
    questions = []
    lists: set[str] = set()
    for name in page.questions:
        question = form.questions[name]
        if question.get("list"):
            lists.add(question["list"])
        questions.append(
            {
                "name": name,
                "type": question["type"],
                "relevant": question.get("relevant"),
                "constraint": question.get("constraint"),
                "constraint_message": answer_rules.text_in_language(question.get("constraint_message")),
                "choice_filter": question.get("choice_filter"),
                "list": question.get("list"),
            }
        )
    choices = {
        name: [
            {
                "name": str(choice["name"]),
                "label": answer_rules.text_in_language(choice.get("label"), default=str(choice["name"])),
                "extra": choice.get("extra") or {},
            }
            for choice in (form.definition.get("choices") or {}).get(name, ())
        ]
        for name in sorted(lists)
    }
    return {"questions": questions, "choices": choices, "answers": dict(answers)}


def form_for_assessment(assessment: Assessment) -> answer_rules.Form:
    return form_of(assessment.round.instrument_version)
