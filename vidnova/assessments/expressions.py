"""The XLSForm expression subset of ``relevant``, ``constraint`` and ``choice_filter``.

``parse`` turns an expression into a JSON tree (stored in ``InstrumentVersion.definition``);
``evaluate`` runs the tree on the server; ``static/assessments/rules.js`` runs the same tree in the
browser with the same rules, and ``tests/expression_cases.json`` proves that both agree.

The trees (docs/assessment-xlsform.md, section 3)::

    {"lit": 3} / {"lit": "yes"}        a number or a string literal
    {"ref": "name"}                    ${name}: another question's answer
    {"self": true}                     .: the answer being checked (constraints)
    {"col": "hazard_group"}            a bare name: a column of the choice (choice_filter only)
    {"op": "and" | "or", "args": [a, b, ...]}
    {"op": "not", "args": [a]}
    {"op": "=" | "!=" | "<" | "<=" | ">" | ">=", "args": [a, b]}
    {"op": "+" | "-" | "*" | "div" | "mod", "args": [a, b]}     (unary minus is 0 - x)
    {"fn": "selected", "args": [a, b]} / {"fn": "count-selected", "args": [a]}

Semantics (XPath 1.0 as ODK applies it, restricted to this subset):

- Values are strings, numbers (floats) or booleans. An answer is a string ("" when missing or
  ``None``), a number when the caller stores a number, and a list is joined with spaces (a
  ``select_multiple`` answer is a space-separated string).
- ``=`` / ``!=``: booleans if either side is a boolean; numbers if both sides look numeric
  (``"2.50" = 2.5``); a number against a non-numeric string is never equal; otherwise strings.
- ``<``, ``<=``, ``>``, ``>=``: numbers if both sides look numeric (booleans count as 1/0); a number
  against a non-numeric string is false; two strings compare by code point (ISO dates order
  correctly), but an empty string on either side makes the comparison false, so ``${n} > 0`` and
  ``${n} < 5`` are both false while ``n`` is unanswered.
- Arithmetic converts to numbers; an empty or non-numeric operand gives NaN, division or ``mod`` by
  zero gives NaN, and every comparison with NaN is false (``!=`` true), so a constraint that divides
  by zero is not satisfied instead of crashing.
- As booleans: the empty string is false and any other string true (so the string ``"0"`` is true, as
  in XPath: write ``${n} > 0``); the number 0 and NaN are false.
- ``selected(a, b)``: ``b`` (trimmed) is one of the space-separated tokens of ``a``;
  ``count-selected(a)``: how many tokens ``a`` has.
- A reference to an unknown question or column evaluates to "".
- Constraints are not checked on an empty answer (ODK does the same); ``required`` covers that.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeAlias

from django.utils.translation import gettext

Expr: TypeAlias = dict[str, Any]

__all__ = [
    "COMPARISONS",
    "FUNCTIONS",
    "Expr",
    "ExpressionError",
    "choice_ok",
    "columns",
    "constraint_ok",
    "evaluate",
    "parse",
    "references",
    "relevant",
    "to_boolean",
    "unparse",
    "uses_self",
]

# Function name → number of arguments. ``not`` is a function in XPath but a logical op in the tree.
FUNCTIONS: dict[str, int] = {"not": 1, "selected": 2, "count-selected": 1}
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
_WORD_OPERATORS = frozenset({"and", "or", "div", "mod"})

# Precedence, lowest first (XPath 1.0): or, and, equality, relational, additive, multiplicative.
_PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
_PRIMARY = 9

_NUMBER_RE = re.compile(r"[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*")
_TOKEN_SPLIT_RE = re.compile(r"[ \t\r\n]+")
_NAME_RE = re.compile(r"[^\W\d][\w.\-]*")
_SPACE = " \t\r\n"


class ExpressionError(ValueError):
    """An expression that does not parse (or a tree that cannot be printed or evaluated).

    ``message`` is translated and already names the place; ``position`` is the 1-based character
    where the problem is, or ``None`` when it is not tied to one character.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --- tokenizer --------------------------------------------------------------------------------

