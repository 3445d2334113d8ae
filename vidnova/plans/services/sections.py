"""Writing plan sections: rich text, structured tables, registry figures, autosaved drafts and restores.

Every save of a section bumps its version, is kept as a SectionRevision with that number (so the
history shows and can restore every text) and is audited. Edits of a frozen (adopted) version and
edits in a workflow state that is no longer editable are refused; a stale ``expected_version`` raises
EditConflict and nothing is overwritten.
"""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, can, require
from vidnova.accounts.models import User
from vidnova.assessments.answers import text_in_language
from vidnova.assessments.models import Assessment
from vidnova.assessments.selectors.needs import dimension_labels, latest_validated
from vidnova.audit.services import record
from vidnova.core.concurrency import check_version
from vidnova.plans import catalogue, tables, text
from vidnova.plans.models import Section, SectionCode, SectionDraft, SectionRevision
from vidnova.plans.services.plans import actor
from vidnova.plans.workflow import workflow_for
from vidnova.programmes.models import Field
from vidnova.registry import selectors as registry_selectors
from vidnova.registry.models import CodifierUnit, Hromada, SecurityStatus
from vidnova.registry.translit import translit

# The source written next to every figure taken from the registry (the hromada page credits the same
# data: the KATOTTG codifier and the Vidnova registry built on it).
REGISTRY_SOURCE = "State registry (KATOTTG) / Vidnova registry"
KEY_FIGURES = "key_figures"

# Text with none of these tags is read as plain text: blank lines separate paragraphs, single line
# breaks are kept. People who type without the toolbar get paragraphs, not one long line.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|h[1-6]|ul|ol|li|table|blockquote|br)\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def _field_labels() -> dict[str, str]:
    return {"body_uk": gettext("Text (Ukrainian)"), "body_en": gettext("Text (English)")}


def _newlines(raw: str | None) -> str:
    """Line breaks as ``\n`` (browsers send ``\r\n`` from text boxes)."""
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n")


def _as_paragraphs(raw: str) -> str:
    """Plain text becomes paragraphs; text that already has block-level HTML is left as typed."""
    raw = _newlines(raw).strip()
    if not raw or _BLOCK_TAG.search(raw):
        return raw
    paragraphs = [part.strip() for part in _BLANK_LINE.split(raw) if part.strip()]
    return "\n".join("<p>" + part.replace("\n", "<br>\n") + "</p>" for part in paragraphs)


def clean_bodies(*, body_uk: str, body_en: str) -> dict[str, str]:
    """Both texts sanitised, or a ValidationError naming each language that is over the size limit.

    Over-size text is refused, never truncated: nothing of it is saved.
    """
    labels = _field_labels()
    cleaned: dict[str, str] = {}
    errors: dict[str, ValidationError] = {}
    for field, raw in (("body_uk", body_uk), ("body_en", body_en)):
        try:
            # The size is checked on what the person sent, before any conversion.
            text.clean_rich_text(raw or "", field_label=labels[field])
            cleaned[field] = text.sanitize(_as_paragraphs(raw or ""))
        except ValidationError as error:
            errors[field] = error
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lock_for_edit(acting_user: AnyUser | None, section: Section) -> Section:
    """The section, locked for the rest of the transaction, once access and the plan's state allow
    an edit (404 for whoever may not see the plan's drafts, 403 for whoever may not edit it,
    including everyone on an adopted version)."""
    locked = (
        Section.objects.select_for_update(of=("self",))
        .select_related("plan_version", "plan_version__plan", "plan_version__plan__hromada")
        .get(pk=section.pk)
    )
    if acting_user is not None:
        require(acting_user, Action.EDIT, locked, visible_with=Action.VIEW_PRIVATE)
    version = locked.plan_version
    plan = version.plan
    if version.is_frozen:
        raise ValidationError(
            gettext("Version %(number)s of this plan was adopted and cannot be changed; start an amendment instead.")
            % {"number": version.number}
        )
    if not workflow_for(plan.plan_type).is_editable(plan.state):
        raise ValidationError(
            gettext("Sections cannot be changed while the plan is at the stage “%(state)s”.")
            % {"state": plan.get_state_display()}
        )
    return locked


