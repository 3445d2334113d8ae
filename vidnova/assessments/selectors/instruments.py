"""Reads of assessment instruments for pages and the API.

Instruments are public documents. ``instruments()`` costs two queries however many instruments and
versions there are (the definitions, which are large, are not loaded for lists); ``instrument_outline``
turns a version's compiled definition into what the preview page shows, in one language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova.assessments import expressions
from vidnova.assessments.models import Instrument, InstrumentVersion

# Fields of a version that lists need; everything but the definition.
SUMMARY_FIELDS = (
    "id",
    "instrument_id",
    "number",
    "form_version",
    "content_hash",
    "source_name",
    "languages",
    "dimension_count",
    "question_count",
    "scored_question_count",
    "created_at",
)


def version_summaries() -> QuerySet[InstrumentVersion]:
    """Versions without their (large) definition, newest first."""
    return InstrumentVersion.objects.only(*SUMMARY_FIELDS).order_by("-number")


def instruments() -> QuerySet[Instrument]:
    """Every instrument with its versions (newest first, without definitions) in ``version_list``;
    the default instrument first."""
    return Instrument.objects.prefetch_related(
        Prefetch("versions", queryset=version_summaries(), to_attr="version_list")
    ).order_by("-is_default", "name_uk")


def instrument_by_code(code: str) -> QuerySet[Instrument]:
    """A queryset holding the instrument with this form identifier (for access.get_for_user)."""
    return instruments().filter(code=code)


def latest_version(instrument: Instrument) -> InstrumentVersion | None:
    """The newest version of an instrument from ``instruments()`` (its prefetched versions)."""
    versions: list[InstrumentVersion] | None = getattr(instrument, "version_list", None)
    if versions is None:
        versions = list(version_summaries().filter(instrument=instrument)[:1])
    return versions[0] if versions else None


def instrument_version(instrument: Instrument, number: int | None = None) -> InstrumentVersion:
    """Version ``number`` of the instrument (the newest when None), with its definition; Http404 if none."""
    versions = instrument.versions.order_by("-number")
    version = versions.first() if number is None else versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


# --- the questionnaire, readable -----------------------------------------------------------------

TYPE_LABELS: dict[str, Promise] = {
    "select_one": _("one choice"),
    "select_multiple": _("several choices"),
    "integer": _("whole number"),
    "decimal": _("number"),
    "text": _("text"),
    "date": _("date"),
    "note": _("note (no answer)"),
}


@dataclass(frozen=True)
class ChoiceView:
    name: str
    label: str
    score: str | None


@dataclass(frozen=True)
class QuestionView:
    name: str
    type: str
    label: str
    hint: str
    required: bool
    scored: bool
    weight: str
    maximum: str | None
    list_name: str | None
    choices: list[ChoiceView]
    rubric: list[tuple[str, str]]
    source: str
    source_note: str
    relevant: str
    constraint: str
    constraint_message: str
    choice_filter: str
    row: int | None

    @property
    def type_label(self) -> str:
        label = TYPE_LABELS.get(self.type)
        return str(label) if label is not None else self.type


@dataclass(frozen=True)
class DimensionView:
    name: str
    label: str
    weight: str
    relevant: str
    source: str
    questions: list[QuestionView]

    @property
    def scored_count(self) -> int:
        return sum(1 for question in self.questions if question.scored)


@dataclass(frozen=True)
class FieldView:
    number: int
    label: str
    dimensions: list[DimensionView]
    questions: list[QuestionView]  # in the field's group but outside its dimensions (notes)


@dataclass(frozen=True)
class SectionView:
    """Questions outside the dimensions (context questions, notes), by their group."""

    name: str
    label: str
    relevant: str
    questions: list[QuestionView]


@dataclass
class Outline:
    language: str
    title: str
    languages: list[str]
    intro: list[QuestionView] = field(default_factory=list)  # outside every group (notes)
    fields: list[FieldView] = field(default_factory=list)
    sections: list[SectionView] = field(default_factory=list)


def outline_language(definition: Mapping[str, Any], language: str | None = None) -> str:
    """The interface language if the form has texts in it, otherwise the form's default language."""
    wanted = (language or get_language() or "uk")[:2]
    languages: list[str] = list(definition.get("languages") or [])
    return wanted if wanted in languages else str(definition.get("default_language") or wanted)


