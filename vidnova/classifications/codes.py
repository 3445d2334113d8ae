"""Code lists that plans (and later projects) are tagged with: the UN Sustainable Development Goals
and their targets, the EU accession negotiation clusters and acquis chapters, and the articles of the
European Charter of Local Self-Government and its Additional Protocol.

The lists are data files in ``data/`` (UTF-8 CSV, sources in ``data/SOURCES.md``), read once per
process. Every code has a label in Ukrainian, English and Dutch; ``Code.label`` gives the one for the
active language. Tags are stored as plain code strings ("11.3", "22", "4"), validated with
``validate``.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("uk", "en", "nl")

SDG_GOAL = "sdg_goal"
SDG_TARGET = "sdg_target"
ACQUIS_CLUSTER = "acquis_cluster"
ACQUIS_CHAPTER = "acquis_chapter"
CHARTER_ARTICLE = "charter_article"

CHARTER = "charter"
PROTOCOL = "protocol"


@dataclass(frozen=True)
class Code:
    """One entry of a code list. ``group`` is the code of the entry it belongs to: the goal of an SDG
    target, the cluster of an acquis chapter ("" for chapters 34 and 35, which are in no cluster), and
    "charter" or "protocol" for Charter articles."""

    scheme: str
    code: str
    labels: Mapping[str, str] = field(compare=False, hash=False)
    group: str = ""
    # Official longer wording in English where the label is a short name (SDG goals); "" otherwise.
    description_en: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """The label in the active language (Ukrainian, English or Dutch), falling back to English."""
        return self.label_in(get_language() or "uk")

    def label_in(self, language: str) -> str:
        return self.labels.get(language[:2]) or self.labels["en"]

    @property
    def short(self) -> str:
        """How a tag is written on a chip: "SDG 11.3", "acquis ch. 22", "Charter art. 4"."""
        return short_label(self.scheme, self.code)


@dataclass(frozen=True)
class Scheme:
    id: str
    slug: str  # in URLs: /api/v1/classifications/<slug>/
    name: Promise
    load: Callable[[], tuple[Code, ...]]
    group_scheme: str | None = None


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _labels(row: Mapping[str, str]) -> dict[str, str]:
    return {language: row[f"name_{language}"].strip() for language in LANGUAGES}


@functools.cache
def sdg_goals() -> tuple[Code, ...]:
    """The 17 Sustainable Development Goals (codes "1" … "17"), with their short names."""
    return tuple(
        Code(SDG_GOAL, row["code"], _labels(row), description_en=row["title_en"].strip())
        for row in _rows("sdg_goals.csv")
    )


@functools.cache
def sdg_targets() -> tuple[Code, ...]:
    """The 169 SDG targets ("1.1" … "17.19", including lettered targets such as "11.a").

    The English label is the official text of the target; Ukrainian and Dutch have no agreed short
    titles for targets, so their label is the goal's name (see data/SOURCES.md).
    """
    goals = {goal.code: goal for goal in sdg_goals()}
    targets = []
    for row in _rows("sdg_targets.csv"):
        goal = goals[row["goal"]]
        labels = {"uk": goal.labels["uk"], "en": row["text_en"].strip(), "nl": goal.labels["nl"]}
        targets.append(Code(SDG_TARGET, row["code"], labels, group=goal.code))
    return tuple(targets)


@functools.cache
def acquis_clusters() -> tuple[Code, ...]:
    """The six clusters of the EU accession negotiations (2020 methodology)."""
    return tuple(Code(ACQUIS_CLUSTER, row["code"], _labels(row)) for row in _rows("acquis_clusters.csv"))


@functools.cache
def acquis_chapters() -> tuple[Code, ...]:
    """The 35 negotiating chapters of the EU acquis, each with its cluster ("" for 34 and 35)."""
    return tuple(
        Code(ACQUIS_CHAPTER, row["code"], _labels(row), group=row["cluster"].strip())
        for row in _rows("acquis_chapters.csv")
    )


@functools.cache
def charter_articles() -> tuple[Code, ...]:
    """Articles 2–11 of the European Charter of Local Self-Government and Article 1 of its Additional
    Protocol on the right to participate in the affairs of a local authority (code "P1")."""
    return tuple(
        Code(CHARTER_ARTICLE, row["code"], _labels(row), group=row["instrument"].strip())
        for row in _rows("charter_articles.csv")
    )


SCHEMES: dict[str, Scheme] = {
    scheme.id: scheme
    for scheme in (
        Scheme(SDG_GOAL, "sdg-goals", _("Sustainable Development Goals"), sdg_goals),
        Scheme(SDG_TARGET, "sdg-targets", _("SDG targets"), sdg_targets, group_scheme=SDG_GOAL),
        Scheme(ACQUIS_CLUSTER, "acquis-clusters", _("EU accession negotiation clusters"), acquis_clusters),
        Scheme(
            ACQUIS_CHAPTER, "acquis-chapters", _("EU acquis chapters"), acquis_chapters, group_scheme=ACQUIS_CLUSTER
        ),
        Scheme(
            CHARTER_ARTICLE,
            "charter-articles",
            _("European Charter of Local Self-Government articles"),
            charter_articles,
        ),
    )
}
SCHEMES_BY_SLUG: dict[str, Scheme] = {scheme.slug: scheme for scheme in SCHEMES.values()}


def codes(scheme: str) -> tuple[Code, ...]:
    """Every code of ``scheme`` in its canonical order; KeyError for an unknown scheme."""
    return SCHEMES[scheme].load()


@functools.cache
def _index(scheme: str) -> dict[str, Code]:
    return {entry.code: entry for entry in codes(scheme)}


def get(scheme: str, code: str) -> Code | None:
    return _index(scheme).get(code)


def label(scheme: str, code: str) -> str:
    """The label of ``code`` in the active language, or the code itself when it is unknown (a tag
    that a later edition of a list dropped still shows as what it was)."""
    entry = get(scheme, code)
    return entry.label if entry is not None else code


def short_label(scheme: str, code: str) -> str:
    if scheme == SDG_GOAL:
        return gettext("SDG %(code)s") % {"code": code}
    if scheme == SDG_TARGET:
        return gettext("SDG %(code)s") % {"code": code}
    if scheme == ACQUIS_CLUSTER:
        return gettext("Cluster %(code)s") % {"code": code}
    if scheme == ACQUIS_CHAPTER:
        return gettext("acquis ch. %(code)s") % {"code": code}
    if scheme == CHARTER_ARTICLE:
        if code.startswith("P"):
            return gettext("Protocol art. %(code)s") % {"code": code[1:]}
        return gettext("Charter art. %(code)s") % {"code": code}
    return code


def group_label(scheme: str, group: str) -> str:
    """The heading a code's group is shown under in pickers."""
    group_scheme = SCHEMES[scheme].group_scheme
    if group_scheme == SDG_GOAL:
        return gettext("Goal %(code)s. %(name)s") % {"code": group, "name": label(SDG_GOAL, group)}
    if group_scheme == ACQUIS_CLUSTER:
        if not group:
            return gettext("Outside the clusters")
        return gettext("Cluster %(code)s. %(name)s") % {"code": group, "name": label(ACQUIS_CLUSTER, group)}
    if scheme == CHARTER_ARTICLE:
        if group == PROTOCOL:
            return gettext("Additional Protocol on the right to participate in the affairs of a local authority")
        return gettext("European Charter of Local Self-Government")
    return ""


