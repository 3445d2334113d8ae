"""Writes to the registry: loading the reference data and recording hromadas' security status.

Every function takes the acting user first, decides access through vidnova.accounts.access, runs in
one transaction and writes the audit log.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.core.exceptions import ImportRejected
from vidnova.registry import loader
from vidnova.registry.models import (
    CodifierUnit,
    Hromada,
    RegistryEdition,
    SecurityStatus,
    SecurityStatusPeriod,
    search_key,
)

_T = TypeVar("_T")

# --- loading the registry ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    edition: RegistryEdition
    already_loaded: bool  # the data had been loaded already; nothing was read or written
    totals: dict[str, int]  # units in the data files, per kind
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    renamed: int = 0
    former_names_added: int = 0
    periods_created: int = 0
    seconds: float = 0.0


def registry_load(*, acting_user: User | None, data_dir: Path | None = None, force: bool = False) -> LoadResult:
    """Load or update the registry from the reference data files (by default the copy shipped in
    vidnova/registry/data).

    Idempotent: when the latest edition has the files' checksum, nothing is done unless ``force``.
    Otherwise rows are upserted by KATOTTG or CBS code: unchanged rows are not written, changed rows
    keep their primary key, renamed units keep their old name as a former name. A file with any
    malformed row raises ImportRejected and nothing is saved. ``acting_user`` None means the system
    (management command, deployment); a user must be a programme administrator.
    """
    started = time.perf_counter()
    if acting_user is not None:
        require(acting_user, Action.ADMINISTER)
    directory = Path(data_dir) if data_dir is not None else loader.DATA_DIR
    checksum = loader.data_checksum(directory)
    latest = RegistryEdition.objects.order_by("-loaded_at", "-pk").first()
    if latest is not None and latest.checksum == checksum and not force:
        return LoadResult(
            edition=latest,
            already_loaded=True,
            totals=dict(latest.counts),
            seconds=time.perf_counter() - started,
        )

    data = loader.read_reference_data(directory)
    totals = data.totals()
    now = timezone.now()
    description = (
        f"Registry data of {now:%Y-%m-%d}: {totals['top_level_units']} oblasts and cities with special "
        f"status, {totals['raions']} raions, {totals['hromadas']} hromadas, {totals['codifier_units']} "
        f"codifier units, {totals['dutch_municipalities']} Dutch municipalities (sha256 {checksum[:12]})"
    )
    with transaction.atomic():
        stats = loader.apply(data, rename_source=f"Name before the registry data of {now:%Y-%m-%d} ({checksum[:12]})")
        edition = RegistryEdition.objects.filter(checksum=checksum).first()
        if edition is None:
            edition = RegistryEdition.objects.create(checksum=checksum, description=description, counts=totals)
        else:
            # The same files again (forced, or back to an earlier edition): this is now the latest load.
            RegistryEdition.objects.filter(pk=edition.pk).update(loaded_at=now, counts=totals)
            edition.refresh_from_db()
        seconds = time.perf_counter() - started
        record(
            actor=acting_user,
            action="registry.loaded",
            target=edition,
            data={
                "checksum": checksum,
                "forced": force,
                "totals": totals,
                "created": stats.created,
                "updated": stats.updated,
                "renamed": stats.renamed,
                "former_names_added": stats.former_names_added,
                "security_periods_created": stats.periods_created,
                "seconds": round(seconds, 2),
            },
        )
    return LoadResult(
        edition=edition,
        already_loaded=False,
        totals=totals,
        created=stats.created,
        updated=stats.updated,
        renamed=stats.renamed,
        former_names_added=stats.former_names_added,
        periods_created=stats.periods_created,
        seconds=time.perf_counter() - started,
    )


# --- security status -------------------------------------------------------------------------

SOURCE_MAX_LENGTH = 300  # SecurityStatusPeriod.source
PERIOD_FIELDS = ("status", "starts_on", "ends_on", "source", "note")


def _status_aliases() -> dict[str, str]:
    aliases = {
        # English, as in the interface
        "no hostilities": SecurityStatus.NONE,
        "none": SecurityStatus.NONE,
        "possible hostilities": SecurityStatus.POSSIBLE_HOSTILITIES,
        "active hostilities": SecurityStatus.ACTIVE_HOSTILITIES,
        "temporarily occupied": SecurityStatus.TEMPORARILY_OCCUPIED,
        # Ukrainian, as in the government's list (Order No. 376 of 28.02.2025 and its amendments)
        "немає": SecurityStatus.NONE,
        "немає бойових дій": SecurityStatus.NONE,
        "можливі бойові дії": SecurityStatus.POSSIBLE_HOSTILITIES,
        "території можливих бойових дій": SecurityStatus.POSSIBLE_HOSTILITIES,
        "активні бойові дії": SecurityStatus.ACTIVE_HOSTILITIES,
        "території активних бойових дій": SecurityStatus.ACTIVE_HOSTILITIES,
        "тимчасово окуповані": SecurityStatus.TEMPORARILY_OCCUPIED,
        "тимчасово окупована": SecurityStatus.TEMPORARILY_OCCUPIED,
        "тимчасово окуповані території": SecurityStatus.TEMPORARILY_OCCUPIED,
    }
    for status in SecurityStatus:
        aliases[status.value] = status
    return {_status_key(text): status.value for text, status in aliases.items()}


def _status_key(text: str) -> str:
    return search_key(text.replace("_", " ").replace("-", " ").strip(" .;:"))


_STATUS_ALIASES = _status_aliases()


def parse_status(text: str) -> str | None:
    """The SecurityStatus value ``text`` names (a value, or an English or Ukrainian label), or None."""
    return _STATUS_ALIASES.get(_status_key(text))


def _clean_status(status: str) -> str:
    value = parse_status(status)
    if value is None:
        raise ValidationError({"status": _("Choose one of the security statuses.")})
    return value


def _clean_source(source: str) -> str:
    source = source.strip()
    if len(source) > SOURCE_MAX_LENGTH:
        raise ValidationError(
            {"source": _("The source may have at most %(max)s characters.") % {"max": SOURCE_MAX_LENGTH}}
        )
    return source


def _overlaps(
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    other_starts_on: datetime.date,
    other_ends_on: datetime.date | None,
) -> bool:
    """Do [starts_on, ends_on) and [other_starts_on, other_ends_on) share a day? None = open end."""
    return (other_ends_on is None or starts_on < other_ends_on) and (ends_on is None or other_starts_on < ends_on)


def _describe(period: SecurityStatusPeriod) -> str:
    if period.ends_on is None:
        return _("“%(status)s” from %(starts_on)s, still in force") % {
            "status": period.get_status_display(),
            "starts_on": period.starts_on.isoformat(),
        }
    return _("“%(status)s” from %(starts_on)s until %(ends_on)s") % {
        "status": period.get_status_display(),
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
    }


def _lock_hromadas(hromada_ids: Sequence[int]) -> None:
    """Serialise status changes per hromada (PostgreSQL row locks; SQLite serialises writers)."""
    if connection.features.has_select_for_update:
        for chunk in _chunks(sorted(hromada_ids)):
            list(Hromada.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))


def _chunks(items: Sequence[_T], size: int = 500) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def security_status_set(
    *,
    acting_user: User,
    hromada: Hromada,
    status: str,
    starts_on: datetime.date,
    source: str = "",
    note: str = "",
) -> SecurityStatusPeriod:
    """Record that ``hromada`` has ``status`` from ``starts_on``: the period in force ends that day.

    The new period must start after the latest recorded one (earlier periods are fixed with
    security_status_correct), and must change the status.
    """
    require(acting_user, Action.MANAGE_SECURITY_STATUS, hromada)
    status = _clean_status(status)
    source = _clean_source(source)
    note = note.strip()
    with transaction.atomic():
        _lock_hromadas([hromada.pk])
        latest = SecurityStatusPeriod.objects.select_for_update().filter(hromada=hromada).order_by("-starts_on").first()
        in_force = latest if latest is not None and (latest.ends_on is None or latest.ends_on > starts_on) else None
        if latest is not None and starts_on <= latest.starts_on:
            raise ValidationError(
                {
                    "starts_on": _(
                        "The new status must start after %(date)s, the start of the latest recorded period. "
                        "To fix an earlier period, correct that period instead."
                    )
                    % {"date": latest.starts_on.isoformat()}
                }
            )
        if in_force is not None and in_force.status == status:
            raise ValidationError(
                {
                    "status": _("The hromada already has the status “%(status)s” since %(date)s.")
                    % {"status": in_force.get_status_display(), "date": in_force.starts_on.isoformat()}
                }
            )
        if in_force is not None:
            check_version(in_force, expected_version=None)
            in_force.ends_on = starts_on
            in_force.save(update_fields=["ends_on", "version", "updated_at"])
        period = SecurityStatusPeriod.objects.create(
            hromada=hromada,
            status=status,
            starts_on=starts_on,
            source=source,
            note=note,
            created_by=acting_user,
        )
        record(
            actor=acting_user,
            action="registry.security_status.set",
            target=period,
            changes={"status": [in_force.status if in_force is not None else None, status]},
            data={
                "starts_on": starts_on,
                "source": source,
                "note": note,
                "closed_period": in_force.pk if in_force is not None else None,
            },
            hromada=hromada,
        )
    return period


def security_status_correct(
    *,
    acting_user: User,
    period: SecurityStatusPeriod,
    expected_version: int,
    status: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    source: str,
    note: str,
) -> SecurityStatusPeriod:
    """Fix a recorded period (a wrong date or status). Raises EditConflict if someone changed it
    since ``expected_version``; the corrected period may not overlap the hromada's other periods."""
    require(acting_user, Action.MANAGE_SECURITY_STATUS, period.hromada)
    status = _clean_status(status)
    source = _clean_source(source)
    note = note.strip()
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The end date must be after the start date.")})
    with transaction.atomic():
        _lock_hromadas([period.hromada_id])
        current = (
            SecurityStatusPeriod.objects.select_for_update(of=("self",)).select_related("hromada").get(pk=period.pk)
        )
        check_version(current, expected_version=expected_version)
        others = SecurityStatusPeriod.objects.filter(hromada_id=current.hromada_id).exclude(pk=current.pk)
        for other in others.order_by("starts_on"):
            if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
                raise ValidationError(
                    _("The corrected period would overlap the period %(period)s. Correct that period first.")
                    % {"period": _describe(other)}
                )
        before = snapshot(current, PERIOD_FIELDS)
        current.status = status
        current.starts_on = starts_on
        current.ends_on = ends_on
        current.source = source
        current.note = note
        changes = diff(before, snapshot(current, PERIOD_FIELDS))
        if not changes:
            current.version -= 1  # nothing to save: the stored version stands
            return current
        current.save(update_fields=[*PERIOD_FIELDS, "version", "updated_at"])
        record(
            actor=acting_user,
            action="registry.security_status.updated",
            target=current,
            changes=changes,
            hromada=current.hromada,
        )
    return current