def _write_revision(section: Section, acting_user: AnyUser | None) -> SectionRevision:
    return SectionRevision.objects.create(
        section=section,
        number=section.version,
        body_uk=section.body_uk,
        body_en=section.body_en,
        tables=copy.deepcopy(section.tables),
        author=actor(acting_user),
    )


def _delete_draft(section: Section, acting_user: AnyUser | None) -> None:
    if isinstance(acting_user, User):
        SectionDraft.objects.filter(section=section, author=acting_user).delete()


def _audit_data(section: Section, **extra: Any) -> dict[str, Any]:
    return {
        "plan": section.plan_version.plan_id,
        "plan_version": section.plan_version.number,
        "section": section.code,
        "revision": section.version,
        **extra,
    }


def section_save(
    *, acting_user: AnyUser | None, section: Section, expected_version: int, body_uk: str, body_en: str
) -> Section:
    """Save the Ukrainian and English text of a section.

    The text is sanitised (only the safe subset of text.ALLOWED_TAGS stays); a text above the size
    limit is refused with a message naming its language. A save that changes nothing writes no
    revision and keeps the version. The author's autosaved draft is deleted: it is now saved.
    """
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        cleaned = clean_bodies(body_uk=body_uk, body_en=body_en)
        current_version = section.version
        check_version(section, expected_version=expected_version)
        before = {"body_uk": section.body_uk, "body_en": section.body_en}
        changed = [field for field in ("body_uk", "body_en") if before[field] != cleaned[field]]
        _delete_draft(section, acting_user)
        if not changed:
            section.version = current_version  # nothing to save: no new version, no revision
            return section
        section.body_uk = cleaned["body_uk"]
        section.body_en = cleaned["body_en"]
        section.updated_by = actor(acting_user)
        section.save(update_fields=["body_uk", "body_en", "updated_by", "version", "updated_at"])
        _write_revision(section, acting_user)
        # The texts themselves are in the revision; the log keeps their lengths, not 200,000 characters.
        record(
            actor=actor(acting_user),
            action="plans.section.saved",
            target=section,
            changes={field: [len(before[field]), len(cleaned[field])] for field in changed},
            data=_audit_data(section, changed=changed),
            hromada=section.plan_version.plan.hromada,
        )
    return section


def section_tables_save(
    *,
    acting_user: AnyUser | None,
    section: Section,
    expected_version: int,
    table_code: str,
    rows: list[dict[str, Any]],
) -> Section:
    """Replace the rows of one of the section's tables (only tables the catalogue lists for it).

    Every cell is validated by tables.clean_rows; a bad cell is refused with the table, row and column
    named and nothing is saved. Empty rows are dropped.
    """
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        spec = catalogue.spec_for(section.code)
        if table_code not in spec.tables:
            raise ValidationError(
                {
                    "table_code": gettext("The section “%(section)s” has no table “%(table)s”.")
                    % {"section": section.get_code_display(), "table": table_code}
                }
            )
        cleaned = tables.clean_rows(table_code, list(rows))
        current_version = section.version
        check_version(section, expected_version=expected_version)
        before = list(section.tables.get(table_code, []))
        if before == cleaned:
            section.version = current_version
            return section
        new_tables = copy.deepcopy(section.tables)
        new_tables[table_code] = cleaned
        section.tables = new_tables
        section.updated_by = actor(acting_user)
        section.save(update_fields=["tables", "updated_by", "version", "updated_at"])
        _write_revision(section, acting_user)
        record(
            actor=actor(acting_user),
            action="plans.section.tables_saved",
            target=section,
            changes={f"tables.{table_code}": [len(before), len(cleaned)]},
            data=_audit_data(section, table=table_code, rows=len(cleaned)),
            hromada=section.plan_version.plan.hromada,
        )
    return section