# Token kinds: "ref", "num", "str", "self", "name", "fn", "op", "(", ")", ",", "end".
_Token: TypeAlias = tuple[str, Any, int]  # kind, value, 1-based position

_OPERAND_END = frozenset({"ref", "num", "str", "self", "name", ")"})


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        pos = i + 1
        if ch in _SPACE:
            i += 1
            continue
        if text.startswith("${", i):
            end = text.find("}", i + 2)
            if end < 0:
                raise ExpressionError(
                    gettext("unclosed reference “${” at character %(position)d") % {"position": pos}, pos
                )
            name = text[i + 2 : end].strip()
            if not name:
                raise ExpressionError(
                    gettext("empty reference “${}” at character %(position)d") % {"position": pos}, pos
                )
            if not _NAME_RE.fullmatch(name):
                raise ExpressionError(
                    gettext("“%(name)s” at character %(position)d is not a valid question name")
                    % {"name": name, "position": pos},
                    pos,
                )
            tokens.append(("ref", name, pos))
            i = end + 1
            continue
        if (ch.isascii() and ch.isdigit()) or (
            ch == "." and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit()
        ):
            match = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+").match(text, i)
            assert match is not None  # noqa: S101 - the first character is a digit or ".digit"
            literal = match.group()
            value: int | float = float(literal) if "." in literal else int(literal)
            tokens.append(("num", value, pos))
            i = match.end()
            continue
        if ch == ".":
            if text.startswith("..", i):
                raise ExpressionError(
                    gettext("“..” at character %(position)d is not supported") % {"position": pos}, pos
                )
            tokens.append(("self", True, pos))
            i += 1
            continue
        if ch in "'\"":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ExpressionError(
                    gettext("unclosed string starting at character %(position)d") % {"position": pos}, pos
                )
            tokens.append(("str", text[i + 1 : end], pos))
            i = end + 1
            continue
        if text.startswith(("!=", "<=", ">="), i):
            tokens.append(("op", text[i : i + 2], pos))
            i += 2
            continue
        if ch in "=<>+-*":
            tokens.append(("op", ch, pos))
            i += 1
            continue
        if ch in "(),":
            tokens.append((ch, ch, pos))
            i += 1
            continue
        name_match = _NAME_RE.match(text, i)
        if name_match:
            word = name_match.group()
            j = name_match.end()
            while j < n and text[j] in _SPACE:
                j += 1
            after_operand = bool(tokens) and tokens[-1][0] in _OPERAND_END
            if word in _WORD_OPERATORS and after_operand:
                tokens.append(("op", word, pos))
            elif j < n and text[j] == "(":
                tokens.append(("fn", word, pos))
            else:
                tokens.append(("name", word, pos))
            i = name_match.end()
            continue
        raise ExpressionError(
            gettext("unexpected character “%(character)s” at character %(position)d")
            % {"character": ch, "position": pos},
            pos,
        )
    tokens.append(("end", None, len(text) + 1))
    return tokens


