"""Match explanations in the reader's language.

The engine stores explanations as codes with facts (``components``: [{"code", "value", "points",
"facts"}], ``reasons``: [{"code", "facts"}], refusal problems: (code, facts)); the functions here turn
them into sentences in the active language, so a Ukrainian coordinator and a Dutch partner read the
same match each in their own. Every function takes the engine's dataclasses or the stored dicts.

Names (themes, offers, organisations, hromadas) come from an ``ExplainContext`` that callers build
once per page with ``context_from_db``; when a name is missing the text falls back to the name kept
in the facts or to "offer #12".

Component texts do not repeat the component's label (pages show ``component_label`` next to them);
``component_text(..., with_label=True)`` adds it ("Modes: remote coaching (preferred)").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from vidnova.partnerships.matching.types import (
    COMPONENT_FAIRNESS,
    COMPONENT_LANGUAGE,
    COMPONENT_MODE,
    COMPONENT_SIZE,
    COMPONENT_THEME,
    COMPONENT_TIES,
    FAIRNESS_TYPE,
    GROUP_UNKNOWN,
    PROBLEM_HROMADA_LOCKED_TWICE,
    PROBLEM_LOCK_AND_RULE_OUT,
    PROBLEM_LOCK_UNKNOWN,
    PROBLEM_LOCKS_OVER_CAPACITY,
    REASON_FULL,
    REASON_NO_MODE,
    REASON_NO_THEME,
    REASON_NOT_AVAILABLE,
    REASON_OUTSCORED,
    REASON_RULED_OUT,
    SOURCE_ASSESSMENT,
    SOURCE_MANUAL,
    SOURCE_PROJECT,
)
from vidnova.partnerships.models import ExpertiseOffer, OfferMode, Theme
from vidnova.registry.models import Hromada, SecurityStatus

# Offers named in one reason before "and N more".
LIST_LIMIT = 5

COMPONENT_LABELS = {
    COMPONENT_THEME: _("theme fit"),
    COMPONENT_MODE: _("modes"),
    COMPONENT_LANGUAGE: _("languages"),
    COMPONENT_TIES: _("existing ties"),
    COMPONENT_SIZE: _("similar size"),
    COMPONENT_FAIRNESS: _("fairness"),
}
TYPE_LABELS = {
    "urban": pgettext_lazy("hromada type", "urban"),
    "settlement": pgettext_lazy("hromada type", "settlement"),
    "rural": pgettext_lazy("hromada type", "rural"),
    GROUP_UNKNOWN: pgettext_lazy("hromada type", "unknown"),
}
NEED_LEVELS = {
    1: pgettext_lazy("need severity", "low"),
    2: pgettext_lazy("need severity", "medium"),
    3: pgettext_lazy("need severity", "high"),
}


@dataclass
class ExplainContext:
    theme_names: Mapping[str, str] = field(default_factory=dict)
    offer_titles: Mapping[int, str] = field(default_factory=dict)
    organisation_of_offer: Mapping[int, str] = field(default_factory=dict)  # offer id → organisation name
    hromada_names: Mapping[int, str] = field(default_factory=dict)


def context_from_db(theme_codes: Iterable[str], offer_ids: Iterable[int], hromada_ids: Iterable[int]) -> ExplainContext:
    """Names for the explanations, read in the active language (three queries)."""
    codes, offers, hromadas = list(dict.fromkeys(theme_codes)), list(set(offer_ids)), list(set(hromada_ids))
    theme_names = {theme.code: theme.name for theme in Theme.objects.filter(code__in=codes)} if codes else {}
    offer_titles: dict[int, str] = {}
    organisation_of_offer: dict[int, str] = {}
    if offers:
        for offer in ExpertiseOffer.objects.filter(pk__in=offers).select_related("organisation"):
            offer_titles[offer.pk] = offer.title
            organisation_of_offer[offer.pk] = offer.organisation.name
    hromada_names = dict(Hromada.objects.filter(pk__in=hromadas).values_list("pk", "name_uk")) if hromadas else {}
    return ExplainContext(theme_names, offer_titles, organisation_of_offer, hromada_names)


# --- small helpers --------------------------------------------------------------------------------


def _get(item: Any, key: str, default: Any = None) -> Any:
    """A field of a dataclass, model instance or stored dict."""
    if isinstance(item, Mapping):
        return item.get(key, default)
    return getattr(item, key, default)


def _number(value: Any, decimals: int = 1) -> str:
    """A number in the active language's format: 12,000 / 12 000; 22.5 / 22,5; 22 (never 22.0)."""
    if value is None:
        return "?"
    number = round(float(value), decimals)
    if number.is_integer():
        return formats.number_format(int(number), use_l10n=True, force_grouping=True)
    places = len(f"{number:.{decimals}f}".rstrip("0").split(".")[1])
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def _in_100(rate: Any) -> str:
    return _number(float(rate or 0) * 100, 0)


