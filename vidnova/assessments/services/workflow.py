"""The assessment workflow: DRAFT → IN_PROGRESS → SUBMITTED → UNDER_VALIDATION → VALIDATED, and
back to IN_PROGRESS when a coordinator returns it with comments on individual questions.

Every transition is kept (AssessmentTransition) and audited; each guard refuses with a message that
names what is missing (unanswered required questions, invalid answers, open comments).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.assessments import answers as answer_rules
from vidnova.assessments.models import Assessment, AssessmentState, AssessmentTransition, ReturnNote
from vidnova.assessments.services.answers import _lock, actor, ensure_editable
from vidnova.assessments.services.scores import answers_of, assessment_rescore, form_of
from vidnova.audit.services import record

MAX_LISTED = 10
MAX_NOTE_LENGTH = 2_000

# Which states each step leaves from.
SUBMITTABLE = {AssessmentState.DRAFT, AssessmentState.IN_PROGRESS}
VALIDATABLE = {AssessmentState.SUBMITTED, AssessmentState.UNDER_VALIDATION}


def _move(
    assessment: Assessment, to_state: str, *, user: AnyUser, message: str = "", **fields: object
) -> AssessmentTransition:
    from_state = assessment.state
    assessment.state = to_state
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.version += 1
    assessment.save(update_fields=["state", "version", "updated_at", *fields])
    transition = AssessmentTransition.objects.create(
        assessment=assessment, from_state=from_state, to_state=to_state, message=message, actor=actor(user)
    )
    record(
        actor=actor(user),
        action=f"assessments.assessment.{to_state}",
        target=assessment,
        changes={"state": [from_state, to_state]},
        data={"message": message} if message else None,
        hromada=assessment.hromada,
    )
    return transition


def _listed(form: answer_rules.Form, names: list[str]) -> str:
    labels = [f"«{answer_rules.question_label(form.questions[name])}»" for name in names[:MAX_LISTED]]
    more = len(names) - MAX_LISTED
    if more > 0:
        labels.append(_("and %(count)s more") % {"count": more})
    return "; ".join(labels)


def _notify_after_commit(assessment: Assessment, event: str, user: AnyUser, transition: AssessmentTransition) -> None:
    """Enqueue the workflow email (vidnova.assessments.tasks) once the step is committed."""
    assessment_id, transition_id = assessment.pk, transition.pk
    acting = actor(user)
    actor_id = acting.pk if acting is not None else None
    transaction.on_commit(lambda: _enqueue_notifications(assessment_id, event, actor_id, transition_id))


def _enqueue_notifications(assessment_id: int, event: str, actor_id: int | None, transition_id: int) -> None:
    from vidnova.assessments.tasks import send_workflow_notifications

    send_workflow_notifications.enqueue(assessment_id, event, actor_id, transition_id)


def submission_problems(assessment: Assessment) -> list[str]:
    """Why the assessment cannot be submitted yet (empty when it can), in the active language."""
    form = form_of(assessment.round.instrument_version)
    answers = answers_of(assessment)
    problems: list[str] = []
    missing = answer_rules.missing_required(form, answers)
    if missing:
        problems.append(
            _("%(count)s required questions are not answered: %(list)s.")
            % {"count": len(missing), "list": _listed(form, missing)}
        )
    invalid = answer_rules.invalid_answers(form, answers)
    if invalid:
        problems.append(
            _("%(count)s answers no longer meet their conditions: %(list)s.")
            % {"count": len(invalid), "list": _listed(form, list(invalid))}
        )
    open_notes = list(
        ReturnNote.objects.filter(assessment=assessment, resolved_at__isnull=True).values_list("question", flat=True)
    )
    if open_notes:
        names = [name for name in dict.fromkeys(open_notes) if name in form.questions]
        problems.append(
            _(
                "The coordinator’s comments on %(list)s are still open: change the answer or mark the comment as addressed."
            )
            % {"list": _listed(form, names) if names else str(len(open_notes))}
        )
    return problems


def assessment_submit(*, acting_user: AnyUser, assessment: Assessment, message: str = "") -> Assessment:
    with transaction.atomic():
        assessment = _lock(assessment)
        ensure_editable(acting_user, assessment)
        problems = submission_problems(assessment)
        if problems:
            raise ValidationError(problems, code="incomplete")
        if assessment.state == AssessmentState.DRAFT:
            raise ValidationError(_("Answer the questionnaire before submitting it."), code="empty")
        assessment_rescore(assessment)
        transition = _move(
            assessment,
            AssessmentState.SUBMITTED,
            user=acting_user,
            message=message.strip()[:MAX_NOTE_LENGTH],
            submitted_at=timezone.now(),
            submitted_by=actor(acting_user),
        )
        _notify_after_commit(assessment, "submitted", acting_user, transition)
    return assessment


def _ensure_validator(acting_user: AnyUser, assessment: Assessment) -> None:
    require(acting_user, Action.VALIDATE, assessment)
    if assessment.state not in VALIDATABLE:
        raise ValidationError(
            _("Only a submitted assessment can be validated or returned; this one is %(state)s.")
            % {"state": assessment.get_state_display()},
            code="not_submitted",
        )


def assessment_start_validation(*, acting_user: AnyUser, assessment: Assessment) -> Assessment:
    """SUBMITTED → UNDER_VALIDATION: a coordinator takes the assessment to check its evidence."""
    with transaction.atomic():
        assessment = _lock(assessment)
        _ensure_validator(acting_user, assessment)
        if assessment.state == AssessmentState.SUBMITTED:
            _move(assessment, AssessmentState.UNDER_VALIDATION, user=acting_user)
    return assessment


def assessment_validate(*, acting_user: AnyUser, assessment: Assessment, message: str = "") -> Assessment:
    """Accept the answers: the scores become the hromada's validated result."""
    with transaction.atomic():
        assessment = _lock(assessment)
        _ensure_validator(acting_user, assessment)
        if assessment.state == AssessmentState.SUBMITTED:
            _move(assessment, AssessmentState.UNDER_VALIDATION, user=acting_user)
        assessment_rescore(assessment)
        transition = _move(
            assessment,
            AssessmentState.VALIDATED,
            user=acting_user,
            message=message.strip()[:MAX_NOTE_LENGTH],
            validated_at=timezone.now(),
            validated_by=actor(acting_user),
        )
        _notify_after_commit(assessment, "validated", acting_user, transition)
    return assessment