# --- parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, *, choice_filter: bool) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.choice_filter = choice_filter

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_op(self, *ops: str) -> bool:
        kind, value, _ = self.peek()
        return kind == "op" and value in ops

    def parse(self) -> Expr:
        if self.peek()[0] == "end":
            raise ExpressionError(gettext("the expression is empty"), None)
        expr = self.logical("or")
        kind, _, pos = self.peek()
        if kind != "end":
            if kind == ")":
                raise ExpressionError(
                    gettext("unexpected closing parenthesis at character %(position)d") % {"position": pos}, pos
                )
            raise ExpressionError(
                gettext("unexpected %(token)s at character %(position)d: expected an operator")
                % {"token": _describe(self.peek()), "position": pos},
                pos,
            )
        return expr

    def logical(self, op: str) -> Expr:
        args = [self._logical_operand(op)]
        while self.at_op(op):
            self.take()
            args.append(self._logical_operand(op))
        return args[0] if len(args) == 1 else {"op": op, "args": args}

    def _logical_operand(self, op: str) -> Expr:
        return self.logical("and") if op == "or" else self.equality()

    def binary(self, ops: tuple[str, ...], operand: Callable[[], Expr]) -> Expr:
        left: Expr = operand()
        while self.at_op(*ops):
            op = self.take()[1]
            left = {"op": op, "args": [left, operand()]}
        return left

    def equality(self) -> Expr:
        return self.binary(("=", "!="), self.relational)

    def relational(self) -> Expr:
        return self.binary(("<", "<=", ">", ">="), self.additive)

    def additive(self) -> Expr:
        return self.binary(("+", "-"), self.multiplicative)

    def multiplicative(self) -> Expr:
        return self.binary(("*", "div", "mod"), self.unary)

    def unary(self) -> Expr:
        if self.at_op("-"):
            self.take()
            operand = self.unary()
            lit = operand.get("lit")
            if "lit" in operand and isinstance(lit, int | float) and not isinstance(lit, bool):
                return {"lit": -lit}
            return {"op": "-", "args": [{"lit": 0}, operand]}
        return self.primary()

    def primary(self) -> Expr:
        kind, value, pos = self.take()
        if kind == "num" or kind == "str":
            return {"lit": value}
        if kind == "ref":
            return {"ref": value}
        if kind == "self":
            return {"self": True}
        if kind == "(":
            expr = self.logical("or")
            if self.peek()[0] != ")":
                self._missing_parenthesis(pos)
            self.take()
            return expr
        if kind == "fn":
            return self.call(value, pos)
        if kind == "name":
            if value in _WORD_OPERATORS:
                raise ExpressionError(
                    gettext("“%(name)s” at character %(position)d needs a value before it")
                    % {"name": value, "position": pos},
                    pos,
                )
            if not self.choice_filter:
                raise ExpressionError(
                    gettext("unexpected name “%(name)s” at character %(position)d: refer to a question as ${%(name)s}")
                    % {"name": value, "position": pos},
                    pos,
                )
            return {"col": value}
        if kind == "end":
            raise ExpressionError(gettext("the expression ends too early: a value is missing"), pos)
        raise ExpressionError(
            gettext("unexpected %(token)s at character %(position)d: expected a value")
            % {"token": _describe((kind, value, pos)), "position": pos},
            pos,
        )

    def call(self, name: str, pos: int) -> Expr:
        if name not in FUNCTIONS:
            raise ExpressionError(
                gettext("unknown function “%(name)s” at character %(position)d") % {"name": name, "position": pos}, pos
            )
        self.take()  # "("
        args: list[Expr] = []
        if self.peek()[0] != ")":
            args.append(self.logical("or"))
            while self.peek()[0] == ",":
                self.take()
                args.append(self.logical("or"))
        if self.peek()[0] != ")":
            if self.peek()[0] == "end":
                self._missing_parenthesis(pos)
            token = self.peek()
            raise ExpressionError(
                gettext("unexpected %(token)s at character %(position)d in the arguments of “%(name)s”")
                % {"token": _describe(token), "position": token[2], "name": name},
                token[2],
            )
        self.take()
        expected = FUNCTIONS[name]
        if len(args) != expected:
            raise ExpressionError(
                gettext("function “%(name)s” at character %(position)d takes %(expected)d argument(s), not %(count)d")
                % {"name": name, "position": pos, "expected": expected, "count": len(args)},
                pos,
            )
        if name == "not":
            return {"op": "not", "args": args}
        return {"fn": name, "args": args}

    def _missing_parenthesis(self, pos: int) -> None:
        raise ExpressionError(
            gettext("missing closing parenthesis for the one opened at character %(position)d") % {"position": pos},
            pos,
        )


def _describe(token: _Token) -> str:
    kind, value, _ = token
    if kind == "ref":
        return f"“${{{value}}}”"
    if kind == "str":
        return f"“'{value}'”"
    if kind == "self":
        return "“.”"
    if kind == "end":
        return gettext("end of the expression")
    return f"“{value}”"


