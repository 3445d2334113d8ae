"""Answering an assessment: one answer at a time (the form saves each answer as it is given), with a
comment and evidence (files or links).

Nothing typed is lost and nothing is overwritten: every answer carries a version; a save based on an
older version than the stored one is not applied and raises ``AnswerConflict`` with both values, so
the person chooses. The first answer moves the assessment from DRAFT to IN_PROGRESS. Every change
recomputes the stored scores and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import rules
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    AssessmentTransition,
    Evidence,
    ReturnNote,
    RoundStatus,
)
from vidnova.assessments.services.scores import answers_of, assessment_rescore, form_of
from vidnova.audit.services import record
from vidnova.core.uploads import validate_upload

# Evidence: PDF, images and office documents, checked by content (vidnova.core.uploads).
EVIDENCE_KINDS = frozenset({"pdf", "image", "docx", "xlsx", "odt"})
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_PER_ANSWER = 10
MAX_COMMENT_LENGTH = 5_000


def actor(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


@dataclass
class AnswerConflict(Exception):
    """Someone saved this answer after the person loaded it: both values, so they can choose."""

    question: str
    yours: str
    theirs: str
    their_comment: str
    their_version: int
    their_author: str

    def __str__(self) -> str:
        return f"answer {self.question}: expected an older version, found {self.their_version}"


def _lock(assessment: Assessment) -> Assessment:
    """The assessment row, locked for this transaction (PostgreSQL; SQLite serialises writers)."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__instrument_version", "hromada")
        .get(pk=assessment.pk)
    )


def ensure_editable(acting_user: AnyUser, assessment: Assessment) -> None:
    """404 for outsiders; 403 for those who may only read; then a clear message when the round is
    closed or the assessment is with the validators."""
    require(acting_user, Action.VIEW, assessment)
    if not (acting_user.is_superuser or rules.may_answer(access.roles_of(acting_user), assessment)):
        raise PermissionDenied
    if assessment.round.status == RoundStatus.CLOSED:
        raise ValidationError(
            _("The round “%(round)s” is closed; answers can no longer be changed.") % {"round": assessment.round},
            code="round_closed",
        )
    if assessment.state not in {AssessmentState.DRAFT, AssessmentState.IN_PROGRESS}:
        raise ValidationError(
            _("This assessment is %(state)s and cannot be changed until the coordinator returns it.")
            % {"state": assessment.get_state_display()},
            code="not_editable",
        )
    require(acting_user, Action.EDIT, assessment)


def start(assessment: Assessment, user: User | None) -> None:
    """DRAFT → IN_PROGRESS on the first change, with the transition recorded."""
    if assessment.state != AssessmentState.DRAFT:
        return
    assessment.state = AssessmentState.IN_PROGRESS
    assessment.started_at = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(state=assessment.state, started_at=assessment.started_at)
    AssessmentTransition.objects.create(
        assessment=assessment, from_state=AssessmentState.DRAFT, to_state=AssessmentState.IN_PROGRESS, actor=user
    )
    record(
        actor=user,
        action="assessments.assessment.started",
        target=assessment,
        changes={"state": [AssessmentState.DRAFT, AssessmentState.IN_PROGRESS]},
        hromada=assessment.hromada,
    )