# --- figures from the registry ----------------------------------------------------------------
#
# Each registry figure has a fixed indicator name; a row with the same indicator (in either
# language) is the same figure and is replaced on the next insert, so inserting again refreshes the
# figures without touching the rows the hromada added itself.


def _in(language: str, value: Any) -> str:
    with translation.override(language):
        return str(value)


def _date_in(language: str, day: datetime.date) -> str:
    with translation.override(language):
        return str(date_format(day, "j E Y р." if language == "uk" else "j F Y"))


_STEMS: tuple[tuple[str, str], ...] = (
    ("Населення", "Population"),
    ("Площа", "Area"),
    ("Адміністративний центр", "Administrative centre"),
    ("Кількість населених пунктів", "Number of settlements"),
    ("Безпекова ситуація", "Security status"),
)


def _same_indicator(row: dict[str, Any], stem_uk: str, stem_en: str) -> bool:
    for value, stem in ((str(row.get("indicator_uk") or ""), stem_uk), (str(row.get("indicator_en") or ""), stem_en)):
        value = value.strip().casefold()
        stem = stem.casefold()
        if value == stem or value.startswith(stem + " (") or value.startswith(stem + ":"):
            return True
    return False


def _centre_in_latin(hromada: Hromada) -> str:
    """The administrative centre's official Latin name (from the codifier, else transliterated)."""
    latin = (
        CodifierUnit.objects.filter(katottg=hromada.admin_center_katottg).values_list("name_latin", flat=True).first()
        if hromada.admin_center_katottg
        else None
    )
    return latin or translit(hromada.admin_center_name)


def registry_profile_rows(hromada: Hromada, *, today: datetime.date | None = None) -> list[dict[str, str]]:
    """The key-figure rows the registry can give for ``hromada`` today, in both languages.

    Figures the registry does not have (no population recorded, no security status set) are left
    out, so an existing row of the hromada's own is kept rather than emptied.
    """
    today = today or timezone.localdate()
    rows: list[dict[str, str]] = []

    def add(
        uk: str,
        en: str,
        value: str,
        *,
        value_en: str = "",
        unit: str = "",
        as_of: datetime.date,
        source: str = REGISTRY_SOURCE,
    ) -> None:
        rows.append(
            {
                "indicator_uk": uk,
                "indicator_en": en,
                "value": value,
                "value_en": value_en,
                "unit": unit,
                "as_of": as_of.isoformat(),
                "source": source[: tables.MAX_CELL_CHARS],
            }
        )

    if hromada.population_2022 is not None:
        add(
            "Населення (наявне)",
            "Population (present)",
            str(hromada.population_2022),
            unit="осіб / people",
            as_of=datetime.date(2022, 1, 1),
        )
    if hromada.area_km2 is not None:
        add("Площа", "Area", str(hromada.area_km2), unit="км² / km²", as_of=today)
    if hromada.admin_center_name:
        add(
            "Адміністративний центр",
            "Administrative centre",
            hromada.admin_center_name,
            value_en=_centre_in_latin(hromada),
            as_of=today,
        )
    if hromada.settlement_count is not None:
        add("Кількість населених пунктів", "Number of settlements", str(hromada.settlement_count), as_of=today)
    period = registry_selectors.security_status_on(hromada, today)
    if period is not None:
        source = f"{REGISTRY_SOURCE}; {period.source}" if period.source else REGISTRY_SOURCE
        label = SecurityStatus(period.status).label  # lazy: read in each language below
        add(
            "Безпекова ситуація",
            "Security status",
            f"{_in('uk', label)} (з {_date_in('uk', period.starts_on)})",
            value_en=f"{_in('en', label)} (since {_date_in('en', period.starts_on)})",
            as_of=today,
            source=source,
        )
    return rows