def _joined(items: Sequence[str]) -> str:
    if len(items) <= LIST_LIMIT:
        return ", ".join(items)
    rest = len(items) - LIST_LIMIT
    return ngettext("{items} and {count} more", "{items} and {count} more", rest).format(
        items=", ".join(items[:LIST_LIMIT]), count=rest
    )


def theme_name(code: str, ctx: ExplainContext) -> str:
    return ctx.theme_names.get(code) or code


def hromada_name(hromada_id: Any, ctx: ExplainContext) -> str:
    name = ctx.hromada_names.get(int(hromada_id)) if hromada_id is not None else None
    return name or gettext("hromada #{id}").format(id=hromada_id)


def organisation_name(offer_id: Any, ctx: ExplainContext, fallback: str = "") -> str:
    name = ctx.organisation_of_offer.get(int(offer_id)) if offer_id is not None else None
    return name or fallback or gettext("the partner")


def offer_name(offer_id: Any, ctx: ExplainContext) -> str:
    """“Title” (organisation), or "offer #12" when the context does not know it."""
    title = ctx.offer_titles.get(int(offer_id)) if offer_id is not None else None
    if not title:
        return gettext("offer #{id}").format(id=offer_id)
    organisation = ctx.organisation_of_offer.get(int(offer_id))
    if organisation:
        return gettext("“{title}” ({organisation})").format(title=title, organisation=organisation)
    return gettext("“{title}”").format(title=title)


def mode_label(mode: str) -> str:
    try:
        return str(OfferMode(mode).label)
    except ValueError:
        return mode


def status_label(status: str) -> str:
    try:
        return str(SecurityStatus(status).label)
    except ValueError:
        return status


