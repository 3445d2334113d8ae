"""Reading the shipped reference data and writing it into the registry.

Only ``vidnova.registry.services.registry_load`` calls this module: it decides access, holds the
transaction and writes the audit log. The work happens in two steps:

1. ``read_reference_data`` parses and checks every file completely, in memory. Any malformed row
   (bad KATOTTG code, duplicate code, unknown parent, oblast or raion, a number that is not a
   number) rejects the whole load with ``ImportRejected`` listing every bad row; nothing is written.
2. ``apply`` upserts by natural key (KATOTTG code, CBS code). Rows are compared with what is stored
   and only new or changed rows are written, in bulk, so a repeated load writes nothing and a new
   codifier edition keeps every unit's primary key (and so every reference to it). When a unit's
   name changes, the old name is kept as a UnitFormerName and stays searchable.

Files are read from ``DATA_DIR`` (the copy shipped in this package, see data/ATTRIBUTION.md) unless a
directory with the same layout is given.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.core.exceptions import ImportRejected
from vidnova.registry.collation import ukrainian_sort_key
from vidnova.registry.models import (
    CodifierCategory,
    CodifierUnit,
    DutchMunicipality,
    Hromada,
    HromadaType,
    Raion,
    SecurityStatus,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
    search_key,
)
from vidnova.registry.translit import translit

DATA_DIR = Path(__file__).resolve().parent / "data"

OBLASTS_FILE = "ukraine/ua_oblasts.csv"
CODIFIER_FILE = "ukraine/katottg_codifier_full.csv"
HROMADAS_FILE = "ukraine/ua_hromadas.csv"
MUNICIPALITIES_FILE = "netherlands/nl_gemeenten_2024.csv"
# The files the database is built from, in the order they are checked (and hashed).
DATA_FILES = (OBLASTS_FILE, CODIFIER_FILE, HROMADAS_FILE, MUNICIPALITIES_FILE)

# Part of the checksum: raise it when the way rows are derived from the files changes (search text,
# transliteration, coordinates), so deployments reload the registry although the files are the same.
LOADER_VERSION = "2"

# Default security periods for hromadas occupied before the full-scale invasion. They are only
# written for hromadas that have no period at all, so staff edits are never overridden.
CRIMEA_OCCUPIED_SINCE = datetime.date(2014, 2, 20)
DONBAS_OCCUPIED_SINCE = datetime.date(2014, 4, 7)
OCCUPIED_SINCE_2014_SOURCE = "Temporarily occupied since 2014"
CRIMEA_NOTE = (
    "Recorded by the registry loader: the Autonomous Republic of Crimea has been temporarily occupied "
    "since 20 February 2014."
)
DONBAS_NOTE = (
    "Recorded by the registry loader: the hromada table (KSE) marks this hromada as occupied before 24 February 2022."
)
PREVIOUS_NAME_SOURCE = "ua_hromadas.csv, column name_uk_previous"

_KATOTTG = re.compile(r"^UA\d{17}$")
_CBS_CODE = re.compile(r"^GM\d{4}$")
_ISO_3166_2 = re.compile(r"^UA-\d{2}$")
_WHOLE_NUMBER = re.compile(r"^\d+$")
# The codifier prints categories in Cyrillic; these are the Latin letters the database uses.
_CYRILLIC_CATEGORY = str.maketrans("ОКРНМТСХВ", "OKPHMTCXB")
_TOP_LEVEL_CATEGORIES = {CodifierCategory.OBLAST.value, CodifierCategory.SPECIAL_CITY.value}
_HROMADA_TYPES = {choice.value for choice in HromadaType}
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# Rows per executemany / bulk_create call.
BATCH_SIZE = 2000

_M = TypeVar("_M", bound=models.Model)


# --- the data as read from the files ---------------------------------------------------------


@dataclass
class ReferenceData:
    """Everything the files say, checked and keyed by natural key. Values are ready for the models
    except foreign keys, which are given as codes."""

    top_level: dict[str, dict[str, Any]] = field(default_factory=dict)
    codifier: dict[str, dict[str, Any]] = field(default_factory=dict)
    raions: dict[str, dict[str, Any]] = field(default_factory=dict)
    hromadas: dict[str, dict[str, Any]] = field(default_factory=dict)
    municipalities: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (KATOTTG code, former Ukrainian name) pairs given by the hromada table.
    previous_names: list[tuple[str, str]] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {
            "top_level_units": len(self.top_level),
            "raions": len(self.raions),
            "hromadas": len(self.hromadas),
            "hromadas_in_crimea": sum(1 for row in self.hromadas.values() if row["in_crimea"]),
            "codifier_units": len(self.codifier),
            "dutch_municipalities": len(self.municipalities),
        }


@dataclass
class ApplyStats:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    renamed: int = 0
    former_names_added: int = 0
    periods_created: int = 0


class _Errors:
    """Row errors of all files, in file order; row 1 is a file's header, row 0 the file itself."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str]] = []

    def add(self, filename: str, row: int, reason: str) -> None:
        self.rows.append((row, f"{filename}: {reason}"))