def assessment_return(
    *, acting_user: AnyUser, assessment: Assessment, notes: Mapping[str, str], message: str = ""
) -> Assessment:
    """Send the assessment back to the hromada with comments on individual questions (``notes``:
    question name → comment) and/or a general message. At least one of them is required."""
    cleaned = {name: text.strip() for name, text in notes.items() if text and text.strip()}
    message = message.strip()
    with transaction.atomic():
        assessment = _lock(assessment)
        _ensure_validator(acting_user, assessment)
        if not cleaned and not message:
            raise ValidationError(
                _("Say what to change: comment on at least one question or write a general message."),
                code="no_comment",
            )
        form = form_of(assessment.round.instrument_version)
        errors: dict[str, list[str]] = {}
        for name, text in cleaned.items():
            if name not in form.questions:
                errors.setdefault("notes", []).append(
                    _("The questionnaire has no question “%(name)s”.") % {"name": name}
                )
            elif len(text) > MAX_NOTE_LENGTH:
                errors.setdefault("notes", []).append(
                    _("The comment on «%(question)s» is longer than %(limit)s characters.")
                    % {"question": answer_rules.question_label(form.questions[name]), "limit": MAX_NOTE_LENGTH}
                )
        if len(message) > MAX_NOTE_LENGTH:
            errors.setdefault("message", []).append(
                _("The message is longer than %(limit)s characters.") % {"limit": MAX_NOTE_LENGTH}
            )
        if errors:
            raise ValidationError(errors)
        if assessment.state == AssessmentState.SUBMITTED:
            _move(assessment, AssessmentState.UNDER_VALIDATION, user=acting_user)
        transition = _move(assessment, AssessmentState.IN_PROGRESS, user=acting_user, message=message)
        ReturnNote.objects.bulk_create(
            ReturnNote(
                assessment=assessment,
                transition=transition,
                question=name,
                message=text,
                created_by=actor(acting_user),
            )
            for name, text in cleaned.items()
        )
        _notify_after_commit(assessment, "returned", acting_user, transition)
    return assessment


def return_note_resolve(*, acting_user: AnyUser, note: ReturnNote) -> ReturnNote:
    """The editor marks a comment as addressed without changing the answer (for example after
    explaining in the answer's comment)."""
    with transaction.atomic():
        assessment = _lock(note.assessment)
        ensure_editable(acting_user, assessment)
        note = ReturnNote.objects.select_for_update().get(pk=note.pk)
        if note.resolved_at is None:
            note.resolved_at = timezone.now()
            note.resolved_by = actor(acting_user)
            note.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
            record(
                actor=actor(acting_user),
                action="assessments.return_note.resolved",
                target=assessment,
                data={"question": note.question},
                hromada=assessment.hromada,
            )
    return note