def parse(text: str, *, choice_filter: bool = False) -> Expr:
    """Parse ``text`` into a tree; ``choice_filter=True`` allows bare names (choice columns).

    Raises ``ExpressionError`` naming what is wrong and at which character.
    """
    return _Parser(text, choice_filter=choice_filter).parse()


# --- walking ----------------------------------------------------------------------------------


def _walk(expr: Expr) -> list[Expr]:
    nodes = [expr]
    for arg in expr.get("args", ()):
        nodes.extend(_walk(arg))
    return nodes


def references(expr: Expr | None) -> set[str]:
    """The question names ``expr`` refers to with ``${…}``."""
    if expr is None:
        return set()
    return {node["ref"] for node in _walk(expr) if "ref" in node}


def columns(expr: Expr | None) -> set[str]:
    """The choice columns a ``choice_filter`` names with bare names."""
    if expr is None:
        return set()
    return {node["col"] for node in _walk(expr) if "col" in node}


def uses_self(expr: Expr | None) -> bool:
    """Whether ``expr`` contains ``.``."""
    return expr is not None and any("self" in node for node in _walk(expr))


# --- printing ---------------------------------------------------------------------------------


def _format_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")  # never an exponent, which XPath cannot read
    return text if "." in text else text + ".0"


def _precedence(expr: Expr) -> int:
    op = expr.get("op")
    if op is None or op == "not":
        lit = expr.get("lit")
        if isinstance(lit, int | float) and not isinstance(lit, bool) and lit < 0:
            return 7  # "-1": unary minus binds tighter than any binary operator
        return _PRIMARY
    return _PRECEDENCE[op]


def unparse(expr: Expr) -> str:
    """Print a tree back as XLSForm text; ``parse(unparse(tree)) == tree`` for trees ``parse`` made."""
    if "lit" in expr:
        value = expr["lit"]
        if isinstance(value, bool) or value is None:
            raise ExpressionError(gettext("a literal must be a number or a string"), None)
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise ExpressionError(gettext("a literal number must be finite"), None)
            return _format_number(value)
        text = str(value)
        if "'" not in text:
            return f"'{text}'"
        if '"' not in text:
            return f'"{text}"'
        raise ExpressionError(gettext("a string cannot contain both kinds of quotes"), None)
    if "ref" in expr:
        return "${" + str(expr["ref"]) + "}"
    if "self" in expr:
        return "."
    if "col" in expr:
        return str(expr["col"])
    args: list[Expr] = expr.get("args", [])
    if "fn" in expr:
        return f"{expr['fn']}({', '.join(unparse(arg) for arg in args)})"
    op = expr.get("op")
    if op == "not":
        return f"not({unparse(args[0])})"
    if op in ("and", "or"):
        # Nested and/or of the same kind are parenthesised so that printing and parsing agree.
        level = _PRECEDENCE[op]
        parts = [f"({unparse(arg)})" if _precedence(arg) <= level else unparse(arg) for arg in args]
        return f" {op} ".join(parts)
    if op in _PRECEDENCE:
        level = _PRECEDENCE[op]
        left, right = args
        left_text = unparse(left)
        right_text = unparse(right)
        if _precedence(left) < level:
            left_text = f"({left_text})"
        if _precedence(right) <= level:
            right_text = f"({right_text})"
        return f"{left_text} {op} {right_text}"
    raise ExpressionError(gettext("unknown expression node %(node)s") % {"node": expr}, None)


# --- evaluation -------------------------------------------------------------------------------


def _value(raw: Any) -> Any:
    """An answer as the evaluator sees it: a string, a number or a boolean."""
    if raw is None:
        return ""
    if isinstance(raw, bool | str):
        return raw
    if isinstance(raw, int | float | Decimal):
        return float(raw)
    if isinstance(raw, list | tuple):
        return " ".join(str(item) for item in raw)
    return str(raw)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _looks_numeric(value: Any) -> bool:
    return _is_number(value) or (isinstance(value, str) and _NUMBER_RE.fullmatch(value) is not None)


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if _is_number(value):
        return float(value)
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value):
        return float(value.strip(_SPACE))
    return math.nan


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        if number == int(number) and abs(number) < 1e21:
            return str(int(number))
        return repr(number)
    return str(value)


