"""project_transition and the documents of a project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from vidnova.accounts.models import Role
from vidnova.audit.models import AuditEntry
from vidnova.projects.models import Project, ProjectDocument, ProjectTransition
from vidnova.projects.services.projects import (
    allowed_transitions,
    document_add,
    document_remove,
    project_create,
    project_transition,
)
from vidnova.testing import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def project(world: Any) -> Project:
    return project_create(
        acting_user=None, hromada=world.hromada, data={"title_uk": "Школа", "programme": world.programme}
    )


def _walk(project: Project, user: Any, *states: str) -> Project:
    for state in states:
        project = project_transition(acting_user=user, project=project, to_state=state, reason=f"до {state}")
    return project


def test_editor_moves_the_project_through_preparation(world: Any, project: Project) -> None:
    project = _walk(project, world.editor, "concept", "appraisal", "structuring", "applied")
    project.refresh_from_db()
    assert project.state == "applied"
    assert project.readiness == 5  # raised to "applied or approved for funding"
    assert project.version == 5
    assert list(project.transitions.values_list("from_state", "to_state")) == [
        ("idea", "concept"),
        ("concept", "appraisal"),
        ("appraisal", "structuring"),
        ("structuring", "applied"),
    ]
    last = ProjectTransition.objects.order_by("pk").last()
    assert last is not None
    assert last.actor == world.editor
    assert last.reason == "до applied"
    entry = AuditEntry.objects.filter(action="projects.project.transitioned").order_by("pk").last()
    assert entry is not None
    assert entry.changes["state"] == ["structuring", "applied"]
    assert entry.changes["readiness"] == [2, 5]
    assert entry.data["reason"] == "до applied"


def test_funding_decision_is_for_the_programme_staff(world: Any, project: Project) -> None:
    project = _walk(project, world.editor, "concept", "appraisal", "structuring", "applied")
    assert "approved" not in allowed_transitions(world.editor, project)
    with pytest.raises(PermissionDenied):
        project_transition(acting_user=world.editor, project=project, to_state="approved", reason="так")
    other_programme = factories.ProgrammeFactory(slug="other")
    stranger = factories.UserFactory()
    factories.MembershipFactory(user=stranger, role=Role.PROGRAMME_COORDINATOR, programme=other_programme)
    with pytest.raises(PermissionDenied):
        project_transition(acting_user=stranger, project=project, to_state="refused", reason="ні")
    project.refresh_from_db()
    assert project.state == "applied"
    assert "approved" in allowed_transitions(world.coordinator, project)
    project = project_transition(
        acting_user=world.coordinator, project=project, to_state="approved", reason="Рішення комісії"
    )
    project = project_transition(acting_user=world.editor, project=project, to_state="implementation", reason="Тендер")
    assert project.readiness == 6
    project = project_transition(acting_user=world.editor, project=project, to_state="completion", reason="Акт")
    with pytest.raises(PermissionDenied):
        project_transition(acting_user=world.editor, project=project, to_state="ex_post_evaluated", reason="x")
    project = project_transition(
        acting_user=world.admin, project=project, to_state="ex_post_evaluated", reason="Оцінка"
    )
    assert project.state == "ex_post_evaluated"
    assert allowed_transitions(world.admin, project) == []


def test_any_staff_decides_for_a_project_without_programme(world: Any) -> None:
    project = project_create(acting_user=None, hromada=world.other_hromada, data={"title_uk": "А"})
    project = _walk(project, None, "concept", "appraisal", "structuring", "applied")
    stranger = factories.UserFactory()
    factories.MembershipFactory(
        user=stranger, role=Role.PROGRAMME_COORDINATOR, programme=factories.ProgrammeFactory(slug="x")
    )
    assert project_transition(acting_user=stranger, project=project, to_state="refused", reason="ні").state == "refused"


def test_readiness_is_never_lowered(world: Any) -> None:
    project = project_create(acting_user=None, hromada=world.hromada, data={"title_uk": "А", "readiness": 4})
    project = _walk(project, world.editor, "concept", "appraisal", "structuring")
    assert project.readiness == 4
    project = _walk(project, world.editor, "cancelled", "idea")
    assert project.readiness == 4
    assert project.state == "idea"


@pytest.mark.parametrize(
    ("to_state", "reason", "key"),
    [("approved", "x", "to_state"), ("nowhere", "x", "to_state"), ("concept", "  ", "reason")],
)
def test_bad_transitions_are_refused(world: Any, project: Project, to_state: str, reason: str, key: str) -> None:
    with pytest.raises(ValidationError) as error:
        project_transition(acting_user=world.coordinator, project=project, to_state=to_state, reason=reason)
    assert key in error.value.message_dict
    project.refresh_from_db()
    assert project.state == "idea"
    assert not project.transitions.exists()


def test_transition_access(world: Any, project: Project) -> None:
    with pytest.raises(Http404):
        project_transition(acting_user=world.outsider, project=project, to_state="concept", reason="x")
    for user in (world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            project_transition(acting_user=user, project=project, to_state="concept", reason="x")
        assert allowed_transitions(user, project) == []
    assert not project.transitions.exists()


# --- documents ---------------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_file_document_is_checked_by_content(
    world: Any, project: Project, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = document_add(
        acting_user=world.editor,
        project=project,
        document_type="feasibilityStudy",
        title="ТЕО школи",
        file=SimpleUploadedFile("teo.bin", PDF, content_type="application/octet-stream"),
    )
    assert str(document.file.name).endswith(f"{project.code}-feasibilityStudy.pdf")
    assert document.added_by == world.editor
    storage, stored = document.file.storage, str(document.file.name)
    with storage.open(stored) as handle:
        assert handle.read() == PDF
    entry = AuditEntry.objects.get(action="projects.document.added")
    assert entry.data["document_type"] == "feasibilityStudy"

    # A PNG named .pdf is stored as the image it is; a program is refused.
    photo = document_add(
        acting_user=world.editor,
        project=project,
        document_type="illustrationDamaged",
        title="Фото",
        file=SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf"),
    )
    assert str(photo.file.name).endswith(".png")
    with pytest.raises(ValidationError) as error:
        document_add(
            acting_user=world.editor,
            project=project,
            document_type="document",
            title="Програма",
            file=SimpleUploadedFile("act.pdf", b"MZ" + b"\x00" * 100),
        )
    assert "file" in error.value.message_dict
    assert ProjectDocument.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        document_remove(acting_user=world.editor, document=document)
    assert not ProjectDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(stored)
    assert AuditEntry.objects.filter(action="projects.document.removed").count() == 1


def test_large_files_are_refused(world: Any, project: Project, media: Path) -> None:
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        document_add(acting_user=world.editor, project=project, document_type="document", title="Великий", file=big)
    assert "file" in error.value.message_dict
    assert not ProjectDocument.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"document_type": "selfie", "url": "https://example.org/a.pdf"}, "document_type"),
        ({"title": "", "url": "https://example.org/a.pdf"}, "title"),
        ({"url": "ftp://example.org/a.pdf"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({}, "file"),
        ({"url": "https://example.org/a.pdf", "file": SimpleUploadedFile("a.pdf", PDF)}, "url"),
    ],
)
def test_bad_documents_are_refused(world: Any, project: Project, media: Path, kwargs: dict[str, Any], key: str) -> None:
    arguments = {"document_type": "designDocument", "title": "ПКД", **kwargs}
    with pytest.raises(ValidationError) as error:
        document_add(acting_user=world.editor, project=project, **arguments)
    assert key in error.value.message_dict
    assert not ProjectDocument.objects.exists()


def test_link_document_and_access(world: Any, project: Project, media: Path) -> None:
    with pytest.raises(Http404):
        document_add(
            acting_user=world.outsider,
            project=project,
            document_type="designDocument",
            title="ПКД",
            url="https://example.org/pkd",
        )
    for user in (world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            document_add(
                acting_user=user,
                project=project,
                document_type="designDocument",
                title="ПКД",
                url="https://example.org/pkd",
            )
    document = document_add(
        acting_user=world.coordinator,
        project=project,
        document_type="designDocument",
        title="ПКД",
        url="https://example.org/pkd",
    )
    assert document.url == "https://example.org/pkd"
    assert not document.file
    with pytest.raises(PermissionDenied):
        document_remove(acting_user=world.viewer, document=document)
    with pytest.raises(Http404):
        document_remove(acting_user=world.outsider, document=document)
    document_remove(acting_user=world.editor, document=document)
    assert not ProjectDocument.objects.exists()