def grouped(scheme: str) -> list[tuple[str, str, list[Code]]]:
    """The codes of ``scheme`` by group, in order: (group code, group heading, codes)."""
    groups: dict[str, list[Code]] = {}
    for entry in codes(scheme):
        groups.setdefault(entry.group, []).append(entry)
    ordered = sorted(groups.items(), key=lambda item: _group_order(scheme, item[0]))
    return [(group, group_label(scheme, group), entries) for group, entries in ordered]


def _group_order(scheme: str, group: str) -> tuple[int, str]:
    if group.isdigit():
        return (int(group), "")
    if scheme == CHARTER_ARTICLE:
        return (0 if group == CHARTER else 1, group)
    return (10_000, group)  # chapters outside the clusters come last


_TARGET = re.compile(r"^\s*(\d+)\.(\d+|[A-Za-z])\s*$")


def _normalise(scheme: str, code: str) -> str:
    text = str(code).strip()
    if scheme == SDG_TARGET and (match := _TARGET.match(text)):
        return f"{match.group(1)}.{match.group(2).lower()}"
    if scheme == CHARTER_ARTICLE:
        return text.upper()
    return text


def validate(scheme: str, values: Iterable[str]) -> list[str]:
    """The codes in ``values``, trimmed, without duplicates and in the list's canonical order.

    Raises ValidationError naming every code that is not in the list.
    """
    index = _index(scheme)
    wanted: set[str] = set()
    unknown: list[str] = []
    for value in values:
        code = _normalise(scheme, value)
        if not code:
            continue
        if code in index:
            wanted.add(code)
        elif code not in unknown:
            unknown.append(code)
    if unknown:
        raise ValidationError(
            ngettext(
                "%(list)s has no code %(codes)s.",
                "%(list)s has no codes %(codes)s.",
                len(unknown),
            )
            % {"list": SCHEMES[scheme].name, "codes": ", ".join(unknown)},
            code="unknown_code",
            params={"codes": unknown},
        )
    return [entry.code for entry in codes(scheme) if entry.code in wanted]
