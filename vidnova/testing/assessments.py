"""Complete, valid answers to any instrument, for tests and benchmarks.

``generated_answers`` walks the form in order and gives each relevant question the first candidate
value its own checks accept (type, choices, choice filter, constraint), so the answers pass
submission. ``level`` picks the point on each scored question's scale (0.0 = lowest choice, 1.0 =
highest), which lets a test set a dimension's score.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from vidnova.assessments import answers as answer_rules

_INTEGERS = ("25", "120", "1500", "12000", "2030", "3", "1", "0")
_DECIMALS = ("12.5", "1500.75", "40", "0.5", "1")
_DATES = ("2026-11-01", "2026-06-30", "2027-01-15")


def _candidates(form: answer_rules.Form, question: Mapping[str, Any], level: float, rng: random.Random) -> list[str]:
    kind = question["type"]
    if kind == "integer":
        return list(_INTEGERS)
    if kind == "decimal":
        return list(_DECIMALS)
    if kind == "date":
        return list(_DATES)
    if kind == "text":
        return ["Тестова відповідь"]
    names = [str(choice["name"]) for choice in form.choices(question)]
    if not names:
        return []
    if question.get("scored"):
        scores = {str(c["name"]): float(c.get("score") or 0) for c in form.choices(question)}
        ordered = sorted(names, key=lambda n: scores[n])
        index = min(len(ordered) - 1, max(0, round(level * (len(ordered) - 1))))
        preferred = ordered[index]
        if kind == "select_multiple":
            upto = [n for n in ordered if scores[n] > 0][: max(0, index)]
            return [" ".join(upto) or ordered[0], ordered[0]]
        return [preferred, *ordered]
    shuffled = names[:]
    rng.shuffle(shuffled)
    if kind == "select_multiple":
        return [shuffled[0], *shuffled[1:]]
    return shuffled


def generated_answers(
    definition: Mapping[str, Any],
    *,
    level: float | Callable[[Mapping[str, Any]], float] = 0.5,
    seed: int = 1,
    skip: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Valid answers for every relevant answerable question of ``definition``."""
    form = answer_rules.form_for(definition)
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    answers: dict[str, str] = {}
    for question in form.answerable():
        name = question["name"]
        if name in skip:
            continue
        if name not in answer_rules.relevant_questions(form, answers):
            continue
        wanted = level(question) if callable(level) else level
        for candidate in _candidates(form, question, wanted, rng):
            try:
                answers[name] = answer_rules.clean_value(form, name, candidate, answers)
                break
            except answer_rules.AnswerInvalid:
                continue
    return answers
