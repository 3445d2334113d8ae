"""Writes for assessment instruments: importing XLSForms (versioned by content), exporting them back.

An instrument is identified by the form's ``form_id``. Importing a form whose compiled definition is
already stored for that instrument returns the stored version; a changed form adds a new version
(answers stay tied to the version they answered). See docs/assessment-xlsform.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, require
from vidnova.assessments.models import Instrument, InstrumentVersion
from vidnova.assessments.xlsform import (
    Definition,
    Problem,
    XLSFormRejected,
    compile_xlsform_with_warnings,
    content_hash,
    definition_to_xlsform,
)
from vidnova.audit.services import record

if TYPE_CHECKING:
    from vidnova.accounts.models import User

DEFAULT_INSTRUMENT_PATH = Path(__file__).resolve().parent.parent / "data" / "default_instrument.xlsx"
FORM_ID = re.compile(r"^[-a-zA-Z0-9_]+$")


@dataclass
class InstrumentImport:
    """What an import did: the version (new or already stored) and pyxform's and Vidnova's warnings."""

    version: InstrumentVersion
    created: bool
    warnings: list[str] = field(default_factory=list)


def _names(definition: Definition) -> dict[str, str]:
    title = definition.get("title") or {}
    fallback = title.get(definition["default_language"]) or definition["form_id"]
    return {
        "name_uk": (title.get("uk") or fallback)[:300],
        "name_en": (title.get("en") or "")[:300],
        "name_nl": (title.get("nl") or "")[:300],
    }


def _counts(definition: Definition) -> dict[str, int]:
    questions = [q for q in definition["questions"] if q["type"] != "note"]
    return {
        "dimension_count": sum(1 for group in definition["groups"] if group["is_dimension"]),
        "question_count": len(questions),
        "scored_question_count": sum(1 for q in questions if q["scored"]),
    }


def instrument_import_with_result(
    *, acting_user: User | None, data: bytes, filename: str, is_default: bool = False
) -> InstrumentImport:
    """Import an XLSForm: a new instrument, a new version of one, or the stored version unchanged.

    Raises ``XLSFormRejected`` (an ``ImportRejected``) listing every problem by sheet, row and
    column; nothing is saved then. ``acting_user`` None means the system (commands, the demo).
    """
    if acting_user is not None:
        require(acting_user, Action.EDIT, Instrument())  # programme staff (vidnova.assessments.rules)
    max_bytes = settings.VIDNOVA_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        raise XLSFormRejected(
            [
                Problem(
                    filename or "workbook",
                    None,
                    None,
                    _("The file is larger than %(size)s MB.") % {"size": round(max_bytes / (1024 * 1024), 1)},
                )
            ]
        )
    compiled = compile_xlsform_with_warnings(data, filename)
    definition = compiled.definition
    form_id = definition["form_id"]
    if not FORM_ID.match(form_id) or len(form_id) > 100:
        raise XLSFormRejected(
            [
                Problem(
                    "settings",
                    2,
                    "form_id",
                    _("use at most 100 letters, digits, “_” and “-” (found “%(form_id)s”).") % {"form_id": form_id},
                )
            ],
            compiled.warnings,
        )
    fingerprint = content_hash(definition)
    counts = _counts(definition)
    with transaction.atomic():
        instrument = Instrument.objects.select_for_update().filter(code=form_id).first()
        created_instrument = instrument is None
        if instrument is None:
            instrument = Instrument(code=form_id, is_default=is_default, **_names(definition))
            instrument.full_clean()
            instrument.save()
        else:
            existing = instrument.versions.filter(content_hash=fingerprint).first()
            if existing is not None:
                return InstrumentImport(existing, False, compiled.warnings)
            if is_default and not instrument.is_default:
                instrument.is_default = True
            for key, value in _names(definition).items():
                setattr(instrument, key, value)
            instrument.version += 1
            instrument.save()
        number = (instrument.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        version = InstrumentVersion(
            instrument=instrument,
            number=number,
            form_version=str(definition["form_version"])[:100],
            content_hash=fingerprint,
            definition=definition,
            source_name=Path(filename).name[:255] or "instrument.xlsx",
            languages=list(definition["languages"]),
            imported_by=acting_user,
            **counts,
        )
        version.source_file.save(f"{form_id}-v{number}.xlsx", ContentFile(data), save=False)
        version.save()
        record(
            actor=acting_user,
            action="assessments.instrument.imported" if created_instrument else "assessments.instrument.version_added",
            target=version,
            data={
                "form_id": form_id,
                "form_version": version.form_version,
                "number": number,
                "content_hash": fingerprint,
                "file": version.source_name,
                **counts,
            },
        )
    return InstrumentImport(version, True, compiled.warnings)


def instrument_import(*, acting_user: User | None, data: bytes, filename: str) -> InstrumentVersion:
    """Import an XLSForm and return its version (see ``instrument_import_with_result``)."""
    return instrument_import_with_result(acting_user=acting_user, data=data, filename=filename).version


def instrument_load_default(*, acting_user: User | None = None) -> InstrumentVersion:
    """Load the shipped default instrument through the same import (idempotent)."""
    return instrument_import_with_result(
        acting_user=acting_user,
        data=DEFAULT_INSTRUMENT_PATH.read_bytes(),
        filename=DEFAULT_INSTRUMENT_PATH.name,
        is_default=True,
    ).version


def instrument_xlsform(version: InstrumentVersion) -> bytes:
    """The XLSForm (.xlsx bytes) of a version, rebuilt from its definition; pyxform accepts it and
    re-importing it gives the same version."""
    return definition_to_xlsform(version.definition)
