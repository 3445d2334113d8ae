"""The cohort page's filters and sort order (GET): oblast, hromada type, security status today and
assessment state, plus ``sort`` and ``dir``. Unknown values are dropped, never an error page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from vidnova.assessments.models import AssessmentState, Round
from vidnova.assessments.selectors import cohort as selectors
from vidnova.registry.models import HromadaType, SecurityStatus

ASCENDING = "asc"
DESCENDING = "desc"


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(name)
    field.choices = choices


class CohortFilterForm(forms.Form):
    oblast = forms.ChoiceField(label=_("Oblast"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *HromadaType.choices])
    status = forms.ChoiceField(label=_("Security status today"), required=False)
    state = forms.ChoiceField(
        label=_("State of the assessment"), required=False, choices=[("", _("Any state")), *AssessmentState.choices]
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None, *, round_: Round, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        _set_choices(
            self,
            "oblast",
            [("", _("All oblasts")), *((unit.katottg, unit.name_uk) for unit in selectors.cohort_oblasts(round_))],
        )
        _set_choices(
            self,
            "status",
            [
                ("", _("Any status")),
                *(
                    (value, _("no hostilities or none recorded") if value == SecurityStatus.NONE else label)
                    for value, label in SecurityStatus.choices
                ),
            ],
        )

    def value(self, name: str) -> str:
        """The cleaned value of a field, or "" when it was empty or not one of the choices."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return str(self.cleaned_data.get(name) or "")

    def to_filter(self) -> selectors.CohortFilter:
        return selectors.CohortFilter(
            oblast=self.value("oblast"),
            hromada_type=self.value("type"),
            security_status=self.value("status"),
            state=self.value("state"),
        )

    @property
    def filtered(self) -> bool:
        return self.to_filter() != selectors.CohortFilter()


def sort_from(data: QueryDict | dict[str, Any], cohort: selectors.Cohort) -> selectors.CohortSort:
    """The sort order asked for in ``?sort=…&dir=asc|desc``; by hromada name when it is not one of the
    cohort's columns."""
    key = str(data.get("sort") or "")
    if key not in cohort.sort_keys:
        return selectors.CohortSort()
    return selectors.CohortSort(key=key, descending=data.get("dir") == DESCENDING)
