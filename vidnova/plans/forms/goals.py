"""Forms of the goal-tree pages: an item's texts and tags, and moving items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova import classifications
from vidnova.plans.models import GoalLevel, GoalNode
from vidnova.plans.services.goals import MAX_TEXT_LENGTH


class CodeListField(forms.Field):
    """Several codes of one code list (checkboxes); unknown codes are refused by name."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, scheme: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.scheme = scheme

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        return [str(item) for item in value]

    def clean(self, value: Any) -> list[str]:
        codes = self.to_python(value)
        self.validate(codes)
        return classifications.validate(self.scheme, codes)


@dataclass
class PickerOption:
    code: str
    text: str
    lang: str  # the language of ``text`` when it differs from the page's, else ""
    checked: bool
    input_id: str


@dataclass
class PickerGroup:
    heading: str
    options: list[PickerOption]

    @property
    def checked_count(self) -> int:
        return sum(1 for option in self.options if option.checked)


@dataclass
class Picker:
    name: str
    legend: str
    help_text: str
    field: forms.BoundField
    groups: list[PickerGroup]

    @property
    def checked_count(self) -> int:
        return sum(group.checked_count for group in self.groups)


class GoalForm(forms.Form):
    """The texts and tags of an item; ``level`` only when adding, ``version`` only when editing."""

    level = forms.ChoiceField(label=_("Level"), choices=GoalLevel.choices)
    text_uk = forms.CharField(
        label=_("Text in Ukrainian"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "uk"}),
    )
    text_en = forms.CharField(
        label=_("Text in English"),
        max_length=MAX_TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        help_text=_("For partners and the English version of the plan."),
    )
    sdg_targets = CodeListField(
        scheme=classifications.SDG_TARGET,
        label=_("SDG targets"),
        help_text=_("The targets of the UN Sustainable Development Goals this item contributes to."),
    )
    acquis_chapters = CodeListField(
        scheme=classifications.ACQUIS_CHAPTER,
        label=_("EU acquis chapters"),
        help_text=_("The chapters of EU law this item helps Ukraine to align with, by negotiation cluster."),
    )
    charter_articles = CodeListField(
        scheme=classifications.CHARTER_ARTICLE,
        label=_("European Charter of Local Self-Government"),
        help_text=_("The articles of the Charter (and its Additional Protocol) this item puts into practice."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        levels: list[str] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["level"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            level_field = self.fields["level"]
            assert isinstance(level_field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
            allowed = levels or []
            level_field.choices = [(value, capfirst(label)) for value, label in GoalLevel.choices if value in allowed]
            if len(allowed) == 1:
                level_field.widget = forms.HiddenInput()
                level_field.initial = allowed[0]

    @classmethod
    def initial_for(cls, node: GoalNode) -> dict[str, Any]:
        return {
            "text_uk": node.text_uk,
            "text_en": node.text_en,
            "sdg_targets": list(node.sdg_targets or []),
            "acquis_chapters": list(node.acquis_chapters or []),
            "charter_articles": list(node.charter_articles or []),
            "version": node.version,
        }

    def pickers(self) -> list[Picker]:
        """The three tag pickers, grouped (targets by goal, chapters by cluster), with what is ticked."""
        english = (get_language() or "uk")[:2] == "en"
        result = []
        for name in ("sdg_targets", "acquis_chapters", "charter_articles"):
            field = self.fields[name]
            assert isinstance(field, CodeListField)  # noqa: S101 - narrows the type for mypy
            bound = self[name]
            selected = self._selected(name)
            groups = []
            for _group, heading, entries in classifications.grouped(field.scheme):
                options = []
                for entry in entries:
                    # SDG targets have an official text in English only (data/SOURCES.md).
                    in_english = field.scheme == classifications.SDG_TARGET and not english
                    options.append(
                        PickerOption(
                            code=entry.code,
                            text=entry.labels["en"] if in_english else entry.label,
                            lang="en" if in_english else "",
                            checked=entry.code in selected,
                            input_id=f"id_{name}_{entry.code.replace('.', '_')}",
                        )
                    )
                groups.append(PickerGroup(heading=heading, options=options))
            result.append(
                Picker(
                    name=name,
                    legend=str(field.label),
                    help_text=str(field.help_text),
                    field=bound,
                    groups=groups,
                )
            )
        return result

    def _selected(self, name: str) -> set[str]:
        if self.is_bound:
            raw = self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name, [])
            if isinstance(raw, str):
                raw = [raw]
            return {str(value).strip() for value in raw}
        return set(self.initial.get(name) or [])


class GoalMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])


class GoalReorderForm(forms.Form):
    """The new order of one level's items, as the drag-and-drop script posts it."""

    parent = forms.IntegerField(required=False, min_value=1)
    order = forms.CharField(max_length=5000)

    def clean_order(self) -> list[int]:
        raw = self.data.getlist("order") if hasattr(self.data, "getlist") else [self.cleaned_data["order"]]
        ids: list[int] = []
        for value in raw:
            for part in str(value).replace(",", " ").split():
                if not part.isdigit():
                    raise ValidationError(_("The order lists item numbers only."))
                ids.append(int(part))
        return ids
