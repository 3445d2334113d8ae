"""Background work of the assessment workflow: the emails that tell people about a step.

* submitted → the programme's coordinators and administrators (they validate);
* returned (with the comments on individual questions) and validated → the hromada's editors.

Each person gets the email in their own language (Ukrainian until they choose). Tasks take ids, are
enqueued after the commit (vidnova.assessments.services.workflow) and tolerate that rows have gone.
"""

from __future__ import annotations

import enum
import logging

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import PROGRAMME_ROLES, Role, User
from vidnova.assessments import answers as answer_rules
from vidnova.assessments.models import Assessment, AssessmentTransition, ReturnNote
from vidnova.assessments.services.scores import form_of

logger = logging.getLogger(__name__)


class WorkflowEvent(enum.StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VALIDATED = "validated"


def recipient_language(user: User) -> str:
    """The recipient's chosen language, Ukrainian until they choose."""
    languages = dict(settings.LANGUAGES)
    return user.preferred_language if user.preferred_language in languages else "uk"


def recipients(assessment: Assessment, event: WorkflowEvent, acting: User | None) -> list[User]:
    """Who is told: the programme's staff of a submission, the hromada's editors of a return or a
    validation; never the person who acted, and only people who may still see the assessment."""
    if event == WorkflowEvent.SUBMITTED:
        candidates = User.objects.filter(
            memberships__role__in=PROGRAMME_ROLES, memberships__programme_id=assessment.round.programme_id
        )
    else:
        candidates = User.objects.filter(
            memberships__role=Role.HROMADA_EDITOR, memberships__hromada_id=assessment.hromada_id
        )
    acting_id = acting.pk if acting is not None else None
    chosen = [
        user
        for user in candidates.filter(is_active=True).distinct()
        if user.pk != acting_id and user.email and access.can(user, Action.VIEW, assessment)
    ]
    return sorted(chosen, key=lambda user: user.email)


def _link(event: WorkflowEvent, assessment: Assessment) -> str:
    if event == WorkflowEvent.SUBMITTED:
        path = reverse("assessments:review", kwargs={"pk": assessment.pk})
    elif event == WorkflowEvent.VALIDATED:
        path = reverse("assessments:hromada-results", kwargs={"katottg": assessment.hromada.katottg})
    else:
        try:
            path = reverse("assessments:assessment-detail", kwargs={"pk": assessment.pk})
        except NoReverseMatch:  # the filling-in pages are not installed
            path = reverse("assessments:hromada-results", kwargs={"katottg": assessment.hromada.katottg})
    return f"{settings.SITE_URL}{path}"


def workflow_notification_send(
    *, assessment: Assessment, event: WorkflowEvent, acting: User | None, transition: AssessmentTransition | None
) -> int:
    """Email everyone concerned by ``event``, each in their language; returns how many were sent."""
    people = recipients(assessment, event, acting)
    if not people:
        return 0
    notes = (
        list(ReturnNote.objects.filter(transition=transition).order_by("pk"))
        if transition is not None and event == WorkflowEvent.RETURNED
        else []
    )
    form = form_of(assessment.round.instrument_version) if notes else None
    messages = []
    for person in people:
        language = recipient_language(person)
        with translation.override(language):
            context = {
                "event": event.value,
                "language": language,
                "actor_name": str(acting) if acting is not None else gettext("Vidnova"),
                "hromada": assessment.hromada.name_uk
                if language == "uk"
                else (assessment.hromada.name_en or assessment.hromada.name_latin),
                "round_name": assessment.round.name,
                "programme": assessment.round.programme.name,
                "message": transition.message if transition is not None else "",
                "notes": [
                    (
                        answer_rules.question_label(form.questions[n.question], language)
                        if form is not None and n.question in form.questions
                        else n.question,
                        n.message,
                    )
                    for n in notes
                ],
                "link": _link(event, assessment),
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(render_to_string("assessments/email/workflow_subject.txt", context).split())
            text_body = render_to_string("assessments/email/workflow_body.txt", context)
            html_body = render_to_string("assessments/email/workflow_body.html", context)
        message = mail.EmailMultiAlternatives(
            subject=subject, body=text_body, from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email]
        )
        message.attach_alternative(html_body, "text/html")
        messages.append(message)
    with mail.get_connection() as connection:
        sent = connection.send_messages(messages)
    return int(sent or 0)


@task()
def send_workflow_notifications(
    assessment_id: int, event: str, actor_id: int | None = None, transition_id: int | None = None
) -> int:
    """Email the people concerned by a workflow step ("submitted", "returned", "validated") of
    assessment ``assessment_id``; enqueued after the commit. Returns the number of emails sent."""
    assessment = (
        Assessment.objects.select_related("round__programme", "round__instrument_version", "hromada")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        logger.warning("Assessment %s no longer exists; no email sent.", assessment_id)
        return 0
    try:
        kind = WorkflowEvent(event)
    except ValueError:
        logger.error("Unknown assessment event %r for assessment %s; no email sent.", event, assessment_id)
        return 0
    acting = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
    transition = (
        AssessmentTransition.objects.filter(pk=transition_id, assessment=assessment).first()
        if transition_id is not None
        else None
    )
    return workflow_notification_send(assessment=assessment, event=kind, acting=acting, transition=transition)
