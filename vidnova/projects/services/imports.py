"""Importing project ideas from XLSX or CSV in the columns of the export (projects/tabular.py).

Two steps, as for every bulk change in Vidnova:

* ``import_check`` (the dry run) reads the file and checks every row and column: codes against the
  code lists, amounts (numbers, not negative), currencies, dates (the end not before the start),
  KATOTTG codes of the hromada and the locations, the hromada being one the user may edit, a project
  code not used twice in the file and an existing project keeping its hromada. The rows that pass
  are then written with the project services inside a transaction that is always rolled back, so the
  services' own checks are reported too. Nothing is saved.
* ``import_apply`` does the same on the same file and commits only if no row has an error: new
  projects are created with ``project_create``, known codes updated with ``project_update``, all in
  one transaction, so all rows are imported or none. Rows equal to the project as it is are skipped.

Between the two steps the file is kept in the default storage under ``projects/imports/`` with a
random name; the page carries a signed token naming the file and the user, so any app process can
apply it (no session state), nobody else can, and it expires after a day (``upload_store``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, AnyUser, can, roles_of
from vidnova.accounts.models import User
from vidnova.audit.services import record
from vidnova.core.exceptions import EditConflict
from vidnova.projects import lifecycle, tabular
from vidnova.projects.models import Project, ProjectState
from vidnova.registry.models import CodifierUnit, Hromada

MAX_IMPORT_BYTES = 10 * 1024 * 1024
UPLOAD_DIR = "projects/imports/"
UPLOAD_MAX_AGE = dt.timedelta(days=1)
SIGNING_SALT = "vidnova.projects.import"
REQUIRED_HEADERS = ("hromada_katottg",)
# States a hromada editor may give a new project; funding decisions and later states are programme
# staff's (projects/lifecycle.py STAFF_ONLY), so only they may import projects already in them.
EDITOR_STATES = frozenset(
    {
        ProjectState.IDEA,
        ProjectState.CONCEPT,
        ProjectState.APPRAISAL,
        ProjectState.STRUCTURING,
        ProjectState.APPLIED,
        ProjectState.CANCELLED,
    }
)
_ITEM_KEY = re.compile(r"^(?P<list>\w+?)\[(?P<index>\d+)\](?:\.(?P<part>\w+))?$")
_FIELD_COLUMNS = {"hromada": "hromada_katottg", "beneficiary_groups": "beneficiaries_direct", "__all__": ""}


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a refused import."""


@dataclass
class RowReport:
    row: int
    code: str
    hromada: str  # KATOTTG code as written
    hromada_name: str = ""
    title: str = ""
    outcome: str = ""  # "create", "update", "unchanged" or "error"
    errors: list[dict[str, str]] = field(default_factory=list)  # {"column", "message"}

    def error(self, column: str, message: str) -> None:
        self.errors.append({"column": column, "message": message})


