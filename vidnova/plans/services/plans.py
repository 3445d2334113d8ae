"""Creating plans and changing their description (title, period, programme, higher-level documents)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.plans import catalogue, principles
from vidnova.plans.models import (
    HigherLevelDocument,
    HigherLevelDocumentType,
    Plan,
    PlanType,
    PlanVersion,
    PrincipleCheck,
    Section,
)
from vidnova.plans.workflow import workflow_for
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada

# The description of a plan, in the order forms show it; plan_update may change all of them.
DESCRIPTION_FIELDS = (
    "title_uk",
    "title_en",
    "summary_uk",
    "summary_en",
    "summary_nl",
    "starts_on",
    "ends_on",
    "programme",
    "original_language",
)
# A summary is a paragraph or two for lists and the title page, not a chapter.
MAX_SUMMARY_CHARS = 5000
# A plan follows a handful of higher-level documents; more is a sign of a mistake (or a script).
MAX_DOCUMENTS = 30


def actor(user: AnyUser | None) -> User | None:
    """The user to record in the audit log (None for the system: commands, the demo, tasks)."""
    return user if isinstance(user, User) else None


def check_programme(*, hromada: Hromada, programme: Programme | None) -> None:
    """A plan may only be reviewed by a programme the hromada takes part in."""
    if programme is not None and not Participation.objects.filter(phase__programme=programme, hromada=hromada).exists():
        raise ValidationError(
            {
                "programme": gettext("%(hromada)s does not take part in %(programme)s.")
                % {"hromada": hromada, "programme": programme}
            }
        )


def description_locked_reason(plan: Plan, version: PlanVersion | None = None) -> str | None:
    """Why the plan's description (title, summary, period, programme, higher-level documents) cannot
    be changed now, or None when it can.

    The description belongs to the adopted document: once a version is adopted it is frozen with it,
    and it can only change again through an amendment, which opens a new working version.
    """
    if version is None:
        version = plan.versions.order_by("-number").first()
    if version is not None and version.is_frozen:
        return gettext(
            "The plan's current version was adopted and is frozen, and its description with it. Start an "
            "amendment on the workflow page to change the description."
        )
    if not workflow_for(plan.plan_type).is_editable(plan.state):
        return gettext("The plan is in the stage “%(state)s”, in which its description cannot be changed.") % {
            "state": plan.get_state_display()
        }
    return None


def _check_text(errors: dict[str, str], field: str, value: str, *, limit: int) -> None:
    if len(value) > limit:
        errors[field] = gettext("At most %(limit)s characters; this has %(count)s. Nothing was saved.") % {
            "limit": f"{limit:,}",
            "count": f"{len(value):,}",
        }


def _check_description(
    *,
    title_uk: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    summaries: dict[str, str],
) -> None:
    """The checks the model cannot express with a field name attached."""
    errors: dict[str, str] = {}
    if not title_uk:
        errors["title_uk"] = gettext("Give the plan a title in Ukrainian.")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = gettext("The period must end on or after the day it starts.")
    for field, value in summaries.items():
        _check_text(errors, field, value, limit=MAX_SUMMARY_CHARS)
    if errors:
        raise ValidationError(errors)


def plan_create(
    *,
    acting_user: AnyUser | None,
    hromada: Hromada,
    plan_type: str,
    title_uk: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    title_en: str = "",
    programme: Programme | None = None,
    original_language: str = "uk",
    summary_uk: str = "",
    summary_en: str = "",
    summary_nl: str = "",
    is_demo: bool = False,
) -> Plan:
    """A new plan in its workflow's first state, with version 1, every section of the catalogue
    (empty) and an unchecked principles checklist."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, hromada, visible_with=Action.VIEW_PRIVATE)
        if plan_type not in PlanType.values:
            raise ValidationError({"plan_type": gettext("Choose a plan type from the list.")})
        _check_description(
            title_uk=title_uk.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            summaries={"summary_uk": summary_uk, "summary_en": summary_en, "summary_nl": summary_nl},
        )
        check_programme(hromada=hromada, programme=programme)
        plan = Plan(
            hromada=hromada,
            programme=programme,
            plan_type=plan_type,
            title_uk=title_uk.strip(),
            title_en=title_en.strip(),
            summary_uk=summary_uk.strip(),
            summary_en=summary_en.strip(),
            summary_nl=summary_nl.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            original_language=original_language,
            state=workflow_for(plan_type).initial,
            created_by=actor(acting_user),
            is_demo=is_demo,
        )
        plan.full_clean()
        plan.save()
        version = PlanVersion.objects.create(plan=plan, number=1)
        Section.objects.bulk_create(
            Section(plan_version=version, code=spec.code, position=index)
            for index, spec in enumerate(catalogue.SECTIONS, start=1)
        )
        PrincipleCheck.objects.bulk_create(
            PrincipleCheck(plan_version=version, principle=principle.code) for principle in principles.PRINCIPLES
        )
        record(
            actor=actor(acting_user),
            action="plans.plan.created",
            target=plan,
            data={"plan_type": plan_type, "state": plan.state, "programme": str(programme or "")},
            hromada=hromada,
        )
    return plan


def _locked_plan(plan: Plan) -> Plan:
    """The plan's row, locked for the rest of the transaction."""
    return Plan.objects.select_for_update(of=("self",)).select_related("hromada", "programme").get(pk=plan.pk)


def _refuse_if_locked(plan: Plan) -> None:
    reason = description_locked_reason(plan)
    if reason is not None:
        raise ValidationError(reason, code="frozen")


