"""Assessment rounds: a coordinator opens a round of one instrument version for a set of the
programme's hromadas with a deadline; each hromada gets an assessment (DRAFT). Hromadas can be added
later; a round can be closed (no more answers) and reopened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.assessments.models import Assessment, InstrumentVersion, Round, RoundKind, RoundStatus
from vidnova.assessments.services.answers import actor
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada

ROUND_FIELDS = ("name_uk", "name_en", "name_nl", "kind", "opens_on", "deadline", "training_threshold")


def _check_hromadas(programme: Programme, hromadas: Iterable[Hromada]) -> list[Hromada]:
    chosen = list(dict.fromkeys(hromadas))
    taking_part = set(
        Participation.objects.filter(phase__programme=programme, hromada__in=chosen).values_list(
            "hromada_id", flat=True
        )
    )
    outside = [h for h in chosen if h.pk not in taking_part]
    if outside:
        raise ValidationError(
            {
                "hromadas": _("%(list)s do not take part in %(programme)s.")
                % {"list": ", ".join(str(h) for h in outside), "programme": programme}
            }
        )
    return chosen


def _validate(round_: Round) -> None:
    errors: dict[str, str] = {}
    if not round_.name_uk.strip():
        errors["name_uk"] = _("Give the round a name in Ukrainian.")
    if round_.kind not in RoundKind.values:
        errors["kind"] = _("Choose baseline, midline or endline.")
    if round_.opens_on and round_.deadline and round_.deadline < round_.opens_on:
        errors["deadline"] = _("The deadline cannot be before the round opens.")
    if not (Decimal(0) <= Decimal(round_.training_threshold) <= Decimal(100)):
        errors["training_threshold"] = _("The threshold is a score from 0 to 100.")
    if errors:
        raise ValidationError(errors)


def round_open(
    *,
    acting_user: AnyUser,
    programme: Programme,
    instrument_version: InstrumentVersion,
    name_uk: str,
    name_en: str = "",
    name_nl: str = "",
    kind: str = RoundKind.BASELINE,
    opens_on: datetime.date,
    deadline: datetime.date,
    hromadas: Iterable[Hromada],
    training_threshold: Decimal = Decimal(50),
) -> Round:
    require(acting_user, Action.EDIT, programme)
    with transaction.atomic():
        round_ = Round(
            programme=programme,
            instrument_version=instrument_version,
            name_uk=name_uk.strip(),
            name_en=name_en.strip(),
            name_nl=name_nl.strip(),
            kind=kind,
            opens_on=opens_on,
            deadline=deadline,
            training_threshold=training_threshold,
            opened_by=actor(acting_user),
        )
        _validate(round_)
        chosen = _check_hromadas(programme, hromadas)
        if not chosen:
            raise ValidationError({"hromadas": _("Choose at least one hromada.")})
        round_.save()
        Assessment.objects.bulk_create(Assessment(round=round_, hromada=h) for h in chosen)
        record(
            actor=actor(acting_user),
            action="assessments.round.opened",
            target=round_,
            data={
                "instrument": str(instrument_version),
                "hromadas": [h.katottg for h in chosen],
                "deadline": deadline,
            },
        )
    return round_


def round_update(*, acting_user: AnyUser, round_: Round, expected_version: int | None, **changes: object) -> Round:
    """Change the name, kind, dates or training threshold (not the instrument: answers are tied to it)."""
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"round_update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        require(acting_user, Action.EDIT, round_)
        before = snapshot(round_, ROUND_FIELDS)
        for name, value in changes.items():
            setattr(round_, name, value.strip() if isinstance(value, str) and name.startswith("name") else value)
        _validate(round_)
        check_version(round_, expected_version=expected_version)
        round_.save()
        record(
            actor=actor(acting_user),
            action="assessments.round.updated",
            target=round_,
            changes=diff(before, snapshot(round_, ROUND_FIELDS)),
        )
    return round_


def round_add_hromadas(*, acting_user: AnyUser, round_: Round, hromadas: Iterable[Hromada]) -> list[Assessment]:
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        require(acting_user, Action.EDIT, round_)
        chosen = _check_hromadas(round_.programme, hromadas)
        present = set(round_.assessments.values_list("hromada_id", flat=True))
        new = [h for h in chosen if h.pk not in present]
        created = Assessment.objects.bulk_create(Assessment(round=round_, hromada=h) for h in new)
        if new:
            record(
                actor=actor(acting_user),
                action="assessments.round.hromadas_added",
                target=round_,
                data={"hromadas": [h.katottg for h in new]},
            )
    return created


def round_set_status(*, acting_user: AnyUser, round_: Round, status: str) -> Round:
    """Close a round (answers can no longer be given online or imported) or reopen it."""
    if status not in RoundStatus.values:
        raise ValidationError({"status": _("Unknown round status.")})
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        require(acting_user, Action.EDIT, round_)
        if round_.status == status:
            return round_
        before = round_.status
        round_.status = status
        round_.closed_at = timezone.now() if status == RoundStatus.CLOSED else None
        round_.version += 1
        round_.save()
        record(
            actor=actor(acting_user),
            action="assessments.round.closed" if status == RoundStatus.CLOSED else "assessments.round.reopened",
            target=round_,
            changes={"status": [before, status]},
        )
    return round_