def language_label(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def dimension_label(facts: Mapping[str, Any]) -> str:
    """The dimension's label in the active language (facts["dimension_label"] = {"uk", "en", "nl"})."""
    labels = facts.get("dimension_label")
    if isinstance(labels, Mapping):
        language = (get_language() or "en")[:2]
        for key in (language, "en", "uk"):
            if labels.get(key):
                return str(labels[key])
    elif isinstance(labels, str) and labels:
        return labels
    return str(facts.get("dimension") or gettext("an assessment dimension"))


def component_label(code: str) -> str:
    return str(COMPONENT_LABELS.get(code, code))


def group_label(dimension: str, group: str) -> str:
    """A fairness group's name: "rural", "under 5,000", "5,000–15,000", …, "unknown"."""
    if dimension == FAIRNESS_TYPE:
        return str(TYPE_LABELS.get(group, group))
    if group == "under_5000":
        return gettext("under {number}").format(number=_number(5000))
    if group == "5000_15000":
        return gettext("{low}–{high}").format(low=_number(5000), high=_number(15000))
    if group == "15000_50000":
        return gettext("{low}–{high}").format(low=_number(15000), high=_number(50000))
    if group == "50000_plus":
        return gettext("{number} and more").format(number=_number(50000))
    return str(pgettext("population band", "unknown"))


def _group_phrase(dimension: str, group: str) -> str:
    """The hromadas of a group, as the subject of a sentence."""
    if dimension == FAIRNESS_TYPE:
        if group == GROUP_UNKNOWN:
            return gettext("hromadas of unknown type")
        return gettext("{group} hromadas").format(group=group_label(dimension, group))
    if group == GROUP_UNKNOWN:
        return gettext("hromadas of unknown population")
    return gettext("hromadas with {group} residents").format(group=group_label(dimension, group))


# --- components -----------------------------------------------------------------------------------


def _source_text(source: Mapping[str, Any]) -> str:
    kind = source.get("source")
    if kind == SOURCE_ASSESSMENT:
        if source.get("threshold") is not None:
            return gettext("{dimension} at {score}/100 (below {threshold})").format(
                dimension=dimension_label(source),
                score=_number(source.get("score")),
                threshold=_number(source["threshold"]),
            )
        return gettext("{dimension} at {score}/100").format(
            dimension=dimension_label(source), score=_number(source.get("score"))
        )
    if kind == SOURCE_PROJECT:
        code = source.get("project_code") or gettext("#{id}").format(id=source.get("project_id"))
        if source.get("project_title"):
            return gettext("project idea {code} “{title}”").format(code=code, title=source["project_title"])
        return gettext("project idea {code}").format(code=code)
    if kind == SOURCE_MANUAL:
        level = NEED_LEVELS.get(int(source.get("severity_level") or 0))
        if level is not None:
            return gettext("need entered by hand ({level})").format(level=level)
        return gettext("need entered by hand")
    return gettext("need")


def _theme_text(facts: Mapping[str, Any], offer_id: Any, ctx: ExplainContext) -> str:
    themes = list(facts.get("themes") or [])
    organisation = organisation_name(offer_id, ctx, str(facts.get("organisation_name") or ""))
    if not themes:
        needs = [theme_name(code, ctx) for code in facts.get("need_themes") or []]
        offered = [theme_name(code, ctx) for code in facts.get("offer_themes") or []]
        return gettext("No shared theme: the hromada needs {needs}; {organisation} offers {offered}.").format(
            needs=_joined(needs) or "—", organisation=organisation, offered=_joined(offered) or "—"
        )
    parts = []
    for entry in themes:
        sources = [_source_text(source) for source in entry.get("sources") or []]
        name = theme_name(str(entry.get("theme", "")), ctx)
        parts.append(gettext("{theme}: {sources}").format(theme=name, sources="; ".join(sources)) if sources else name)
    # "It" for one theme is a different sentence, not a plural form (Ukrainian's "one" form also covers 21).
    if len(themes) == 1:
        closing = gettext("{organisation} offers it.").format(organisation=organisation)
    else:
        closing = ngettext(
            "{organisation} offers all {count} of them.", "{organisation} offers all {count} of them.", len(themes)
        ).format(organisation=organisation, count=len(themes))
    return gettext("{themes}. {closing}").format(themes=" · ".join(parts), closing=closing)


def _mode_text(facts: Mapping[str, Any]) -> str:
    possible = list(facts.get("possible") or [])
    preferred = set(facts.get("preferred") or [])
    blocked = list(facts.get("blocked") or [])
    status = status_label(str(facts.get("status") or ""))
    sentences = []
    if possible:
        labels = [
            gettext("{mode} (preferred)").format(mode=mode_label(mode)) if mode in preferred else mode_label(mode)
            for mode in possible
        ]
        sentences.append(", ".join(labels))
        if preferred and not preferred & set(possible):
            sentences.append(
                gettext("none of the hromada's preferred modes ({modes})").format(
                    modes=", ".join(mode_label(mode) for mode in sorted(preferred))
                )
            )
    else:
        sentences.append(gettext("no possible mode"))
    if blocked:
        sentences.append(
            gettext("not possible under the hromada's security status ({status}): {modes}").format(
                status=status, modes=", ".join(mode_label(mode) for mode in blocked)
            )
        )
    return "; ".join(sentences)


def _language_text(facts: Mapping[str, Any]) -> str:
    shared = list(facts.get("shared") or [])
    if shared:
        names = ", ".join(language_label(code) for code in shared)
        if "uk" in shared:
            return gettext("{languages} shared (no interpreter needed)").format(languages=names)
        return gettext("{languages} shared, not Ukrainian (no interpreter needed)").format(languages=names)
    return gettext("no shared language: an interpreter is needed (hromada: {hromada}; partner: {partner})").format(
        hromada=", ".join(language_label(code) for code in facts.get("hromada") or []) or "—",
        partner=", ".join(language_label(code) for code in facts.get("offer") or []) or "—",
    )


def _ties_text(facts: Mapping[str, Any], offer_id: Any, ctx: ExplainContext) -> str:
    count = int(facts.get("count") or 0)
    organisation = organisation_name(offer_id, ctx, str(facts.get("organisation_name") or ""))
    if not count:
        return gettext("no earlier partnership with {organisation}").format(organisation=organisation)
    return ngettext(
        "{count} earlier partnership with {organisation}", "{count} earlier partnerships with {organisation}", count
    ).format(count=count, organisation=organisation)


def _size_text(facts: Mapping[str, Any]) -> str:
    hromada, partner = facts.get("hromada_population"), facts.get("offer_population")
    if hromada and partner:
        return gettext("hromada {hromada} residents, partner {partner}").format(
            hromada=_number(hromada), partner=_number(partner)
        )
    if hromada:
        return gettext("hromada {hromada} residents, partner's population unknown (neutral value)").format(
            hromada=_number(hromada)
        )
    if partner:
        return gettext("hromada's population unknown, partner {partner} residents (neutral value)").format(
            partner=_number(partner)
        )
    return gettext("populations unknown (neutral value)")


def _fairness_text(facts: Mapping[str, Any]) -> str:
    overall = float(facts.get("overall_rate") or 0)
    behind = [group for group in facts.get("groups") or [] if float(group.get("rate") or 0) < overall]
    if not behind:
        return gettext(
            "without the fairness weight its groups were matched at least as often as all hromadas "
            "({overall} in 100): no extra points"
        ).format(overall=_in_100(overall))
    parts = [
        gettext("{group} were matched at {rate} in 100").format(
            group=_group_phrase(str(group.get("dimension")), str(group.get("group"))), rate=_in_100(group.get("rate"))
        )
        for group in behind
    ]
    return gettext("without the fairness weight, {groups} against {overall} in 100 overall").format(
        groups=gettext(" and ").join(parts), overall=_in_100(overall)
    )


def component_text(component: Any, ctx: ExplainContext, *, offer_id: Any = None, with_label: bool = False) -> str:
    """One score component in words (``component``: a Component or its stored dict).

    ``offer_id`` names the offer's organisation from the context; without it the name kept in the
    facts is used.
    """
    code = str(_get(component, "code", ""))
    facts: Mapping[str, Any] = _get(component, "facts", None) or {}
    offer_id = offer_id if offer_id is not None else facts.get("offer_id")
    if code == COMPONENT_THEME:
        text = _theme_text(facts, offer_id, ctx)
    elif code == COMPONENT_MODE:
        text = _mode_text(facts)
    elif code == COMPONENT_LANGUAGE:
        text = _language_text(facts)
    elif code == COMPONENT_TIES:
        text = _ties_text(facts, offer_id, ctx)
    elif code == COMPONENT_SIZE:
        text = _size_text(facts)
    elif code == COMPONENT_FAIRNESS:
        text = _fairness_text(facts)
    else:
        text = ""
    text = capfirst(text) or ""
    if with_label:
        return gettext("{label}: {text}").format(label=capfirst(component_label(code)), text=text)
    return text


def _strongest_need(themes: Sequence[Mapping[str, Any]], ctx: ExplainContext) -> str:
    """The summary's first half: the most severe shared theme and where it came from."""
    if not themes:
        return gettext("no shared theme")
    entry = themes[0]
    sources = list(entry.get("sources") or [])
    assessed = [s for s in sources if s.get("source") == SOURCE_ASSESSMENT and s.get("score") is not None]
    name = theme_name(str(entry.get("theme", "")), ctx)
    if assessed:
        weakest = min(assessed, key=lambda source: float(source["score"]))
        return gettext("{dimension} dimension at {score}/100").format(
            dimension=dimension_label(weakest), score=_number(weakest["score"])
        )
    projects = [s for s in sources if s.get("source") == SOURCE_PROJECT]
    if projects:
        return gettext("{theme} sought by {project}").format(theme=name, project=_source_text(projects[0]))
    if sources:
        return gettext("{theme}: {source}").format(theme=name, source=_source_text(sources[0]))
    return name


def suggestion_summary(suggestion_row: Any, ctx: ExplainContext) -> str:
    """One line: "civil protection dimension at 22/100; Safety Region Utrecht offers “Crisis planning
    coaching”, 2 places left" (``suggestion_row``: a Suggestion, a stored row or a dict)."""
    offer_id = _get(suggestion_row, "offer_id")
    components = list(_get(suggestion_row, "components", None) or [])
    theme = next((c for c in components if _get(c, "code") == COMPONENT_THEME), None)
    theme_facts: Mapping[str, Any] = (_get(theme, "facts", None) or {}) if theme is not None else {}
    need = _strongest_need(list(theme_facts.get("themes") or []), ctx)
    places = int(_get(suggestion_row, "places_left", 0) or 0)
    title = ctx.offer_titles.get(int(offer_id)) if offer_id is not None else None
    organisation = organisation_name(offer_id, ctx, str(theme_facts.get("organisation_name") or ""))
    offer = gettext("“{title}”").format(title=title) if title else gettext("offer #{id}").format(id=offer_id)
    # Places are counted after this run's suggestions: accepting them all leaves this many open.
    if places:
        left = ngettext("{count} place left after this run", "{count} places left after this run", places).format(
            count=places
        )
    else:
        left = gettext("this run fills its last place")
    text = gettext("{need}; {organisation} offers {offer}, {places}").format(
        need=need, organisation=organisation, offer=offer, places=left
    )
    if _get(suggestion_row, "locked", False):
        text = gettext("{text} (locked in by a coordinator)").format(text=text)
    return capfirst(text) or ""


# --- unmatched hromadas and refusals --------------------------------------------------------------


def _offers(ids: Iterable[Any], ctx: ExplainContext) -> str:
    return _joined([offer_name(offer_id, ctx) for offer_id in ids])


def reason_text(reason: Any, ctx: ExplainContext) -> str:
    """Why a hromada stayed unmatched, in words (``reason``: a Reason or its stored dict)."""
    code = str(_get(reason, "code", ""))
    facts: Mapping[str, Any] = _get(reason, "facts", None) or {}
    offer_ids = list(facts.get("offer_ids") or [])
    count = len(offer_ids)
    if code == REASON_NO_THEME:
        themes = [theme_name(theme, ctx) for theme in facts.get("themes") or []]
        return gettext("No offer covers any of its needs ({themes}).").format(themes=_joined(themes) or "—")
    if code == REASON_NOT_AVAILABLE:
        return ngettext(
            "{count} offer covering its needs is not available on the start date: {offers}.",
            "{count} offers covering its needs are not available on the start date: {offers}.",
            count,
        ).format(count=count, offers=_offers(offer_ids, ctx))
    if code == REASON_FULL:
        rows = list(facts.get("offers") or [{"offer_id": offer_id} for offer_id in offer_ids])
        described = []
        for row in rows:
            name = offer_name(row.get("offer_id"), ctx)
            if row.get("capacity") is None:
                described.append(name)
            elif int(row.get("locked") or 0):
                described.append(
                    gettext("{offer}: capacity {capacity}, {places} left, {locked} locked in").format(
                        offer=name,
                        capacity=row["capacity"],
                        places=row.get("places_left", 0),
                        locked=row["locked"],
                    )
                )
            else:
                described.append(
                    gettext("{offer}: capacity {capacity}, all taken").format(offer=name, capacity=row["capacity"])
                )
        return ngettext(
            "{count} offer covering its needs had no place left before this run: {offers}.",
            "{count} offers covering its needs had no places left before this run: {offers}.",
            count,
        ).format(count=count, offers=_joined(described))
    if code == REASON_NO_MODE:
        return ngettext(
            "{count} offer covering its needs works only in modes not possible under the hromada's security "
            "status ({status}): {offers}.",
            "{count} offers covering its needs work only in modes not possible under the hromada's security "
            "status ({status}): {offers}.",
            count,
        ).format(count=count, status=status_label(str(facts.get("status") or "")), offers=_offers(offer_ids, ctx))
    if code == REASON_RULED_OUT:
        return ngettext(
            "A coordinator ruled out {count} offer covering its needs: {offers}.",
            "A coordinator ruled out {count} offers covering its needs: {offers}.",
            count,
        ).format(count=count, offers=_offers(offer_ids, ctx))
    if code == REASON_OUTSCORED:
        return _outscored_text(facts, ctx)
    return code


def _outscored_text(facts: Mapping[str, Any], ctx: ExplainContext) -> str:
    offer = offer_name(facts.get("offer_id"), ctx)
    score = _number(facts.get("score"), 2)
    suitable = int(facts.get("eligible_offers") or 1)
    lowest = facts.get("lowest_score")
    if suitable == 1:
        first = gettext("Its only suitable offer was filled by other hromadas.")
    else:
        first = ngettext(
            "All {count} suitable offers were filled by other hromadas.",
            "All {count} suitable offers were filled by other hromadas.",
            suitable,
        ).format(count=suitable)
    if lowest is None:
        return first
    holders = [hromada_name(hromada_id, ctx) for hromada_id in facts.get("lowest_hromada_ids") or []]
    locked = len(facts.get("locked_hromada_ids") or [])
    if float(facts.get("score") or 0) <= float(lowest):
        second = gettext(
            "Its best, {offer}, scored {score} for it; the lowest score among those who got a place there was "
            "{lowest} ({hromadas})."
        )
    else:
        second = gettext(
            "Its best, {offer}, scored {score} for it, more than {lowest} of {hromadas} who got a place there; "
            "they had fewer alternatives, so giving this hromada the place would lower the total score."
        )
    text = gettext("{first} {second}").format(
        first=first,
        second=second.format(offer=offer, score=score, lowest=_number(lowest, 2), hromadas=_joined(holders)),
    )
    if locked:
        extra = ngettext(
            "{count} place there was locked in by a coordinator.",
            "{count} places there were locked in by a coordinator.",
            locked,
        ).format(count=locked)
        text = gettext("{text} {extra}").format(text=text, extra=extra)
    return text


def problem_text(code: str, facts: Mapping[str, Any], ctx: ExplainContext) -> str:
    """Why a run was refused, in words, with what to do about it."""
    hromada = hromada_name(facts.get("hromada_id"), ctx)
    offer = offer_name(facts.get("offer_id"), ctx)
    if code == PROBLEM_LOCK_AND_RULE_OUT:
        return gettext(
            "{hromada} is both locked in and ruled out for {offer}. Remove one of the two constraints."
        ).format(hromada=hromada, offer=offer)
    if code == PROBLEM_HROMADA_LOCKED_TWICE:
        offer_ids = list(facts.get("offer_ids") or [])
        return gettext(
            "{hromada} is locked in to {count} offers ({offers}); a hromada can be locked in to one offer only. "
            "Remove all locks but one."
        ).format(hromada=hromada, count=len(offer_ids), offers=_offers(offer_ids, ctx))
    if code == PROBLEM_LOCKS_OVER_CAPACITY:
        locks = int(facts.get("locks") or 0)
        places = int(facts.get("places_left") or 0)
        return ngettext(
            "{offer} has {locks} hromadas locked in but {places} place left. Remove locks or raise the "
            "offer's capacity.",
            "{offer} has {locks} hromadas locked in but {places} places left. Remove locks or raise the "
            "offer's capacity.",
            places,
        ).format(offer=offer, locks=locks, places=places)
    if code == PROBLEM_LOCK_UNKNOWN:
        return gettext(
            "A lock pairs {hromada} with {offer}, but the hromada does not seek a partner in this run or the offer "
            "is not open. Remove the lock or change the run."
        ).format(hromada=hromada, offer=offer)
    return code