def plan_update(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    expected_version: int | None,
    title_uk: str,
    title_en: str,
    summary_uk: str,
    summary_en: str,
    summary_nl: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    programme: Programme | None,
    original_language: str,
) -> Plan:
    """Change the description of a plan: titles, summaries, period, supporting programme and language
    of origin. The type and the workflow state are not changed here.

    Refused while the current version is adopted (frozen) and no amendment is open. A new programme
    must be one the hromada takes part in; a programme that no longer has the hromada may stay.
    Nothing changes (and nothing is logged) when every value is the same.
    """
    with transaction.atomic():
        locked = _locked_plan(plan)
        if acting_user is not None:
            require(acting_user, Action.EDIT, locked, visible_with=Action.VIEW_PRIVATE)
        check_version(locked, expected_version=expected_version)
        _refuse_if_locked(locked)
        title_uk, title_en = title_uk.strip(), title_en.strip()
        summary_uk, summary_en, summary_nl = summary_uk.strip(), summary_en.strip(), summary_nl.strip()
        _check_description(
            title_uk=title_uk,
            starts_on=starts_on,
            ends_on=ends_on,
            summaries={"summary_uk": summary_uk, "summary_en": summary_en, "summary_nl": summary_nl},
        )
        if programme is not None and programme.pk != locked.programme_id:
            check_programme(hromada=locked.hromada, programme=programme)
        values: dict[str, object] = {
            "title_uk": title_uk,
            "title_en": title_en,
            "summary_uk": summary_uk,
            "summary_en": summary_en,
            "summary_nl": summary_nl,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "programme": programme,
            "original_language": original_language,
        }
        before = snapshot(locked, DESCRIPTION_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = diff(before, snapshot(locked, DESCRIPTION_FIELDS))
        if not changes:
            locked.version -= 1  # nothing to save: the version stays as it was
            return locked
        locked.full_clean(exclude=["public_version", "created_by"])
        locked.save()
        record(
            actor=actor(acting_user),
            action="plans.plan.updated",
            target=locked,
            changes=changes,
            hromada=locked.hromada,
        )
    return locked


def _document_label(document: HigherLevelDocument) -> str:
    return f"{document.title} ({document.get_document_type_display()})"


def document_add(
    *,
    acting_user: AnyUser | None,
    plan: Plan,
    document_type: str,
    title: str,
    reference: str = "",
    url: str = "",
    linked_plan: Plan | None = None,
) -> HigherLevelDocument:
    """Link a higher-level document the plan must follow (domain.md 2.1: the state and regional
    strategies, the hromada strategy, a comprehensive recovery programme, the spatial plan).

    When the document is itself a plan in Vidnova, ``linked_plan`` points at it: it must be a plan the
    acting user may see, and not this plan; its title is used when ``title`` is empty.
    """
    with transaction.atomic():
        locked = _locked_plan(plan)
        if acting_user is not None:
            require(acting_user, Action.EDIT, locked, visible_with=Action.VIEW_PRIVATE)
        _refuse_if_locked(locked)
        if locked.higher_level_documents.count() >= MAX_DOCUMENTS:
            raise ValidationError(
                gettext("A plan can follow at most %(count)s documents.") % {"count": MAX_DOCUMENTS},
                code="too_many",
            )
        errors: dict[str, str] = {}
        if document_type not in HigherLevelDocumentType.values:
            errors["document_type"] = gettext("Choose a document type from the list.")
        if linked_plan is not None:
            if linked_plan.pk == locked.pk:
                errors["linked_plan"] = gettext("A plan cannot follow itself; choose another plan.")
            elif acting_user is not None and not access.can(acting_user, Action.VIEW, linked_plan):
                errors["linked_plan"] = gettext("Choose a plan you can open in Vidnova.")
            elif locked.higher_level_documents.filter(linked_plan=linked_plan).exists():
                errors["linked_plan"] = gettext("This plan is already linked.")
        title = title.strip() or (linked_plan.title_uk if linked_plan is not None and not errors else "")
        if not title and "linked_plan" not in errors:
            errors["title"] = gettext("Give the title of the document.")
        if errors:
            raise ValidationError(errors)
        document = HigherLevelDocument(
            plan=locked,
            document_type=document_type,
            title=title,
            reference=reference.strip(),
            url=url.strip(),
            linked_plan=linked_plan,
        )
        document.full_clean()
        document.save()
        record(
            actor=actor(acting_user),
            action="plans.document.added",
            target=locked,
            changes={"higher_level_document": ["", _document_label(document)]},
            data={
                "document_id": document.pk,
                "document_type": document_type,
                "reference": document.reference,
                "url": document.url,
                "linked_plan": linked_plan.pk if linked_plan is not None else None,
            },
            hromada=locked.hromada,
        )
    return document


def document_remove(*, acting_user: AnyUser | None, document: HigherLevelDocument) -> None:
    """Unlink a higher-level document from its plan (the audit log keeps what it was)."""
    with transaction.atomic():
        locked = _locked_plan(document.plan)
        if acting_user is not None:
            require(acting_user, Action.EDIT, locked, visible_with=Action.VIEW_PRIVATE)
        _refuse_if_locked(locked)
        current = HigherLevelDocument.objects.filter(pk=document.pk, plan=locked).first()
        if current is None:
            raise ValidationError(gettext("This document is no longer linked to the plan."), code="gone")
        record(
            actor=actor(acting_user),
            action="plans.document.removed",
            target=locked,
            changes={"higher_level_document": [_document_label(current), ""]},
            data={
                "document_id": current.pk,
                "document_type": current.document_type,
                "reference": current.reference,
                "url": current.url,
                "linked_plan": current.linked_plan_id,
            },
            hromada=locked.hromada,
        )
        current.delete()
