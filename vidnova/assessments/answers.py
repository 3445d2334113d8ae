"""Checking answers against a compiled instrument definition: type, choices, choice filter,
constraint, required. Pure functions (no database), shared by the online form, the API and the
Kobo/ODK import, so an answer is judged the same way wherever it comes from.

Values are stored as the form stores them (ODK's conventions): choice names, several separated by a
space for ``select_multiple``; integers and decimals as text with a dot; dates as ``YYYY-MM-DD``.
Messages are in the active language; a violated constraint shows the form's own
``constraint_message`` in that language when the form has one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vidnova.assessments import expressions, scoring

MAX_TEXT_LENGTH = 10_000
ANSWERABLE_TYPES = frozenset({"select_one", "select_multiple", "integer", "decimal", "text", "date"})
_INTEGER = re.compile(r"^-?\d{1,15}$")
_DECIMAL = re.compile(r"^-?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})$")


class AnswerInvalid(ValueError):
    """An answer the question refuses; ``message`` is ready to show next to the question."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.message = message


@dataclass(frozen=True)
class Form:
    """A definition indexed for answering: questions by name, in form order."""

    definition: Mapping[str, Any]
    questions: Mapping[str, Mapping[str, Any]]
    order: tuple[str, ...]
    prepared: scoring.PreparedDefinition

    def question(self, name: str) -> Mapping[str, Any]:
        try:
            return self.questions[name]
        except KeyError:
            raise AnswerInvalid(name, _("The questionnaire has no question “%(name)s”.") % {"name": name}) from None

    def choices(self, question: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
        choices: Sequence[Mapping[str, Any]] = (self.definition.get("choices") or {}).get(
            question.get("list") or "", ()
        )
        return choices

    def answerable(self) -> list[Mapping[str, Any]]:
        return [self.questions[name] for name in self.order if self.questions[name]["type"] in ANSWERABLE_TYPES]


def form_for(definition: Mapping[str, Any]) -> Form:
    questions = {q["name"]: q for q in definition.get("questions", ())}
    return Form(
        definition=definition,
        questions=questions,
        order=tuple(questions),
        prepared=scoring.prepare(definition),
    )


def text_in_language(texts: Mapping[str, str] | None, language: str | None = None, default: str = "") -> str:
    """A label, hint or message in the active language, falling back to the form's default and then
    to any language it has."""
    if not texts:
        return default
    language = (language or get_language() or "uk")[:2]
    return texts.get(language) or texts.get("uk") or texts.get("en") or next(iter(texts.values()), default)


def question_label(question: Mapping[str, Any], language: str | None = None) -> str:
    return text_in_language(question.get("label"), language, question["name"])


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        return " ".join(str(item).strip() for item in raw if str(item).strip())
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def clean_value(form: Form, name: str, raw: Any, answers: Mapping[str, Any]) -> str:
    """The value to store for question ``name``, or AnswerInvalid naming what is wrong.

    ``answers`` are the assessment's other answers (choice filters and constraints read them). An
    empty value is always accepted here: whether a required question is answered is checked on
    submission (``missing_required``), so a half-filled form can be saved.
    """
    question = form.question(name)
    kind = question["type"]
    if kind not in ANSWERABLE_TYPES:
        raise AnswerInvalid(name, _("This item is a note and takes no answer."))
    text = _as_text(raw)
    if not text:
        return ""
    if kind == "integer":
        candidate = text.replace(" ", "").replace("\u00a0", "")
        if not _INTEGER.match(candidate):
            raise AnswerInvalid(name, _("Enter a whole number, for example 120."))
        text = str(int(candidate))
    elif kind == "decimal":
        candidate = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not _DECIMAL.match(candidate):
            raise AnswerInvalid(name, _("Enter a number, for example 12.5."))
        try:
            text = format(Decimal(candidate).normalize(), "f")
        except InvalidOperation:  # pragma: no cover - the pattern already refuses it
            raise AnswerInvalid(name, _("Enter a number, for example 12.5.")) from None
    elif kind == "date":
        try:
            text = datetime.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise AnswerInvalid(name, _("Enter a date as YYYY-MM-DD, for example 2026-03-15.")) from None
    elif kind == "text":
        if len(text) > MAX_TEXT_LENGTH:
            raise AnswerInvalid(
                name,
                _("The answer is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(text), "limit": MAX_TEXT_LENGTH},
            )
    else:
        text = _clean_choices(form, question, text, answers)
    if not expressions.constraint_ok(question, answers, text):
        message = text_in_language(question.get("constraint_message"))
        raise AnswerInvalid(name, message or _("This answer does not meet the question’s condition."))
    return text


def _clean_choices(form: Form, question: Mapping[str, Any], text: str, answers: Mapping[str, Any]) -> str:
    name = question["name"]
    choices = {str(choice["name"]): choice for choice in form.choices(question)}
    tokens = list(dict.fromkeys(text.split()))
    if question["type"] == "select_one" and len(tokens) > 1:
        raise AnswerInvalid(name, _("Choose one answer only."))
    for token in tokens:
        choice = choices.get(token)
        if choice is None:
            raise AnswerInvalid(
                name,
                _("“%(value)s” is not one of the answers to this question (%(allowed)s).")
                % {"value": token, "allowed": ", ".join(choices)},
            )
        if not expressions.choice_ok(question, choice, answers):
            raise AnswerInvalid(
                name,
                _("“%(value)s” is not available with the answers given to earlier questions.") % {"value": token},
            )
    return " ".join(tokens)


def relevant_questions(form: Form, answers: Mapping[str, Any]) -> set[str]:
    """Names of the questions shown for these answers (answers of hidden questions dropped first)."""
    _kept, relevant = scoring.applicable_answers(form.prepared, answers)
    return relevant


def missing_required(form: Form, answers: Mapping[str, Any]) -> list[str]:
    """Relevant required questions without an answer, in form order."""
    relevant = relevant_questions(form, answers)
    return [
        q["name"]
        for q in form.answerable()
        if q.get("required") and q["name"] in relevant and not _as_text(answers.get(q["name"]))
    ]


def invalid_answers(form: Form, answers: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, str]:
    """Answers that fail their checks on the final answers (a later change can break an earlier
    constraint), as {question: message}. Hidden questions are not checked: their answers do not count."""
    relevant = relevant_questions(form, answers)
    problems: dict[str, str] = {}
    for name in names if names is not None else form.order:
        if name not in relevant or name not in form.questions:
            continue
        value = answers.get(name)
        if not _as_text(value):
            continue
        others = {key: val for key, val in answers.items() if key != name}
        try:
            clean_value(form, name, value, others)
        except AnswerInvalid as problem:
            problems[name] = problem.message
    return problems