def to_boolean(value: Any) -> bool:
    """XPath's boolean(): "" false, other strings true; 0 and NaN false."""
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return not (value == 0 or math.isnan(value))
    return bool(value != "")


def _tokens(value: Any) -> list[str]:
    return [token for token in _TOKEN_SPLIT_RE.split(_to_string(value)) if token]


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in ("=", "!="):
        if isinstance(left, bool) or isinstance(right, bool):
            equal = to_boolean(left) == to_boolean(right)
        elif _looks_numeric(left) and _looks_numeric(right):
            equal = _to_number(left) == _to_number(right)
        elif _is_number(left) or _is_number(right):
            equal = False
        else:
            equal = left == right
        return equal if op == "=" else not equal
    if isinstance(left, bool) or isinstance(right, bool) or (_looks_numeric(left) and _looks_numeric(right)):
        a: Any = _to_number(left)
        b: Any = _to_number(right)
    elif _is_number(left) or _is_number(right) or left == "" or right == "":
        return False
    else:
        a, b = left, right
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _arithmetic(op: str, left: Any, right: Any) -> float:
    a = _to_number(left)
    b = _to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0 or math.isnan(b) or math.isnan(a):
        return math.nan
    if op == "div":
        return a / b
    if math.isinf(a):
        return math.nan
    return math.fmod(a, b)


def evaluate(
    expr: Expr,
    answers: Mapping[str, Any],
    current: Any = None,
    choice: Mapping[str, Any] | None = None,
) -> Any:
    """Evaluate a tree: ``answers`` by question name, ``current`` for ``.``, ``choice`` for bare names.

    Returns a string, a float or a bool; ``to_boolean`` turns it into a verdict.
    """
    if "lit" in expr:
        value = expr["lit"]
        return float(value) if _is_number(value) else value
    if "ref" in expr:
        return _value(answers.get(expr["ref"]))
    if "self" in expr:
        return _value(current)
    if "col" in expr:
        return _value(choice.get(expr["col"]) if choice is not None else None)
    args: list[Expr] = expr.get("args", [])
    fn = expr.get("fn")
    if fn == "selected":
        wanted = _to_string(evaluate(args[1], answers, current, choice)).strip(_SPACE)
        return wanted in _tokens(evaluate(args[0], answers, current, choice))
    if fn == "count-selected":
        return float(len(_tokens(evaluate(args[0], answers, current, choice))))
    op = expr.get("op")
    if op == "and":
        return all(to_boolean(evaluate(arg, answers, current, choice)) for arg in args)
    if op == "or":
        return any(to_boolean(evaluate(arg, answers, current, choice)) for arg in args)
    if op == "not":
        return not to_boolean(evaluate(args[0], answers, current, choice))
    if op in COMPARISONS:
        return _compare(op, evaluate(args[0], answers, current, choice), evaluate(args[1], answers, current, choice))
    if op in ARITHMETIC:
        return _arithmetic(op, evaluate(args[0], answers, current, choice), evaluate(args[1], answers, current, choice))
    raise ExpressionError(gettext("unknown expression node %(node)s") % {"node": expr}, None)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def relevant(question: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a question (or group) of the definition is shown, given the answers."""
    expr = question.get("relevant")
    return expr is None or to_boolean(evaluate(expr, answers))


def constraint_ok(question: Mapping[str, Any], answers: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` satisfies the question's constraint; an empty value always does."""
    expr = question.get("constraint")
    if expr is None or _is_empty(value):
        return True
    merged = {**answers, question["name"]: value}
    return to_boolean(evaluate(expr, merged, current=value))


def choice_ok(question: Mapping[str, Any], choice: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a choice (``{"name", "extra", …}`` of the definition) passes the question's filter."""
    expr = question.get("choice_filter")
    if expr is None:
        return True
    row = {**(choice.get("extra") or {}), "name": choice.get("name")}
    return to_boolean(evaluate(expr, answers, choice=row))