def data_checksum(data_dir: Path) -> str:
    """SHA-256 over the loader version and every data file (name and bytes)."""
    digest = hashlib.sha256(f"vidnova-registry-loader {LOADER_VERSION}\n".encode())
    for name in DATA_FILES:
        digest.update(f"\n{name}\n".encode())
        path = data_dir / name
        if path.is_file():
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        else:
            digest.update(b"<missing>")
    return digest.hexdigest()


def _read_rows(
    data_dir: Path, filename: str, required: Sequence[str], errors: _Errors
) -> list[tuple[int, dict[str, str]]] | None:
    """The rows of a CSV file with their row numbers (the header is row 1), values stripped; None if
    the file cannot be read at all (missing, not UTF-8, required columns missing)."""
    path = data_dir / filename
    if not path.is_file():
        errors.add(filename, 0, _("The file is missing from %(directory)s.") % {"directory": data_dir})
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        errors.add(filename, 0, _("The file is not UTF-8 text."))
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [name for name in required if name not in header]
    if missing:
        errors.add(filename, 1, _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.add(filename, number, _("The row has more values than the header has columns."))
            continue
        row = {key: (value or "").strip() for key, value in raw.items()}
        if any(row.values()):
            rows.append((number, row))
    return rows


class _RowReader:
    """Converts one row's values, reporting each problem against the row."""

    def __init__(self, errors: _Errors, filename: str, number: int, row: Mapping[str, str]) -> None:
        self.errors = errors
        self.filename = filename
        self.number = number
        self.row = row
        self.ok = True

    def fail(self, reason: str) -> None:
        self.ok = False
        self.errors.add(self.filename, self.number, reason)

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.row.get(column, "")
        if required and not value:
            self.fail(_("%(column)s is empty.") % {"column": column})
        elif len(value) > max_length:
            self.fail(_("%(column)s is longer than %(max)s characters.") % {"column": column, "max": max_length})
        return value

    def katottg(self, column: str, *, required: bool = True) -> str:
        value = self.row.get(column, "").upper()
        if not value:
            if required:
                self.fail(_("%(column)s is empty.") % {"column": column})
            return ""
        if not _KATOTTG.match(value):
            self.fail(
                _("%(column)s “%(value)s” is not a KATOTTG code (“UA” followed by 17 digits).")
                % {"column": column, "value": value}
            )
        return value

    def whole_number(self, column: str) -> int | None:
        value = self.row.get(column, "")
        if not value:
            return None
        # pandas writes integers of float columns as "123.0"; accept that, nothing else.
        digits = value[:-2] if value.endswith(".0") else value
        if not _WHOLE_NUMBER.match(digits):
            self.fail(
                _("%(column)s “%(value)s” is not a whole number of zero or more.") % {"column": column, "value": value}
            )
            return None
        return int(digits)

    def decimal(self, column: str, *, places: int, minimum: Decimal, maximum: Decimal) -> Decimal | None:
        value = self.row.get(column, "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not minimum <= number <= maximum:
            self.fail(
                _("%(column)s “%(value)s” is not a number between %(minimum)s and %(maximum)s.")
                % {"column": column, "value": value, "minimum": minimum, "maximum": maximum}
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def boolean(self, column: str) -> bool | None:
        value = self.row.get(column, "").casefold()
        if not value:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.fail(_("%(column)s “%(value)s” is not true or false.") % {"column": column, "value": value})
        return None


def _first_seen(seen: dict[str, int], code: str, reader: _RowReader) -> bool:
    """Record ``code`` as seen on this row; report a duplicate (and return False) if it was seen."""
    if code in seen:
        reader.fail(_("Duplicate code %(code)s (first on row %(row)s).") % {"code": code, "row": seen[code]})
        return False
    seen[code] = reader.number
    return True


def read_reference_data(data_dir: Path) -> ReferenceData:
    """Parse and check every data file; raise ImportRejected listing every bad row."""
    errors = _Errors()
    data = ReferenceData()
    _read_codifier(data_dir, data, errors)
    _read_top_level(data_dir, data, errors)
    _read_hromadas(data_dir, data, errors)
    _read_municipalities(data_dir, data, errors)
    if errors.rows:
        raise ImportRejected(errors.rows)
    return data


def _read_codifier(data_dir: Path, data: ReferenceData, errors: _Errors) -> None:
    filename = CODIFIER_FILE
    seen: dict[str, int] = {}
    rows: list[tuple[_RowReader, str]] = []
    categories = {choice.value for choice in CodifierCategory}
    for number, row in _read_rows(data_dir, filename, ("katottg", "parent_katottg", "category", "name"), errors) or []:
        reader = _RowReader(errors, filename, number, row)
        code = reader.katottg("katottg")
        if reader.ok:
            _first_seen(seen, code, reader)
        parent = reader.katottg("parent_katottg", required=False)
        category = row["category"].upper().translate(_CYRILLIC_CATEGORY)
        if category not in categories:
            reader.fail(_("Unknown category “%(value)s”.") % {"value": row["category"]})
        name = reader.text("name", required=True)
        if reader.ok:
            data.codifier[code] = {"parent_katottg": parent, "category": category, "name_uk": name}
            rows.append((reader, code))
    # Second pass, now that every code is known: parents must exist and the levels must nest.
    for reader, code in rows:
        unit = data.codifier[code]
        parent = unit["parent_katottg"]
        category = unit["category"]
        if category in _TOP_LEVEL_CATEGORIES:
            if parent:
                reader.fail(_("An oblast or a city with special status cannot have a parent unit."))
            continue
        parent_unit = data.codifier.get(parent) if parent else None
        if parent_unit is None:
            reader.fail(_("Unknown parent unit %(code)s.") % {"code": parent or "—"})
        elif category == CodifierCategory.RAION and parent_unit["category"] != CodifierCategory.OBLAST:
            reader.fail(_("The parent %(code)s of a raion is not an oblast.") % {"code": parent})
        elif category == CodifierCategory.HROMADA and parent_unit["category"] != CodifierCategory.RAION:
            reader.fail(_("The parent %(code)s of a hromada is not a raion.") % {"code": parent})
        elif category == CodifierCategory.RAION:
            data.raions[code] = {"oblast": parent, "name_uk": unit["name_uk"]}
    # Every unit below a hromada belongs to it; find it by walking up the parents.
    for code, unit in data.codifier.items():
        unit["hromada"] = _hromada_of(code, data.codifier)


def _hromada_of(code: str, codifier: Mapping[str, Mapping[str, Any]]) -> str:
    current: str = code
    for _level in range(8):  # the codifier has five levels; more means a loop
        unit = codifier.get(current)
        if unit is None:
            return ""
        if unit["category"] == CodifierCategory.HROMADA:
            return current
        current = unit["parent_katottg"]
        if not current:
            return ""
    return ""


def _read_top_level(data_dir: Path, data: ReferenceData, errors: _Errors) -> None:
    filename = OBLASTS_FILE
    seen: dict[str, int] = {}
    seen_iso: dict[str, int] = {}
    rows = _read_rows(data_dir, filename, ("katottg", "category", "name_uk", "iso_3166_2"), errors)
    for number, row in rows or []:
        reader = _RowReader(errors, filename, number, row)
        code = reader.katottg("katottg")
        if reader.ok:
            _first_seen(seen, code, reader)
        category = row["category"].upper().translate(_CYRILLIC_CATEGORY)
        if category not in _TOP_LEVEL_CATEGORIES:
            reader.fail(
                _("Category “%(value)s” is not O (oblast) or K (city with special status).") % {"value": category}
            )
        name = reader.text("name_uk", required=True)
        iso = row["iso_3166_2"].upper()
        if not _ISO_3166_2.match(iso):
            reader.fail(_("iso_3166_2 “%(value)s” is not an ISO 3166-2 code of Ukraine (UA-nn).") % {"value": iso})
        name_en = reader.text("name_en_geoboundaries")
        if not reader.ok:
            continue
        if not _first_seen(seen_iso, iso, reader):
            continue
        unit = data.codifier.get(code)
        if unit is None or unit["category"] != category:
            reader.fail(_("%(code)s is not an oblast or a city with special status in the codifier.") % {"code": code})
            continue
        data.top_level[code] = {
            "category": category,
            "name_uk": name,
            "name_en": name_en,
            "iso_3166_2": iso,
        }
    if rows is not None:
        for code, unit in data.codifier.items():
            if unit["category"] in _TOP_LEVEL_CATEGORIES and code not in seen:
                errors.add(
                    filename,
                    0,
                    _("%(code)s (%(name)s) from the codifier has no row.") % {"code": code, "name": unit["name_uk"]},
                )


def _read_hromadas(data_dir: Path, data: ReferenceData, errors: _Errors) -> None:
    filename = HROMADAS_FILE
    seen: dict[str, int] = {}
    required = ("katottg", "name_uk", "oblast_katottg", "raion_katottg")
    crimea = {code for code, unit in data.top_level.items() if unit["iso_3166_2"] == "UA-43"}
    rows = _read_rows(data_dir, filename, required, errors)
    for number, row in rows or []:
        reader = _RowReader(errors, filename, number, row)
        code = reader.katottg("katottg")
        if reader.ok:
            _first_seen(seen, code, reader)
        name = reader.text("name_uk", required=True)
        oblast = reader.katottg("oblast_katottg")
        raion = reader.katottg("raion_katottg")
        hromada_type = row.get("type_en", "").casefold()
        if hromada_type and hromada_type not in _HROMADA_TYPES:
            reader.fail(_("type_en “%(value)s” is not urban, settlement or rural.") % {"value": hromada_type})
        admin_center = reader.katottg("admin_center_katottg", required=False)
        creation_year = reader.whole_number("creation_year")
        if creation_year is not None and not 1990 <= creation_year <= 2100:
            reader.fail(_("creation_year “%(value)s” is not a year.") % {"value": creation_year})
        values: dict[str, Any] = {
            "name_uk": name,
            "name_en": reader.text("name_en_codab"),
            "hromada_type": hromada_type,
            "oblast": oblast,
            "raion": raion,
            "admin_center_katottg": admin_center,
            "admin_center_name": reader.text("admin_center_name_uk"),
            "population_2022": reader.whole_number("population_2022"),
            "urban_population_2022": reader.whole_number("urban_population_2022"),
            "area_km2": reader.decimal("area_km2", places=2, minimum=Decimal(0), maximum=Decimal(9_999_999)),
            "settlement_count": reader.whole_number("n_settlements_codifier"),
            "creation_year": creation_year,
        }
        # The administrative centre is a settlement of the hromada, so its point lies inside it; the
        # COD-AB polygon centroid is the fallback (Crimea has no administrative-centre coordinates).
        latitude = reader.decimal("admin_center_lat", places=6, minimum=Decimal(-90), maximum=Decimal(90))
        longitude = reader.decimal("admin_center_lon", places=6, minimum=Decimal(-180), maximum=Decimal(180))
        centroid_latitude = reader.decimal("centroid_lat_codab", places=6, minimum=Decimal(-90), maximum=Decimal(90))
        centroid_longitude = reader.decimal("centroid_lon_codab", places=6, minimum=Decimal(-180), maximum=Decimal(180))
        if latitude is None or longitude is None:
            latitude, longitude = centroid_latitude, centroid_longitude
        values["latitude"], values["longitude"] = latitude, longitude
        in_crimea = reader.boolean("ar_crimea")
        occupied = reader.boolean("occupied_before_2022")
        previous = reader.text("name_uk_previous")
        if not reader.ok:
            continue
        # Every code must agree with the codifier, which is the authority on the hierarchy.
        unit = data.codifier.get(code)
        if unit is None or unit["category"] != CodifierCategory.HROMADA:
            reader.fail(_("%(code)s is not a hromada (category H) in the codifier.") % {"code": code})
        if oblast not in data.top_level:
            reader.fail(_("Unknown oblast %(code)s.") % {"code": oblast})
        if raion not in data.raions:
            reader.fail(_("Unknown raion %(code)s.") % {"code": raion})
        elif data.raions[raion]["oblast"] != oblast:
            reader.fail(_("Raion %(raion)s does not lie in oblast %(oblast)s.") % {"raion": raion, "oblast": oblast})
        elif unit is not None and unit["parent_katottg"] != raion:
            reader.fail(
                _("The codifier places %(code)s in raion %(codifier_raion)s, not %(raion)s.")
                % {"code": code, "codifier_raion": unit["parent_katottg"], "raion": raion}
            )
        if admin_center and data.codifier.get(admin_center, {}).get("hromada") != code:
            reader.fail(
                _("The administrative centre %(code)s is not a settlement of this hromada.") % {"code": admin_center}
            )
        if not reader.ok:
            continue
        values["in_crimea"] = (oblast in crimea) if in_crimea is None else in_crimea
        values["occupied_before_2022"] = bool(occupied)
        data.hromadas[code] = values
        if previous and previous != name:
            data.previous_names.append((code, previous))
    if rows is not None:
        for code, unit in data.codifier.items():
            if unit["category"] == CodifierCategory.HROMADA and code not in seen:
                errors.add(
                    filename,
                    0,
                    _("Hromada %(code)s (%(name)s) from the codifier has no row.")
                    % {"code": code, "name": unit["name_uk"]},
                )


def _read_municipalities(data_dir: Path, data: ReferenceData, errors: _Errors) -> None:
    filename = MUNICIPALITIES_FILE
    seen: dict[str, int] = {}
    required = ("gm_code", "name", "province", "population_2024_01_01", "point_on_surface_lat", "point_on_surface_lon")
    for number, row in _read_rows(data_dir, filename, required, errors) or []:
        reader = _RowReader(errors, filename, number, row)
        code = row["gm_code"].upper()
        if not _CBS_CODE.match(code):
            reader.fail(_("gm_code “%(value)s” is not a CBS municipality code (GM and 4 digits).") % {"value": code})
        else:
            _first_seen(seen, code, reader)
        values = {
            "name": reader.text("name", required=True),
            "province": reader.text("province", required=True, max_length=100),
            "population": reader.whole_number("population_2024_01_01"),
            "latitude": reader.decimal("point_on_surface_lat", places=6, minimum=Decimal(-90), maximum=Decimal(90)),
            "longitude": reader.decimal("point_on_surface_lon", places=6, minimum=Decimal(-180), maximum=Decimal(180)),
        }
        if reader.ok:
            data.municipalities[code] = values


# --- writing ---------------------------------------------------------------------------------


def _search_text(parts: Iterable[str]) -> str:
    unique: list[str] = []
    for part in parts:
        key = search_key(part)
        if key and key not in unique:
            unique.append(key)
    return " ".join(unique)


def _stored(model: type[_M], key: str, fields: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in model._default_manager.values(key, *fields)}


def _upsert(
    model: type[_M],
    *,
    key: str,
    desired: Mapping[str, Mapping[str, Any]],
    stored: Mapping[str, Mapping[str, Any]],
    fields: Sequence[str],
) -> tuple[int, int]:
    """Insert new rows and update changed ones; return (created, updated).

    Rows whose values are unchanged are not written, so their ``updated_at`` stays as it is. The
    upsert is ``INSERT … VALUES (…), (…) ON CONFLICT (natural key) DO UPDATE``, which SQLite (3.24+)
    and PostgreSQL both run: an existing row keeps its primary key, so references to it survive.
    Statements are written here rather than with bulk_create(update_conflicts=True) because building
    and compiling tens of thousands of model instances was most of the load time; the values are
    plain str/int/bool/Decimal/None, which both drivers take as they are. Each statement stays within
    SQLite's limit on query parameters.
    """
    created = updated = 0
    rows: list[list[Any]] = []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for code, values in desired.items():
        current = stored.get(code)
        if current is None:
            created += 1
        elif all(current[name] == values[name] for name in fields):
            continue
        else:
            updated += 1
        rows.append([now, now, code, *(values[name] for name in fields)])
    if rows:
        _insert_or_update(model, key=key, names=("created_at", "updated_at", key, *fields), rows=rows)
    return created, updated


def _insert_or_update(model: type[models.Model], *, key: str, names: Sequence[str], rows: list[list[Any]]) -> None:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of ``rows`` (values in the order of ``names``)."""

    def quote(model_field: models.Field[Any, Any]) -> str:
        return connection.ops.quote_name(model_field.column or model_field.attname)

    model_fields = [_field(model, name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(quote(model_field) for model_field in model_fields)
    updates = ", ".join(
        f"{quote(model_field)} = EXCLUDED.{quote(model_field)}"
        for model_field in model_fields
        if model_field.attname not in {key, "created_at"}
    )
    # Identifiers come from the model's metadata (quoted); every value is a query parameter.
    conflict = f"ON CONFLICT ({quote(_field(model, key))}) DO UPDATE SET {updates}"
    if connection.vendor == "postgresql":
        # One array parameter per column, unpacked by unnest(): a handful of parameters per
        # statement instead of one per value. Sent with server-side binding (a plain psycopg cursor
        # on Django's connection, so in the same transaction): Django's client-side binding would
        # quote every array element in Python first.
        import psycopg

        arrays = ", ".join(f"%s::{model_field.db_type(connection)}[]" for model_field in model_fields)
        sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) {conflict}"  # noqa: S608
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as server_cursor:
            for start in range(0, len(rows), BATCH_SIZE):
                batch = rows[start : start + BATCH_SIZE]
                server_cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
        return
    # SQLite: multi-row VALUES, each statement within SQLite's limit on query parameters.
    max_parameters = connection.features.max_query_params or 999
    per_statement = max(1, min(BATCH_SIZE, max_parameters // len(model_fields)))
    row_placeholders = "({})".format(", ".join(["%s"] * len(model_fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            values = ", ".join([row_placeholders] * len(batch))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values} {conflict}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])


def _field(model: type[models.Model], attname: str) -> models.Field[Any, Any]:
    """The model's field with this attribute name (``raion_id`` for the raion foreign key)."""
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field
    raise LookupError(f"{model.__name__} has no field {attname}")


def apply(data: ReferenceData, *, rename_source: str) -> ApplyStats:
    """Write ``data`` into the registry. Call inside a transaction (the service does)."""
    stats = ApplyStats()
    cache: dict[str, str] = {}

    def latin(name: str) -> str:
        if name not in cache:
            cache[name] = translit(name)
        return cache[name]

    top_fields = ("category", "name_uk", "name_latin", "name_en", "name_sort", "iso_3166_2")
    raion_fields = ("oblast_id", "name_uk", "name_latin", "name_sort")
    hromada_fields = (
        "name_uk", "name_latin", "name_en", "hromada_type", "oblast_id", "raion_id", "admin_center_katottg",
        "admin_center_name", "population_2022", "urban_population_2022", "area_km2", "latitude", "longitude",
        "settlement_count", "creation_year", "in_crimea", "occupied_before_2022", "search_text", "name_sort",
    )  # fmt: skip
    codifier_fields = ("parent_katottg", "category", "name_uk", "name_latin", "hromada_id", "search_text")
    municipality_fields = ("name", "province", "population", "latitude", "longitude", "search_text")

    stored_top = _stored(TopLevelUnit, "katottg", top_fields)
    stored_raions = _stored(Raion, "katottg", raion_fields)
    stored_hromadas = _stored(Hromada, "katottg", hromada_fields)
    stored_codifier = _stored(CodifierUnit, "katottg", codifier_fields)

    # Former names: those stored, those the hromada table gives, and the names this edition replaces.
    former: dict[str, dict[str, str]] = {}
    for code, name_uk, name_latin in UnitFormerName.objects.values_list("katottg", "name_uk", "name_latin"):
        former.setdefault(code, {})[name_uk] = name_latin
    new_former: dict[tuple[str, str], tuple[str, str]] = {}

    def keep_former(code: str, name_uk: str, name_latin: str, source: str) -> None:
        if name_uk not in former.get(code, {}):
            former.setdefault(code, {})[name_uk] = name_latin
            new_former[(code, name_uk)] = (name_latin, source)

    renamed: set[str] = set()
    for stored_rows, desired_rows in (
        (stored_top, data.top_level),
        (stored_raions, data.raions),
        (stored_hromadas, data.hromadas),
        (stored_codifier, data.codifier),
    ):
        for code, current in stored_rows.items():
            new_name = desired_rows[code]["name_uk"] if code in desired_rows else None
            if new_name is not None and current["name_uk"] != new_name:
                renamed.add(code)
                keep_former(code, current["name_uk"], current["name_latin"], rename_source)
    for code, previous in data.previous_names:
        keep_former(code, previous, latin(previous), PREVIOUS_NAME_SOURCE)
    stats.renamed = len(renamed)

    def former_parts(code: str, current_name: str) -> list[str]:
        parts: list[str] = []
        for name_uk, name_latin in former.get(code, {}).items():
            if name_uk != current_name:
                parts.extend((name_uk, name_latin))
        return parts

    top = {
        code: {**values, "name_latin": latin(values["name_uk"]), "name_sort": ukrainian_sort_key(values["name_uk"])}
        for code, values in data.top_level.items()
    }
    stats.created["top_level_units"], stats.updated["top_level_units"] = _upsert(
        TopLevelUnit, key="katottg", desired=top, stored=stored_top, fields=top_fields
    )
    top_ids = dict(TopLevelUnit.objects.values_list("katottg", "pk"))

    raions = {
        code: {
            "oblast_id": top_ids[row["oblast"]],
            "name_uk": row["name_uk"],
            "name_latin": latin(row["name_uk"]),
            "name_sort": ukrainian_sort_key(row["name_uk"]),
        }
        for code, row in data.raions.items()
    }
    stats.created["raions"], stats.updated["raions"] = _upsert(
        Raion, key="katottg", desired=raions, stored=stored_raions, fields=raion_fields
    )
    raion_ids = dict(Raion.objects.values_list("katottg", "pk"))

    hromadas: dict[str, dict[str, Any]] = {}
    for code, row in data.hromadas.items():
        values = {name: value for name, value in row.items() if name not in {"oblast", "raion"}}
        values["name_latin"] = latin(row["name_uk"])
        values["name_sort"] = ukrainian_sort_key(row["name_uk"])
        values["oblast_id"] = top_ids[row["oblast"]]
        values["raion_id"] = raion_ids[row["raion"]]
        values["search_text"] = _search_text(
            [row["name_uk"], values["name_latin"], row["name_en"], *former_parts(code, row["name_uk"])]
        )
        hromadas[code] = values
    stats.created["hromadas"], stats.updated["hromadas"] = _upsert(
        Hromada, key="katottg", desired=hromadas, stored=stored_hromadas, fields=hromada_fields
    )
    hromada_ids = dict(Hromada.objects.filter(katottg__in=list(hromadas)).values_list("katottg", "pk"))

    codifier: dict[str, dict[str, Any]] = {}
    for code, unit in data.codifier.items():
        name_latin = latin(unit["name_uk"])
        codifier[code] = {
            "parent_katottg": unit["parent_katottg"],
            "category": unit["category"],
            "name_uk": unit["name_uk"],
            "name_latin": name_latin,
            "hromada_id": hromada_ids.get(unit["hromada"]),
            "search_text": _search_text([unit["name_uk"], name_latin, *former_parts(code, unit["name_uk"])]),
        }
    stats.created["codifier_units"], stats.updated["codifier_units"] = _upsert(
        CodifierUnit, key="katottg", desired=codifier, stored=stored_codifier, fields=codifier_fields
    )

    municipalities = {
        code: {**values, "search_text": _search_text([values["name"], values["province"]])}
        for code, values in data.municipalities.items()
    }
    stats.created["dutch_municipalities"], stats.updated["dutch_municipalities"] = _upsert(
        DutchMunicipality,
        key="cbs_code",
        desired=municipalities,
        stored=_stored(DutchMunicipality, "cbs_code", municipality_fields),
        fields=municipality_fields,
    )

    UnitFormerName.objects.bulk_create(
        [
            UnitFormerName(katottg=code, name_uk=name_uk, name_latin=name_latin, source=source[:200])
            for (code, name_uk), (name_latin, source) in new_former.items()
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    stats.former_names_added = len(new_former)
    stats.periods_created = _default_security_periods(data, hromada_ids)
    return stats


def _default_security_periods(data: ReferenceData, hromada_ids: Mapping[str, int]) -> int:
    """Occupied since 2014: Crimea, and the parts of Donetsk and Luhansk oblasts the data marks.
    Written only for hromadas with no period at all, so nothing staff recorded is overridden."""
    with_periods = set(SecurityStatusPeriod.objects.values_list("hromada_id", flat=True).distinct())
    periods: list[SecurityStatusPeriod] = []
    for code, row in data.hromadas.items():
        hromada_id = hromada_ids[code]
        if hromada_id in with_periods:
            continue
        if row["in_crimea"]:
            starts_on, note = CRIMEA_OCCUPIED_SINCE, CRIMEA_NOTE
        elif row["occupied_before_2022"]:
            starts_on, note = DONBAS_OCCUPIED_SINCE, DONBAS_NOTE
        else:
            continue
        periods.append(
            SecurityStatusPeriod(
                hromada_id=hromada_id,
                status=SecurityStatus.TEMPORARILY_OCCUPIED,
                starts_on=starts_on,
                source=OCCUPIED_SINCE_2014_SOURCE,
                note=note,
            )
        )
    SecurityStatusPeriod.objects.bulk_create(periods, batch_size=BATCH_SIZE)
    return len(periods)