def _text(texts: Mapping[str, Any] | None, language: str, default: str) -> str:
    if not texts:
        return ""
    value = texts.get(language) or texts.get(default)
    if not value:
        value = next((text for text in texts.values() if text), "")
    return str(value)


def _rule(expr: Any) -> str:
    return expressions.unparse(expr) if expr else ""


def _question(question: Mapping[str, Any], choices: Mapping[str, Any], language: str, default: str) -> QuestionView:
    list_name = question.get("list")
    rubric_texts = question.get("rubric") or {}
    rubric: Mapping[str, Any] = (
        rubric_texts.get(language) or rubric_texts.get(default) or next(iter(rubric_texts.values()), {})
    )
    own_relevant = question["own_relevant"] if "own_relevant" in question else question.get("relevant")
    return QuestionView(
        name=question["name"],
        type=question["type"],
        label=_text(question.get("label"), language, default),
        hint=_text(question.get("hint"), language, default),
        required=bool(question.get("required")),
        scored=bool(question.get("scored")),
        weight=str(question.get("weight") or "1"),
        maximum=question.get("max"),
        list_name=list_name,
        choices=[
            ChoiceView(
                name=choice["name"], label=_text(choice.get("label"), language, default), score=choice.get("score")
            )
            for choice in (choices.get(list_name) or [] if list_name else [])
        ],
        rubric=sorted(((str(level), str(text)) for level, text in rubric.items()), key=lambda item: int(item[0])),
        source=question.get("source") or "",
        source_note=question.get("source_note") or "",
        relevant=_rule(own_relevant),
        constraint=_rule(question.get("constraint")),
        constraint_message=_text(question.get("constraint_message"), language, default),
        choice_filter=_rule(question.get("choice_filter")),
        row=question.get("row"),
    )


def instrument_outline(definition: Mapping[str, Any], language: str | None = None) -> Outline:
    """The questionnaire of a compiled definition, in ``language`` (default: the interface's; texts
    missing in it fall back to the form's default language): dimensions grouped by field with their
    questions, the questions outside the dimensions by group, and the notes outside every group; rules
    printed back as XLSForm text."""
    default = str(definition.get("default_language") or "uk")
    language = outline_language(definition, language)
    choices: Mapping[str, Any] = definition.get("choices") or {}
    groups = {group["name"]: group for group in definition.get("groups") or []}
    outline = Outline(
        language=language,
        title=_text(definition.get("title"), language, default) or str(definition.get("form_id", "")),
        languages=list(definition.get("languages") or []),
    )
    field_of_group = {
        group["parent"]: int(group.get("field") or 0)
        for group in groups.values()
        if group.get("is_dimension") and group.get("parent")
    }
    dimension_questions: dict[str, list[QuestionView]] = {}
    field_questions: dict[int, list[QuestionView]] = {}
    section_questions: dict[str, list[QuestionView]] = {}
    for question in definition.get("questions") or []:
        view = _question(question, choices, language, default)
        group_name = question.get("group") or ""
        if question.get("dimension"):
            dimension_questions.setdefault(question["dimension"], []).append(view)
        elif not group_name:
            outline.intro.append(view)
        elif group_name in field_of_group:
            field_questions.setdefault(field_of_group[group_name], []).append(view)
        else:
            section_questions.setdefault(group_name, []).append(view)

    fields: dict[int, FieldView] = {}
    for group in groups.values():
        if not group.get("is_dimension"):
            continue
        number = int(group.get("field") or 0)
        if number not in fields:
            parent = groups.get(group.get("parent") or "")
            fields[number] = FieldView(
                number=number,
                label=_text(parent.get("label"), language, default) if parent else "",
                dimensions=[],
                questions=field_questions.get(number, []),
            )
        fields[number].dimensions.append(
            DimensionView(
                name=group["name"],
                label=_text(group.get("label"), language, default) or group["name"],
                weight=str(group.get("weight") or "1"),
                relevant=_rule(group.get("relevant")),
                source=group.get("source") or "",
                questions=dimension_questions.get(group["name"], []),
            )
        )
    outline.fields = [fields[number] for number in sorted(fields)]
    for name, questions in section_questions.items():
        group = groups.get(name, {})
        outline.sections.append(
            SectionView(
                name=name,
                label=_text(group.get("label"), language, default),
                relevant=_rule(group.get("relevant")),
                questions=questions,
            )
        )
    return outline
