"""Reading the audit log. Callers decide access first (vidnova.accounts.access)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from vidnova.audit.models import AuditEntry


def history_for(target: models.Model) -> QuerySet[AuditEntry]:
    """Every entry about ``target``, newest first."""
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
            object_id=str(target.pk),
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def history_for_hromada(hromada: models.Model) -> QuerySet[AuditEntry]:
    """Every entry about the hromada itself or about records that belong to it, newest first."""
    content_type = ContentType.objects.get_for_model(hromada, for_concrete_model=True)
    return (
        AuditEntry.objects.filter(
            models.Q(hromada_id=hromada.pk) | models.Q(content_type=content_type, object_id=str(hromada.pk))
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def history_for_programme(programme: models.Model) -> QuerySet[AuditEntry]:
    """Entries about the programme itself and about hromadas joining or leaving its phases."""
    content_type = ContentType.objects.get_for_model(programme, for_concrete_model=True)
    return (
        AuditEntry.objects.filter(
            models.Q(content_type=content_type, object_id=str(programme.pk))
            | models.Q(
                action__startswith="programmes.participation.",
                data__programme=getattr(programme, "slug", None),
            )
        )
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