@dataclass
class ImportReport:
    filename: str
    kind: str = ""  # "xlsx" or "csv"
    rows: list[RowReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(row.errors) for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(row.outcome for row in self.rows)
        return {
            "rows": len(self.rows),
            "create": counter["create"],
            "update": counter["update"],
            "unchanged": counter["unchanged"],
            "with_errors": counter["error"],
        }

    def error_lines(self) -> list[tuple[int | None, str, str]]:
        """Every error as (row, column, message), the file's own first."""
        lines: list[tuple[int | None, str, str]] = [(None, "", message) for message in self.errors]
        lines += [(row.row, item["column"], item["message"]) for row in self.rows for item in row.errors]
        return lines


# --- access --------------------------------------------------------------------------------------


def can_import(user: AnyUser) -> bool:
    """Hromada editors (for their hromadas' rows) and programme staff (any row) import."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.is_active:
        return True
    roles = roles_of(user)
    return roles.is_programme_staff or bool(roles.hromada_editor_of)


def require_import_access(user: AnyUser) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Only hromada editors and programme staff import project ideas."))


# --- the stored upload between the dry run and applying -----------------------------------------


def _expired() -> ValidationError:
    return ValidationError(_("The checked file is no longer available; upload it again."), code="expired")


def _remove_old_uploads() -> None:
    limit = timezone.now() - UPLOAD_MAX_AGE
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
        for name in files:
            path = UPLOAD_DIR + name
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
    except (OSError, NotImplementedError):  # no directory yet, or a storage that cannot list
        return


def upload_store(*, acting_user: AnyUser, data: bytes, filename: str) -> str:
    """Keep a checked file until it is applied; returns the signed token that names it."""
    require_import_access(acting_user)
    _remove_old_uploads()
    extension = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
    name = default_storage.save(f"{UPLOAD_DIR}{secrets.token_urlsafe(24)}.{extension}", ContentFile(data))
    return signing.dumps({"name": name, "user": acting_user.pk, "filename": filename[:200]}, salt=SIGNING_SALT)


def _payload(acting_user: AnyUser, token: str) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        raise _expired() from None
    name = str(payload.get("name", ""))
    if payload.get("user") != acting_user.pk or not name.startswith(UPLOAD_DIR) or ".." in name:
        raise _expired()
    return dict(payload)


def upload_load(*, acting_user: AnyUser, token: str) -> tuple[bytes, str]:
    """The file and its original name behind ``token``, for the user it was stored for."""
    payload = _payload(acting_user, token)
    try:
        with default_storage.open(payload["name"], "rb") as handle:
            data = handle.read()
    except (OSError, FileNotFoundError):
        raise _expired() from None
    return data, str(payload.get("filename") or "import")


def upload_discard(*, acting_user: AnyUser, token: str) -> None:
    try:
        payload = _payload(acting_user, token)
    except ValidationError:
        return
    default_storage.delete(payload["name"])


# --- checking and applying -----------------------------------------------------------------------


def import_check(*, acting_user: AnyUser, data: bytes, filename: str) -> ImportReport:
    """The dry run: every error per row and column; nothing is saved."""
    return _run(acting_user=acting_user, data=data, filename=filename, commit=False)


def import_apply(*, acting_user: AnyUser, data: bytes, filename: str) -> ImportReport:
    """Create and update the file's projects, all or nothing. The report says whether it was applied
    (``applied``); with any error nothing is saved and the report lists the errors."""
    return _run(acting_user=acting_user, data=data, filename=filename, commit=True)


@dataclass
class _Row:
    report: RowReport
    parsed: tabular.ParsedRow
    hromada: Hromada | None = None
    project: Project | None = None


def _run(*, acting_user: AnyUser, data: bytes, filename: str, commit: bool) -> ImportReport:
    require_import_access(acting_user)
    report = ImportReport(filename=filename)
    try:
        table = tabular.read_table(data, filename)
    except ValidationError as error:
        report.errors.extend(error.messages)
        return report
    report.kind = table.kind
    present = _check_headers(table, report)
    if report.errors:
        return report
    if not table.rows:
        report.errors.append(_("The file has no project rows."))
        return report
    rows = [
        _Row(
            report=RowReport(
                row=number,
                code=cells.get("code", "").strip(),
                hromada=cells.get("hromada_katottg", "").strip(),
                title=cells.get("title_uk", "").strip(),
            ),
            parsed=tabular.parse_row(cells, present),
        )
        for number, cells in table.rows
    ]
    for row in rows:
        for column, message in row.parsed.errors:
            row.report.error(column, message)
    _check_references(acting_user, rows, present)
    try:
        with transaction.atomic():
            _write(acting_user, rows, present, filename)
            if not commit or any(row.report.errors for row in rows):
                raise _Rollback
            _audit(acting_user, rows, filename)
    except _Rollback:
        pass
    else:
        report.applied = True
    for row in rows:
        if row.report.errors:
            row.report.outcome = "error"
    report.rows = [row.report for row in rows]
    return report


def _check_headers(table: tabular.Table, report: ImportReport) -> set[str]:
    known = set(tabular.column_names())
    headers = [header for header in table.headers if header]
    for header, count in Counter(headers).items():
        if count > 1:
            report.errors.append(
                _("The column “%(column)s” appears %(count)s times.") % {"column": header, "count": count}
            )
    for header in REQUIRED_HEADERS:
        if header not in headers:
            report.errors.append(_("The file has no column “%(column)s”.") % {"column": header})
    unknown = [header for header in headers if header not in known]
    if unknown:
        report.warnings.append(
            _("These columns are not project columns and are ignored: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    return known & set(headers)


def _check_references(acting_user: AnyUser, rows: list[_Row], present: set[str]) -> None:
    """Checks that need the database: hromadas, locations, existing projects, access, duplicates."""
    katottgs = {row.parsed.hromada_katottg for row in rows if row.parsed.hromada_katottg}
    hromadas = {hromada.katottg: hromada for hromada in Hromada.objects.filter(katottg__in=katottgs)}
    codes = [row.parsed.code for row in rows if row.parsed.code]
    projects = {
        project.code: project
        for project in Project.objects.filter(code__in=codes)
        .select_related("hromada", "programme")
        .prefetch_related(*tabular.PREFETCH)
    }
    location_codes = {code for row in rows for _number, code in row.parsed.location_codes}
    known_units = set(CodifierUnit.objects.filter(katottg__in=location_codes).values_list("katottg", flat=True))
    known_units |= set(
        Hromada.objects.filter(katottg__in=location_codes - known_units).values_list("katottg", flat=True)
    )
    first_row: dict[str, int] = {}
    is_staff = acting_user.is_superuser or roles_of(acting_user).is_programme_staff
    for row in rows:
        parsed, report = row.parsed, row.report
        if parsed.code:
            if parsed.code in first_row:
                report.error(
                    "code",
                    _("The code “%(code)s” is already used in row %(row)s of this file.")
                    % {"code": parsed.code, "row": first_row[parsed.code]},
                )
            else:
                first_row[parsed.code] = report.row
        row.project = projects.get(parsed.code) if parsed.code else None
        row.hromada = hromadas.get(parsed.hromada_katottg)
        if parsed.hromada_katottg and tabular.KATOTTG_PATTERN.match(parsed.hromada_katottg) and row.hromada is None:
            report.error(
                "hromada_katottg",
                _("“%(code)s” is not the KATOTTG code of a hromada.") % {"code": parsed.hromada_katottg},
            )
        if row.hromada is not None:
            report.hromada_name = row.hromada.name_uk
            if row.project is None and not can(acting_user, Action.EDIT, row.hromada):
                report.error(
                    "hromada_katottg",
                    _("You may not add projects to the hromada %(name)s.") % {"name": row.hromada.name_uk},
                )
        unknown = [number for number, code in parsed.location_codes if code not in known_units]
        if unknown:
            report.error(
                "locations",
                _("Unknown KATOTTG codes (not in the codifier): %(items)s.")
                % {
                    "items": ", ".join(
                        f"{code} ({_('item %(number)s') % {'number': number}})"
                        for number, code in parsed.location_codes
                        if number in unknown
                    )
                },
            )
        if row.project is not None:
            _check_existing(acting_user, row, row.project)
        elif parsed.state and parsed.state not in EDITOR_STATES and not is_staff:
            report.error(
                "state",
                _("Only programme staff may import a project in the state “%(state)s”.") % {"state": parsed.state},
            )
        if row.project is None and "title_uk" not in present:
            report.error("title_uk", _("A new project needs a title; the file has no column “title_uk”."))


def _check_existing(acting_user: AnyUser, row: _Row, project: Project) -> None:
    parsed, report = row.parsed, row.report
    if not can(acting_user, Action.EDIT, project):
        report.error(
            "hromada_katottg",
            _("You may not edit the project %(code)s of the hromada %(name)s.")
            % {"code": project.code, "name": project.hromada.name_uk},
        )
        return
    if parsed.hromada_katottg and parsed.hromada_katottg != project.hromada.katottg:
        report.error(
            "hromada_katottg",
            _("The project %(code)s belongs to the hromada %(katottg)s; an import does not move it.")
            % {"code": project.code, "katottg": project.hromada.katottg},
        )
    if parsed.state and parsed.state != project.state:
        report.error(
            "state",
            _("The project %(code)s is in the state “%(current)s”; change its state with a transition, not an import.")
            % {"code": project.code, "current": project.state},
        )


def _unchanged(project: Project, parsed: tabular.ParsedRow, present: set[str]) -> bool:
    cells = {name: tabular.cell_text(value) for name, value in tabular.project_row(project, private=True).items()}
    current = tabular.parse_row(cells, present)
    return current.data == parsed.data


def _transition_path(from_state: str, to_state: str) -> list[str]:
    """The shortest way through the lifecycle from ``from_state`` to ``to_state`` (states after the first)."""
    paths: dict[str, list[str]] = {from_state: []}
    queue = [from_state]
    while queue:
        state = queue.pop(0)
        if state == to_state:
            return paths[state]
        for following in lifecycle.TRANSITIONS.get(state, ()):
            if following not in paths:
                paths[following] = [*paths[state], following]
                queue.append(following)
    return []


def _without_errors(row: _Row) -> dict[str, Any]:
    bad = {item["column"] for item in row.report.errors}
    data = {}
    for key, value in row.parsed.data.items():
        if key in bad or (key == "beneficiary_groups" and any(column.startswith("beneficiaries_") for column in bad)):
            continue
        data[key] = value
    if row.project is None and row.parsed.code and "code" not in bad:
        data["code"] = row.parsed.code
    return data


def _more_errors(row: _Row) -> None:
    """A row that already has errors is not written; the service's checks of its other columns are
    still reported, so one dry run lists every error."""
    from vidnova.projects.services.projects import project_clean

    hromada = row.project.hromada if row.project is not None else row.hromada
    if hromada is None:
        return
    bad = {item["column"] for item in row.report.errors}
    try:
        project_clean(hromada=hromada, data=_without_errors(row), project=row.project)
    except ValidationError as error:
        for column, message in service_errors(error):
            if column not in bad:
                row.report.error(column, message)


def _write(acting_user: AnyUser, rows: list[_Row], present: set[str], filename: str) -> None:
    from vidnova.projects.services.projects import project_create, project_transition, project_update

    for row in rows:
        if row.report.errors:
            _more_errors(row)
            continue
        data = dict(row.parsed.data)
        column = ""
        try:
            with transaction.atomic():
                if row.project is not None:
                    if _unchanged(row.project, row.parsed, present):
                        row.report.outcome = "unchanged"
                        continue
                    project = project_update(
                        acting_user=acting_user, project=row.project, data=data, expected_version=None
                    )
                    row.report.outcome = "update"
                elif row.hromada is not None:
                    if row.parsed.code:
                        data["code"] = row.parsed.code
                    project = project_create(acting_user=acting_user, hromada=row.hromada, data=data)
                    column = "state"
                    for state in _transition_path(project.state, row.parsed.state or project.state):
                        project = project_transition(
                            acting_user=acting_user,
                            project=project,
                            to_state=state,
                            reason=_("Imported from the file “%(file)s”.") % {"file": filename},
                        )
                    if "readiness" in data and project.readiness != data["readiness"]:
                        # A transition raises the readiness to the state's; the file's value wins.
                        column = "readiness"
                        project = project_update(
                            acting_user=acting_user,
                            project=project,
                            data={"readiness": data["readiness"]},
                            expected_version=None,
                        )
                    row.report.outcome = "create"
                else:  # not reached: a row without a known hromada has an error already
                    continue
                row.report.code = project.code
        except ValidationError as error:
            for name, message in service_errors(error):
                row.report.error(name if name not in {"", "to_state", "reason"} else column, message)
        except (PermissionDenied, EditConflict) as error:
            row.report.error(column, str(error) or _("You may not change this project."))
        except DatabaseError as error:
            row.report.error("", _("The database refused the row: %(error)s") % {"error": error})


def service_errors(error: ValidationError) -> Iterator[tuple[str, str]]:
    """A service's ValidationError as (column, message): "financing_lines[2].amount" becomes the
    column financing_lines and a message about its item 3."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            yield "", message
        return
    for key, errors in error.error_dict.items():
        match = _ITEM_KEY.match(key)
        messages = [message for item in errors for message in item.messages]
        if match:
            prefix = _("item %(number)s") % {"number": int(match["index"]) + 1}
            if match["part"]:
                prefix += f" ({match['part']})"
            for message in messages:
                yield match["list"], f"{prefix}: {message}"
            continue
        column = _FIELD_COLUMNS.get(key, key)
        for message in messages:
            yield column, message


def _audit(acting_user: AnyUser, rows: Iterable[_Row], filename: str) -> None:
    by_hromada: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"created": [], "updated": []})
    hromadas: dict[int, Hromada] = {}
    for row in rows:
        hromada = row.project.hromada if row.project is not None else row.hromada
        if hromada is None or row.report.outcome not in {"create", "update"}:
            continue
        hromadas[hromada.pk] = hromada
        key = "created" if row.report.outcome == "create" else "updated"
        by_hromada[hromada.pk][key].append(row.report.code)
    actor = acting_user if isinstance(acting_user, User) else None
    for pk, changes in by_hromada.items():
        record(
            actor=actor,
            action="projects.import.applied",
            target=hromadas[pk],
            data={"file": filename, **changes},
            hromada=hromadas[pk],
        )


# --- export --------------------------------------------------------------------------------------


def export_rows(*, user: AnyUser, projects: Iterable[Project]) -> Iterator[dict[str, Any]]:
    """Rows of the export: everyone gets the public fiche; the exact locations of a sensitive project
    only go to those who may see its private parts."""
    for project in projects:
        private = not project.is_sensitive or can(user, Action.VIEW_PRIVATE, project)
        yield tabular.project_row(project, private=private)


def export_filename(params: Mapping[str, str], extension: str) -> str:
    suffix = "-".join(
        re.sub(r"[^A-Za-z0-9_.-]", "", str(params.get(name) or ""))
        for name in ("hromada", "programme", "state")
        if params.get(name)
    )
    return f"projects{'-' + suffix if suffix else ''}-{timezone.localdate().isoformat()}.{extension}"