@dataclass(frozen=True)
class SecurityImportResult:
    created: int  # periods created
    hromadas: int  # hromadas whose periods changed
    unchanged: int = 0  # rows already recorded exactly so (e.g. a file imported twice)


@dataclass
class _ImportRow:
    number: int
    katottg: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    source: str
    note: str


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IMPORT_REQUIRED_COLUMNS = ("katottg", "status", "starts_on")
IMPORT_OPTIONAL_COLUMNS = ("ends_on", "source", "note")


def _parse_date(text: str) -> datetime.date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def security_status_import_csv(*, acting_user: User, content: bytes, filename: str) -> SecurityImportResult:
    """Import security status periods from a CSV file (UTF-8, comma or semicolon separated).

    Columns: ``katottg,status,starts_on`` and optionally ``ends_on,source,note``; dates as
    YYYY-MM-DD; a status as its code or its English or Ukrainian name. The whole file is checked
    first; any bad row rejects it with ImportRejected listing every bad row (the header is row 1;
    row 0 means the file as a whole). A period without an end date lasts until the next period of the
    hromada, so a later imported period closes the one in force. Rows that repeat a recorded period
    are skipped, so importing the same file twice changes nothing.
    """
    require(acting_user, Action.MANAGE_SECURITY_STATUS)
    max_bytes = settings.VIDNOVA_MAX_UPLOAD_BYTES
    if len(content) > max_bytes:
        raise ImportRejected(
            [(0, _("The file is larger than %(size)s MB.") % {"size": round(max_bytes / (1024 * 1024), 1)})]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportRejected([(line, _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))]) from None
    rows, errors = _parse_import(text)
    if not rows:
        raise ImportRejected(errors)

    # Rows with errors so far are left out of the checks below, which still run so that the
    # rejection lists every bad row at once.
    with transaction.atomic():
        hromadas = Hromada.objects.in_bulk({row.katottg for row in rows}, field_name="katottg")
        unknown = sorted({row.katottg for row in rows} - set(hromadas))
        other_units = CodifierUnit.objects.in_bulk(unknown, field_name="katottg") if unknown else {}
        valid: list[_ImportRow] = []
        for row in rows:
            if row.katottg in hromadas:
                valid.append(row)
            else:
                unit = other_units.get(row.katottg)
                if unit is None:
                    errors.append((row.number, _("No hromada has the KATOTTG code %(code)s.") % {"code": row.katottg}))
                else:
                    errors.append(
                        (
                            row.number,
                            _("%(code)s is the code of %(unit)s, not of a hromada. Use the hromada's code.")
                            % {"code": row.katottg, "unit": str(unit)},
                        )
                    )
        seen: dict[tuple[str, datetime.date], int] = {}
        by_hromada: dict[int, list[_ImportRow]] = {}
        for row in valid:
            key = (row.katottg, row.starts_on)
            if key in seen:
                errors.append(
                    (
                        row.number,
                        _("Row %(row)s already gives a period of this hromada starting on %(date)s.")
                        % {"row": seen[key], "date": row.starts_on.isoformat()},
                    )
                )
            else:
                seen[key] = row.number
                by_hromada.setdefault(hromadas[row.katottg].pk, []).append(row)
        _lock_hromadas(list(by_hromada))
        existing: dict[int, list[SecurityStatusPeriod]] = {}
        for chunk in _chunks(sorted(by_hromada)):
            for period in SecurityStatusPeriod.objects.select_for_update().filter(hromada_id__in=chunk):
                existing.setdefault(period.hromada_id, []).append(period)

        plans: list[_HromadaPlan] = []
        unchanged = 0
        for hromada_id, hromada_rows in by_hromada.items():
            hromada = hromadas[hromada_rows[0].katottg]
            plan = _plan_hromada(hromada, hromada_rows, existing.get(hromada_id, []), errors)
            unchanged += plan.unchanged
            if plan.new_rows:
                plans.append(plan)
        if errors:
            raise ImportRejected(sorted(errors, key=lambda error: error[0]))
        created = _apply_plans(plans, acting_user=acting_user, filename=filename)
    return SecurityImportResult(created=created, hromadas=len(plans), unchanged=unchanged)