def section_insert_registry_profile(*, acting_user: AnyUser | None, section: Section, expected_version: int) -> Section:
    """Fill the profile's key figures from the registry: population, area, administrative centre and
    the security status today, each with its source and date.

    Rows of the same indicators are replaced; every other row is kept, after the registry's.
    """
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        if not catalogue.spec_for(section.code).registry_profile:
            raise ValidationError(
                gettext("Registry figures can only be inserted into the section “%(section)s”.")
                % {"section": SectionCode.PROFILE.label}
            )
        hromada = section.plan_version.plan.hromada
        figures = registry_profile_rows(hromada)
        if not figures:
            raise ValidationError(gettext("The registry has no figures for %(hromada)s.") % {"hromada": hromada})
        inserted_stems = [stem for stem in _STEMS if any(_same_indicator(row, *stem) for row in figures)]
        kept = [
            row
            for row in section.tables.get(KEY_FIGURES, [])
            if not any(_same_indicator(row, *stem) for stem in inserted_stems)
        ]
        cleaned = tables.clean_rows(KEY_FIGURES, [*figures, *kept])
        current_version = section.version
        check_version(section, expected_version=expected_version)
        before = list(section.tables.get(KEY_FIGURES, []))
        if before == cleaned:
            section.version = current_version
            return section
        new_tables = copy.deepcopy(section.tables)
        new_tables[KEY_FIGURES] = cleaned
        section.tables = new_tables
        section.updated_by = actor(acting_user)
        section.save(update_fields=["tables", "updated_by", "version", "updated_at"])
        _write_revision(section, acting_user)
        record(
            actor=actor(acting_user),
            action="plans.section.profile_inserted",
            target=section,
            changes={f"tables.{KEY_FIGURES}": [len(before), len(cleaned)]},
            data=_audit_data(section, figures=[row["indicator_en"] for row in figures]),
            hromada=hromada,
        )
    return section


def section_draft_autosave(
    *, acting_user: User, section: Section, body_uk: str, body_en: str, based_on_version: int
) -> SectionDraft:
    """Keep what the person is typing as their draft of the section (one per person and section).

    Not audited: a draft is nobody's record of the plan, only a safety copy of unsaved typing that
    section_save deletes. It is kept as typed (it is shown back only inside a text box); sanitising
    happens when it is saved. Text over the size limit is refused here too.
    """
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        labels = _field_labels()
        errors = {
            field: ValidationError(
                gettext("%(field)s is too long: %(length)s characters, the limit is %(limit)s.")
                % {"field": labels[field], "length": f"{len(raw):,}", "limit": f"{text.MAX_RICH_TEXT_CHARS:,}"},
                code="too_long",
            )
            for field, raw in (("body_uk", body_uk or ""), ("body_en", body_en or ""))
            if len(raw) > text.MAX_RICH_TEXT_CHARS
        }
        if errors:
            raise ValidationError(errors)
        if based_on_version < 1 or based_on_version > section.version:
            raise ValidationError(
                {"based_on_version": gettext("The draft names a version of the section that does not exist.")}
            )
        draft, _created = SectionDraft.objects.update_or_create(
            section=section,
            author=acting_user,
            defaults={
                "body_uk": _newlines(body_uk),
                "body_en": _newlines(body_en),
                "based_on_version": based_on_version,
            },
        )
    return draft


def section_draft_discard(*, acting_user: User, section: Section) -> None:
    """Throw away the person's autosaved draft (not audited, like the draft itself)."""
    SectionDraft.objects.filter(section=section, author=acting_user).delete()