def answer_save(
    *,
    acting_user: AnyUser,
    assessment: Assessment,
    question: str,
    value: str | list[str] | None,
    comment: str | None = None,
    expected_version: int | None,
) -> Answer:
    """Save one answer (and optionally its comment).

    ``expected_version`` is the version the person's page showed: 0 when there was no answer yet,
    ``None`` for non-interactive writers that take the latest. A stale version raises AnswerConflict
    unless the stored value is already the one sent. An invalid value raises AnswerInvalid with the
    form's own message; nothing is saved.
    """
    user = actor(acting_user)
    with transaction.atomic():
        assessment = _lock(assessment)
        ensure_editable(acting_user, assessment)
        form = form_of(assessment.round.instrument_version)
        current = answers_of(assessment)
        others = {name: val for name, val in current.items() if name != question}
        cleaned = answer_rules.clean_value(form, question, value, others)
        comment_text = None if comment is None else comment.strip()
        if comment_text is not None and len(comment_text) > MAX_COMMENT_LENGTH:
            raise answer_rules.AnswerInvalid(
                question,
                _("The comment is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(comment_text), "limit": MAX_COMMENT_LENGTH},
            )
        answer = Answer.objects.filter(assessment=assessment, question=question).first()
        stored_is_empty = answer is not None and not answer.value and not answer.comment
        if (
            answer is not None
            and expected_version is not None
            and answer.version != expected_version
            and not stored_is_empty
        ):
            same_comment = comment_text is None or comment_text == answer.comment
            if not (answer.value == cleaned and same_comment):
                raise AnswerConflict(
                    question=question,
                    yours=cleaned,
                    theirs=answer.value,
                    their_comment=answer.comment,
                    their_version=answer.version,
                    their_author=(answer.answered_by.get_full_name() or answer.answered_by.email)
                    if answer.answered_by
                    else "",
                )
            return answer
        if answer is None:
            answer = Answer(assessment=assessment, question=question, version=0)
        before = {"value": answer.value, "comment": answer.comment}
        if answer.pk and answer.value == cleaned and (comment_text is None or comment_text == answer.comment):
            return answer
        answer.value = cleaned
        if comment_text is not None:
            answer.comment = comment_text
        answer.version += 1
        answer.answered_by = user
        answer.save()
        start(assessment, user)
        if before["value"] != answer.value:
            # The open validator comments on this question are answered by changing the answer.
            ReturnNote.objects.filter(assessment=assessment, question=question, resolved_at__isnull=True).update(
                resolved_at=timezone.now(), resolved_by=user
            )
        current[question] = cleaned
        assessment_rescore(assessment, current)
        record(
            actor=user,
            action="assessments.answer.saved",
            target=assessment,
            changes={
                key: [before[key], getattr(answer, key)]
                for key in ("value", "comment")
                if before[key] != getattr(answer, key)
            },
            data={"question": question, "version": answer.version},
            hromada=assessment.hromada,
        )
    return answer


def evidence_add(
    *,
    acting_user: AnyUser,
    assessment: Assessment,
    question: str,
    file: UploadedFile[bytes] | None = None,
    url: str = "",
    description: str = "",
) -> Evidence:
    """Attach a file (PDF, image, office document; checked by content, at most 20 MB) or a link to an
    answer. An answer row is created (empty) when the question has none yet."""
    user = actor(acting_user)
    ensure_editable(acting_user, assessment)  # who may attach is decided before the file is read
    url = (url or "").strip()
    if (file is None) == (not url):
        raise ValidationError(_("Attach either a file or a link."), code="evidence_kind")
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"url": _("Enter a full web address starting with https:// or http://.")}) from None
    if file is not None:
        try:
            validate_upload(file, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
    with transaction.atomic():
        assessment = _lock(assessment)
        ensure_editable(acting_user, assessment)
        form = form_of(assessment.round.instrument_version)
        if form.question(question)["type"] not in answer_rules.ANSWERABLE_TYPES:
            raise ValidationError(_("Evidence can only be attached to questions, not to notes."))
        answer, _created = Answer.objects.get_or_create(
            assessment=assessment, question=question, defaults={"answered_by": user, "version": 0}
        )
        if answer.evidence.count() >= MAX_EVIDENCE_PER_ANSWER:
            raise ValidationError(
                _("An answer can have at most %(limit)s pieces of evidence; remove one first.")
                % {"limit": MAX_EVIDENCE_PER_ANSWER}
            )
        evidence = Evidence(answer=answer, url=url, description=description.strip()[:300], added_by=user)
        if file is not None:
            evidence.file_name = (file.name or "evidence")[-255:]
            evidence.file_size = file.size
            evidence.file.save(evidence.file_name, file, save=False)
        evidence.save()
        start(assessment, user)
        record(
            actor=user,
            action="assessments.evidence.added",
            target=assessment,
            data={"question": question, "file": evidence.file_name, "url": url},
            hromada=assessment.hromada,
        )
    return evidence


def evidence_remove(*, acting_user: AnyUser, evidence: Evidence) -> None:
    user = actor(acting_user)
    with transaction.atomic():
        assessment = _lock(evidence.answer.assessment)
        ensure_editable(acting_user, assessment)
        data = {"question": evidence.answer.question, "file": evidence.file_name, "url": evidence.url}
        stored = evidence.file.name if evidence.file else ""
        storage = evidence.file.storage
        evidence.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
        record(
            actor=user, action="assessments.evidence.removed", target=assessment, data=data, hromada=assessment.hromada
        )