def _parse_import(text: str) -> tuple[list[_ImportRow], list[tuple[int, str]]]:
    """The file's rows, checked one by one (everything that needs no database)."""
    errors: list[tuple[int, str]] = []
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not records or not any(cell.strip() for cell in records[0]):
        return [], [(1, _("The file is empty: the first row must name the columns."))]
    header = [cell.strip().casefold() for cell in records[0]]
    missing = [name for name in IMPORT_REQUIRED_COLUMNS if name not in header]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if missing:
        errors.append(
            (
                1,
                _("Required columns are missing: %(columns)s. The first row must name the columns %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(IMPORT_REQUIRED_COLUMNS)},
            )
        )
    if duplicated:
        errors.append((1, _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(duplicated)}))
    if errors:
        return [], errors
    index = {
        name: header.index(name) for name in (*IMPORT_REQUIRED_COLUMNS, *IMPORT_OPTIONAL_COLUMNS) if name in header
    }

    rows: list[_ImportRow] = []
    for number, record_ in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record_):
            continue

        def cell(name: str, record_: list[str] = record_) -> str:
            position = index.get(name)
            return record_[position].strip() if position is not None and position < len(record_) else ""

        row_errors: list[str] = []
        code = cell("katottg").upper()
        if not code:
            row_errors.append(_("The KATOTTG code is empty."))
        elif not re.fullmatch(r"UA\d{17}", code):
            row_errors.append(
                _("“%(value)s” is not a KATOTTG code (“UA” followed by 17 digits).") % {"value": cell("katottg")}
            )
        status = parse_status(cell("status"))
        if status is None:
            row_errors.append(
                _("Unknown status “%(value)s”. Use one of: %(choices)s.")
                % {"value": cell("status"), "choices": ", ".join(SecurityStatus.values)}
            )
        starts_on = _parse_date(cell("starts_on"))
        if starts_on is None:
            row_errors.append(
                _("The start date “%(value)s” is not a date written as YYYY-MM-DD.") % {"value": cell("starts_on")}
            )
        ends_on = _parse_date(cell("ends_on")) if cell("ends_on") else None
        if cell("ends_on") and ends_on is None:
            row_errors.append(
                _("The end date “%(value)s” is not a date written as YYYY-MM-DD.") % {"value": cell("ends_on")}
            )
        if starts_on is not None and ends_on is not None and ends_on <= starts_on:
            row_errors.append(_("The end date must be after the start date."))
        source = cell("source")
        if len(source) > SOURCE_MAX_LENGTH:
            row_errors.append(_("The source may have at most %(max)s characters.") % {"max": SOURCE_MAX_LENGTH})
        if row_errors:
            errors.extend((number, reason) for reason in row_errors)
            continue
        if status is not None and starts_on is not None:  # always so here; narrows the types
            rows.append(_ImportRow(number, code, status, starts_on, ends_on, source, cell("note")))
    if not rows and not errors:
        errors.append((1, _("The file has no rows below the header.")))
    return rows, errors