def section_revision_restore(
    *, acting_user: AnyUser | None, section: Section, revision: SectionRevision, expected_version: int
) -> Section:
    """Make an earlier revision the current text and tables again, as a new revision (the history
    keeps everything in between)."""
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        if revision.section_id != section.pk:
            raise ValidationError({"revision": gettext("This revision belongs to another section.")})
        check_version(section, expected_version=expected_version)
        before = {"body_uk": section.body_uk, "body_en": section.body_en, "tables": section.tables}
        # Sanitised again in case the allowed subset has narrowed since the revision was written.
        section.body_uk = text.sanitize(revision.body_uk)
        section.body_en = text.sanitize(revision.body_en)
        section.tables = copy.deepcopy(revision.tables)
        section.updated_by = actor(acting_user)
        section.save(update_fields=["body_uk", "body_en", "tables", "updated_by", "version", "updated_at"])
        _write_revision(section, acting_user)
        after = {"body_uk": section.body_uk, "body_en": section.body_en, "tables": section.tables}
        changed = [field for field in after if before[field] != after[field]]
        record(
            actor=actor(acting_user),
            action="plans.section.restored",
            target=section,
            data=_audit_data(section, restored_revision=revision.number, changed=changed),
            hromada=section.plan_version.plan.hromada,
        )
    return section


# --- results of the needs assessment ----------------------------------------------------------
#
# The NEEDS section can take the hromada's latest validated needs assessment as data: a table of the
# normalised score (0–100) and maturity level per field and dimension, the weakest dimensions and the
# training needs, followed by a paragraph naming the source (the round) and its date. The block is
# written into the text in both languages (it is plan content, so it is written in the plan's languages
# rather than the interface's) and recognised again by its heading and closing source line, so
# inserting again replaces it and leaves the rest of the text as it is.

NEEDS_HEADINGS = {"uk": "Результати оцінювання потреб", "en": "Needs-assessment results"}
NEEDS_SOURCE_PREFIX = {"uk": "Джерело: оцінювання потреб", "en": "Source: needs assessment"}
WEAKEST_COUNT = 3


@dataclass(frozen=True)
class NeedsScoreRow:
    """One line of the inserted table: a field (``is_field``) or one of its dimensions."""

    is_field: bool
    label: dict[str, str]  # by language ("uk", "en")
    normalised: Decimal | None
    maturity_level: int | None
    maturity: dict[str, str]  # the maturity level's short name by language


@dataclass(frozen=True)
class NeedsAssessmentResults:
    assessment: Assessment
    rows: list[NeedsScoreRow]
    weakest: list[NeedsScoreRow]
    training_needs: list[NeedsScoreRow]
    threshold: Decimal

    @property
    def round_name(self) -> dict[str, str]:
        round_ = self.assessment.round
        return {"uk": round_.name_uk, "en": round_.name_en or round_.name_uk}

    @property
    def validated_on(self) -> datetime.date:
        validated_at = self.assessment.validated_at or self.assessment.updated_at
        return timezone.localdate(validated_at)


def _texts(texts: Any, fallback: str) -> dict[str, str]:
    return {language: text_in_language(texts, language, fallback) for language in ("uk", "en")}