@dataclass
class _HromadaPlan:
    hromada: Hromada
    new_rows: list[_ImportRow] = field(default_factory=list)
    close: list[tuple[SecurityStatusPeriod, datetime.date]] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class _Slot:
    """A period on the hromada's timeline while the import is planned: recorded or from a row."""

    status: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    label: str  # how error messages name it
    period: SecurityStatusPeriod | None = None
    row: _ImportRow | None = None


def _plan_hromada(
    hromada: Hromada, rows: list[_ImportRow], periods: list[SecurityStatusPeriod], errors: list[tuple[int, str]]
) -> _HromadaPlan:
    """Fit one hromada's imported rows between its recorded periods. A period without an end (recorded
    or imported) ends where the next one starts; anything else that overlaps is an error."""
    plan = _HromadaPlan(hromada=hromada)
    recorded = {period.starts_on: period for period in periods}
    slots = [
        _Slot(
            p.status, p.starts_on, p.ends_on, _("the recorded period %(period)s") % {"period": _describe(p)}, period=p
        )
        for p in periods
    ]
    for row in rows:
        same_start = recorded.get(row.starts_on)
        if (
            same_start is not None
            and same_start.status == row.status
            and (row.ends_on is None or row.ends_on == same_start.ends_on)
        ):
            plan.unchanged += 1
            continue
        plan.new_rows.append(row)
        slots.append(_Slot(row.status, row.starts_on, row.ends_on, _("row %(row)s") % {"row": row.number}, row=row))
    if not plan.new_rows:
        return plan
    slots.sort(key=lambda slot: slot.starts_on)
    # Open periods end where the next one starts. A recorded period's end only moves if it is open
    # and a new row follows it: the import closes the period in force.
    for current, following in itertools.pairwise(slots):
        if current.ends_on is None and (current.row is not None or following.row is not None):
            if current.status == following.status and following.row is not None:
                errors.append(
                    (
                        following.row.number,
                        _("The hromada already has the status “%(status)s” from %(date)s (%(where)s).")
                        % {
                            "status": SecurityStatus(current.status).label,
                            "date": current.starts_on.isoformat(),
                            "where": current.label,
                        },
                    )
                )
            current.ends_on = following.starts_on
            if current.period is not None:
                plan.close.append((current.period, following.starts_on))
    for position, slot in enumerate(slots):
        if slot.row is None:
            continue
        for other_position, other in enumerate(slots):
            if other_position != position and _overlaps(slot.starts_on, slot.ends_on, other.starts_on, other.ends_on):
                errors.append(
                    (
                        slot.row.number,
                        _("This period overlaps %(other)s of the same hromada.") % {"other": other.label},
                    )
                )
                break
        if slot.row.ends_on is None:
            slot.row.ends_on = slot.ends_on
    return plan