def needs_assessment_results(hromada: Hromada, acting_user: AnyUser | None = None) -> NeedsAssessmentResults | None:
    """The scores of ``hromada``'s latest validated needs assessment (None when it has none, or when
    ``acting_user`` may not see it)."""
    assessment = latest_validated(hromada)
    if assessment is None or (acting_user is not None and not can(acting_user, Action.VIEW, assessment)):
        return None
    definition = assessment.round.instrument_version.definition
    labels = dimension_labels(definition)
    maturity_names = {
        str(choice["name"]): _texts(choice.get("label"), str(choice["name"]))
        for choice in (definition.get("choices") or {}).get("maturity", ())
    }

    def maturity(level: int | None) -> dict[str, str]:
        if level is None:
            return {"uk": "", "en": ""}
        names = maturity_names.get(str(level))
        if names is None:
            return {"uk": str(level), "en": str(level)}
        return {language: name.split(":")[0].strip() for language, name in names.items()}

    programme_fields = {
        f.number: {"uk": f.name_uk, "en": f.name_en or f.name_uk}
        for f in Field.objects.filter(programme=assessment.round.programme)
    }
    scores = assessment.scores or {}
    dimensions = [d for d in scores.get("dimensions", []) if d.get("normalised") is not None]
    rows: list[NeedsScoreRow] = []
    dimension_rows: list[NeedsScoreRow] = []
    for field_score in scores.get("fields", []):
        number = int(field_score["field"])
        names = programme_fields.get(number) or {"uk": "", "en": ""}
        rows.append(
            NeedsScoreRow(
                is_field=True,
                label={
                    "uk": f"Напрям {number}" + (f": {names['uk']}" if names["uk"] else ""),
                    "en": f"Field {number}" + (f": {names['en']}" if names["en"] else ""),
                },
                normalised=None if field_score.get("normalised") is None else Decimal(field_score["normalised"]),
                maturity_level=field_score.get("maturity_level"),
                maturity=maturity(field_score.get("maturity_level")),
            )
        )
        for dimension in dimensions:
            if int(dimension["field"]) != number:
                continue
            row = NeedsScoreRow(
                is_field=False,
                label=_texts(labels.get(dimension["name"]), dimension["name"]),
                normalised=Decimal(dimension["normalised"]),
                maturity_level=dimension.get("maturity_level"),
                maturity=maturity(dimension.get("maturity_level")),
            )
            rows.append(row)
            dimension_rows.append(row)
    by_score = sorted(dimension_rows, key=lambda row: row.normalised or Decimal(0))
    threshold = assessment.round.training_threshold
    return NeedsAssessmentResults(
        assessment=assessment,
        rows=rows,
        weakest=by_score[:WEAKEST_COUNT],
        training_needs=[row for row in by_score if row.normalised is not None and row.normalised < threshold],
        threshold=threshold,
    )


def needs_assessment_unavailable(hromada: Hromada) -> str:
    """Why there is nothing to insert: the hromada's assessment, if any, is not validated yet."""
    latest = (
        Assessment.objects.filter(hromada=hromada).select_related("round").order_by("-round__opens_on", "-pk").first()
    )
    if latest is None:
        return gettext(
            "%(hromada)s has no validated needs assessment yet: it has not taken part in an assessment round."
        ) % {"hromada": hromada}
    return gettext(
        "%(hromada)s has no validated needs assessment yet: its assessment in “%(round)s” is %(state)s. "
        "The results can be inserted once a coordinator has validated it."
    ) % {"hromada": hromada, "round": latest.round, "state": latest.get_state_display()}


def _score_text(language: str, value: Decimal | None) -> str:
    if value is None:
        return "—"
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # number_format would cut, not round
    with translation.override(language):
        return str(number_format(rounded, decimal_pos=1))


def needs_assessment_html(results: NeedsAssessmentResults, language: str) -> str:
    """The block inserted into the text in ``language`` ("uk" or "en")."""
    uk = language == "uk"
    head = (
        ("Напрям / вимір", "Оцінка (0–100)", "Рівень зрілості (0–4)")
        if uk
        else ("Field / dimension", "Score (0–100)", "Maturity level (0–4)")
    )
    caption = (
        "Оцінки за напрямами і вимірами: нормалізована оцінка та рівень зрілості"
        if uk
        else "Scores by field and dimension: normalised score and maturity level"
    )
    body = []
    for row in results.rows:
        label = str(escape(row.label[language]))
        if row.is_field:
            label = f"<strong>{label}</strong>"
        body.append(
            f'<tr><th scope="row">{label}</th><td>{_score_text(language, row.normalised)}</td>'
            f"<td>{escape(row.maturity[language])}</td></tr>"
        )
    parts = [
        f"<h3>{NEEDS_HEADINGS[language]}</h3>",
        f"<table><caption>{caption}</caption><thead><tr>"
        + "".join(f'<th scope="col">{cell}</th>' for cell in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>",
        f"<h4>{'Найслабші виміри' if uk else 'Weakest dimensions'}</h4>",
        "<ol>"
        + "".join(
            f"<li>{escape(row.label[language])}: {_score_text(language, row.normalised)}</li>"
            for row in results.weakest
        )
        + "</ol>",
    ]
    threshold = _score_text(language, results.threshold)
    parts.append(
        f"<h4>Потреби в навчанні (виміри з оцінкою нижче {threshold})</h4>"
        if uk
        else f"<h4>Training needs (dimensions scoring below {threshold})</h4>"
    )
    if results.training_needs:
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{escape(row.label[language])}: {_score_text(language, row.normalised)}</li>"
                for row in results.training_needs
            )
            + "</ul>"
        )
    else:
        parts.append(f"<p>{'Жоден вимір не нижче порогу.' if uk else 'No dimension scores below the threshold.'}</p>")
    round_name = escape(results.round_name[language])
    validated = _date_in(language, results.validated_on)
    inserted = _date_in(language, timezone.localdate())
    parts.append(
        f"<p>{NEEDS_SOURCE_PREFIX['uk']} «{round_name}» (Vidnova), затверджено {validated}; вставлено {inserted}.</p>"
        if uk
        else f"<p>{NEEDS_SOURCE_PREFIX['en']} “{round_name}” (Vidnova), validated on {validated}; inserted on "
        f"{inserted}.</p>"
    )
    return "\n".join(parts)


def _needs_block(language: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(f"<h3>{NEEDS_HEADINGS[language]}</h3>")
        + r".*?"
        + re.escape(f"<p>{NEEDS_SOURCE_PREFIX[language]}")
        + r".*?</p>",
        re.DOTALL,
    )


def _with_needs_block(body: str, block: str, language: str) -> str:
    """``body`` with its earlier inserted block replaced by ``block``, or ``block`` put at the top."""
    pattern = _needs_block(language)
    if pattern.search(body):
        return pattern.sub(lambda _match: block, body, count=1)
    return f"{block}\n{body}" if body.strip() else block


def section_insert_needs_assessment(*, acting_user: AnyUser | None, section: Section, expected_version: int) -> Section:
    """Insert the hromada's latest validated needs-assessment results into the NEEDS section's text, in
    Ukrainian and English, with their source and date. An earlier insert is replaced; the rest of the
    text is kept."""
    with transaction.atomic():
        section = _lock_for_edit(acting_user, section)
        if section.code != SectionCode.NEEDS:
            raise ValidationError(
                gettext("Needs-assessment results can only be inserted into the section “%(section)s”.")
                % {"section": SectionCode.NEEDS.label}
            )
        hromada = section.plan_version.plan.hromada
        results = needs_assessment_results(hromada, acting_user)
        if results is None:
            raise ValidationError(needs_assessment_unavailable(hromada), code="no_assessment")
        cleaned = clean_bodies(
            body_uk=_with_needs_block(section.body_uk, needs_assessment_html(results, "uk"), "uk"),
            body_en=_with_needs_block(section.body_en, needs_assessment_html(results, "en"), "en"),
        )
        current_version = section.version
        check_version(section, expected_version=expected_version)
        before = {"body_uk": section.body_uk, "body_en": section.body_en}
        changed = [field for field in ("body_uk", "body_en") if before[field] != cleaned[field]]
        if not changed:
            section.version = current_version
            return section
        section.body_uk = cleaned["body_uk"]
        section.body_en = cleaned["body_en"]
        section.updated_by = actor(acting_user)
        section.save(update_fields=["body_uk", "body_en", "updated_by", "version", "updated_at"])
        _write_revision(section, acting_user)
        record(
            actor=actor(acting_user),
            action="plans.section.assessment_inserted",
            target=section,
            changes={field: [len(before[field]), len(cleaned[field])] for field in changed},
            data=_audit_data(
                section,
                assessment=results.assessment.pk,
                round=results.round_name["en"],
                validated_on=results.validated_on.isoformat(),
            ),
            hromada=hromada,
        )
    return section