def _apply_plans(plans: list[_HromadaPlan], *, acting_user: User, filename: str) -> int:
    now = timezone.now()
    closed: list[SecurityStatusPeriod] = []
    for plan in plans:
        for period, ends_on in plan.close:
            check_version(period, expected_version=None)
            period.ends_on = ends_on
            period.updated_at = now
            closed.append(period)
    SecurityStatusPeriod.objects.bulk_update(closed, ["ends_on", "version", "updated_at"], batch_size=500)
    new_periods = [
        SecurityStatusPeriod(
            hromada=plan.hromada,
            status=row.status,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            source=row.source,
            note=row.note,
            created_by=acting_user,
        )
        for plan in plans
        for row in plan.new_rows
    ]
    created = SecurityStatusPeriod.objects.bulk_create(new_periods, batch_size=500)
    by_hromada: dict[int, list[SecurityStatusPeriod]] = {}
    for period in created:
        by_hromada.setdefault(period.hromada_id, []).append(period)
    for plan in plans:
        periods = sorted(by_hromada[plan.hromada.pk], key=lambda period: period.starts_on)
        record(
            actor=acting_user,
            action="registry.security_status.imported",
            target=periods[-1],
            data={
                "filename": filename,
                "rows": sorted(row.number for row in plan.new_rows),
                "periods": [
                    {"id": period.pk, "status": period.status, "starts_on": period.starts_on, "ends_on": period.ends_on}
                    for period in periods
                ],
                "closed_periods": [period.pk for period, _ends_on in plan.close],
            },
            hromada=plan.hromada,
        )
    return len(created)
