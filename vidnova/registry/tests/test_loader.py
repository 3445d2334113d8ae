"""Loading the registry from the shipped reference data (conftest.py loads it once per session)."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db.models import F, Max
from django.utils import translation

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import ImportRejected
from vidnova.registry import loader
from vidnova.registry.models import (
    CodifierUnit,
    DutchMunicipality,
    Hromada,
    Raion,
    RegistryEdition,
    SecurityStatus,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
)
from vidnova.registry.selectors import HromadaFilter, hromadas
from vidnova.registry.services import registry_load
from vidnova.registry.translit import translit
from vidnova.testing import factories

pytestmark = pytest.mark.django_db

DATA = loader.DATA_DIR
SHARED_DATA = settings.PROJECT_DIR.parent / "shared" / "data"
BUCHANSKA = "UA32080070000050759"
SAMARIVSKA = "UA12100070000011492"  # formerly Новомосковська
MODELS = (TopLevelUnit, Raion, Hromada, CodifierUnit, DutchMunicipality)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def names(query: str) -> set[str]:
    return {hromada.katottg for hromada in hromadas(HromadaFilter(query=query))}


def snapshot_registry() -> dict[str, tuple[int, object]]:
    """Row count and latest update per model: enough to see whether a load wrote anything."""
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(latest=Max("updated_at"))["latest"])
        for model in MODELS
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data files, for editions and broken files."""
    target = tmp_path / "data"
    for name in loader.DATA_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / name, target / name)
    return target


def edit_rows(path: Path, change: dict[str, dict[str, str]], *, key: str = "katottg") -> None:
    """Rewrite the CSV at ``path`` with ``change[row[key]]`` applied to matching rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        row.update(change.get(row[key], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def append_line(path: Path, line: str) -> int:
    """Append a raw CSV line; return its row number (the header is row 1)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def row_number(path: Path, code: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(code + ","):
            return number
    raise LookupError(code)


# --- what the session's load produced -----------------------------------------------------------


def test_counts_match_the_data() -> None:
    assert TopLevelUnit.objects.count() == 27
    assert TopLevelUnit.objects.filter(category="O").count() == 25
    assert set(TopLevelUnit.objects.filter(category="K").values_list("name_uk", flat=True)) == {"Київ", "Севастополь"}
    assert Raion.objects.count() == 136
    assert Hromada.objects.count() == 1772
    assert Hromada.objects.filter(in_crimea=False).count() == 1469
    assert Hromada.objects.filter(in_crimea=True).count() == 303
    assert CodifierUnit.objects.count() == 31744
    assert DutchMunicipality.objects.count() == 342
    categories = Counter(CodifierUnit.objects.values_list("category", flat=True))
    assert categories == {"O": 25, "K": 2, "P": 136, "H": 1772, "M": 461, "X": 1979, "C": 27261, "B": 108}
    per_oblast = Counter(Hromada.objects.filter(in_crimea=False).values_list("oblast__name_uk", flat=True))
    assert per_oblast["Вінницька"] == 63
    assert per_oblast["Одеська"] == 91
    assert per_oblast["Луганська"] == 37
    assert Counter(Hromada.objects.filter(in_crimea=False).values_list("hromada_type", flat=True)) == {
        "rural": 625,
        "settlement": 435,
        "urban": 409,
    }
    edition = RegistryEdition.objects.get()
    assert edition.counts["hromadas"] == 1772
    assert edition.counts["codifier_units"] == 31744


def test_top_level_units_have_iso_codes_and_english_names() -> None:
    luhansk = TopLevelUnit.objects.get(katottg="UA44000000000018893")
    assert (luhansk.iso_3166_2, luhansk.name_en, luhansk.name_latin) == ("UA-09", "Luhansk Oblast", "Luhanska")
    crimea = TopLevelUnit.objects.get(iso_3166_2="UA-43")
    assert crimea.name_uk == "Автономна Республіка Крим"
    assert crimea.name_en == "Autonomous Republic of Crimea"
    kyiv = TopLevelUnit.objects.get(iso_3166_2="UA-30")
    assert (kyiv.category, kyiv.name_uk, kyiv.name_latin) == ("K", "Київ", "Kyiv")
    assert len(set(TopLevelUnit.objects.values_list("iso_3166_2", flat=True))) == 27


def test_a_hromada_carries_the_table_values() -> None:
    bucha = Hromada.objects.select_related("oblast", "raion").get(katottg=BUCHANSKA)
    assert bucha.name_uk == "Бучанська"
    assert bucha.name_latin == "Buchanska"
    assert bucha.name_en == "Buchanska"
    assert bucha.hromada_type == "urban"
    assert bucha.oblast.name_uk == "Київська"
    assert bucha.raion.name_uk == "Бучанський"
    assert bucha.admin_center_name == "Буча"
    assert bucha.population_2022 == 58286
    assert str(bucha.area_km2) == "260.80"
    # The administrative centre's coordinates, which lie inside the hromada.
    assert (str(bucha.latitude), str(bucha.longitude)) == ("50.550313", "30.210692")
    assert bucha.settlement_count == 14
    assert bucha.creation_year == 2018
    assert (bucha.in_crimea, bucha.occupied_before_2022) == (False, False)
    assert Hromada.objects.get(name_uk="Харківська").population_2022 == 1421125


def test_raions_belong_to_their_oblast() -> None:
    for raion_code, oblast_code in Raion.objects.values_list("katottg", "oblast__katottg"):
        assert CodifierUnit.objects.get(katottg=raion_code).parent_katottg == oblast_code
    assert not Hromada.objects.exclude(raion__oblast=F("oblast")).exists()


def test_crimean_hromadas_fill_every_gap_and_are_occupied_since_2014() -> None:
    crimean = Hromada.objects.filter(in_crimea=True)
    assert crimean.count() == 303
    assert not crimean.exclude(oblast__iso_3166_2="UA-43").exists()
    assert not crimean.filter(raion__isnull=True).exists()
    assert not crimean.exclude(population_2022__isnull=True).exists()  # the table has no population there
    assert crimean.filter(latitude__isnull=True).count() == 6  # no COD-AB match, no administrative centre
    assert Hromada.objects.get(name_uk="Гресівська").hromada_type == ""  # the one row without a type
    periods = SecurityStatusPeriod.objects.filter(hromada__in=crimean)
    assert periods.count() == 303
    assert set(periods.values_list("status", "starts_on", "ends_on", "source")) == {
        (SecurityStatus.TEMPORARILY_OCCUPIED.value, datetime.date(2014, 2, 20), None, "Temporarily occupied since 2014")
    }
    occupied = hromadas(HromadaFilter(security_status=SecurityStatus.TEMPORARILY_OCCUPIED, oblast=crimea_code()))
    assert occupied.count() == 303


def crimea_code() -> str:
    return TopLevelUnit.objects.get(iso_3166_2="UA-43").katottg


def test_hromadas_occupied_before_2022_get_a_period_from_april_2014() -> None:
    donbas = Hromada.objects.filter(occupied_before_2022=True)
    assert donbas.count() == 31
    assert set(donbas.values_list("oblast__iso_3166_2", flat=True)) == {"UA-14", "UA-09"}
    assert set(
        SecurityStatusPeriod.objects.filter(hromada__in=donbas).values_list("status", "starts_on", "ends_on")
    ) == {(SecurityStatus.TEMPORARILY_OCCUPIED.value, datetime.date(2014, 4, 7), None)}
    assert SecurityStatusPeriod.objects.count() == 303 + 31


def test_codifier_units_point_to_their_hromada() -> None:
    bucha_town = CodifierUnit.objects.get(katottg="UA32080070010087821")
    assert (bucha_town.name_uk, bucha_town.name_latin, bucha_town.category) == ("Буча", "Bucha", "M")
    assert bucha_town.hromada is not None
    assert bucha_town.hromada.katottg == BUCHANSKA
    # A hromada's own codifier entry points to it too.
    assert CodifierUnit.objects.get(katottg=BUCHANSKA).hromada_id == Hromada.objects.get(katottg=BUCHANSKA).pk
    # Oblasts, raions, the cities with special status and their districts, and the two cities of
    # the exclusion zone (directly under Kyiv oblast) lie in no hromada.
    outside = CodifierUnit.objects.filter(hromada__isnull=True)
    assert Counter(outside.values_list("category", flat=True)) == {"O": 25, "K": 2, "P": 136, "B": 14, "M": 2}
    assert set(outside.filter(category="M").values_list("name_uk", flat=True)) == {"Прип’ять", "Чорнобиль"}
    assert CodifierUnit.objects.filter(hromada__isnull=False).count() == 31744 - 179


def test_dutch_municipalities() -> None:
    rotterdam = DutchMunicipality.objects.get(cbs_code="GM0599")
    assert (rotterdam.name, rotterdam.province, rotterdam.population) == ("Rotterdam", "Zuid-Holland", 670610)
    # A point on the surface, not the centroid (which for Rotterdam lies outside it).
    assert (str(rotterdam.latitude), str(rotterdam.longitude)) == ("51.921530", "4.488300")
    assert (
        sum(population or 0 for population in DutchMunicipality.objects.values_list("population", flat=True))
        == 17942942
    )
    assert DutchMunicipality.objects.get(name="'s-Gravenhage").search_text == "'s-gravenhage zuid-holland"
    # The province is searchable: all 26 municipalities of Utrecht province.
    assert DutchMunicipality.objects.filter(search_text__contains="utrecht").count() == 26


# --- search -------------------------------------------------------------------------------------


def test_search_finds_hromadas_by_latin_ukrainian_and_former_names() -> None:
    assert names("Buchanska") == {BUCHANSKA}
    assert names("buchanska") == {BUCHANSKA}
    assert names("БУЧАНСЬКА") == {BUCHANSKA}
    assert SAMARIVSKA in names("Novomoskovska")  # former name, Latin
    assert SAMARIVSKA in names("Новомосковська")  # former name, Ukrainian
    assert SAMARIVSKA in names("самарів")
    assert SAMARIVSKA in names("Samarivska")
    assert names(BUCHANSKA) == {BUCHANSKA}
    assert names("Novomoskovska") <= names("Самарівська") | {SAMARIVSKA}


def test_former_names_come_from_the_table_with_their_latin_form() -> None:
    assert UnitFormerName.objects.count() == 47
    former = UnitFormerName.objects.get(katottg=SAMARIVSKA)
    assert (former.name_uk, former.name_latin) == ("Новомосковська", "Novomoskovska")
    # The codifier entry of the hromada is found by the former name too.
    assert "novomoskovska" in CodifierUnit.objects.get(katottg=SAMARIVSKA).search_text


def test_latin_names_follow_the_national_transliteration() -> None:
    for row in read_csv(DATA / loader.HROMADAS_FILE):
        assert translit(row["name_uk"]) == row["name_latin"], row["katottg"]
    for row in read_csv(DATA / loader.OBLASTS_FILE):
        assert translit(row["name_uk"]) == row["name_latin"], row["katottg"]
    assert translit("Згурівська") == "Zghurivska"
    assert translit("Єнакієвська") == "Yenakiievska"
    assert translit("Тур’є-Реметівська") == "Turie-Remetivska"
    assert translit("ЩАСТЯ") == "SHCHASTIA"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the shared reference data are not checked out")
def test_the_shipped_copies_match_the_reference_data() -> None:
    for name in (loader.OBLASTS_FILE, loader.HROMADAS_FILE, loader.MUNICIPALITIES_FILE):
        assert (DATA / name).read_bytes() == (SHARED_DATA / name).read_bytes(), name
    geojson = "ukraine/geoBoundaries-UKR-ADM1_simplified.geojson"
    assert (DATA / geojson).read_bytes() == (SHARED_DATA / geojson).read_bytes()
    # The codifier is a compact copy: every row, the columns the loader uses.
    shipped = read_csv(DATA / loader.CODIFIER_FILE)
    full = read_csv(SHARED_DATA / loader.CODIFIER_FILE)
    assert len(shipped) == len(full) == 31744
    columns = ("katottg", "parent_katottg", "category", "name")
    assert [tuple(row[c] for c in columns) for row in shipped] == [tuple(row[c] for c in columns) for row in full]


# --- idempotence ----------------------------------------------------------------------------------


def test_a_second_load_does_nothing() -> None:
    before = snapshot_registry()
    result = registry_load(acting_user=None)
    assert result.already_loaded
    assert result.edition == RegistryEdition.objects.get()
    assert result.totals["hromadas"] == 1772
    assert snapshot_registry() == before
    assert not AuditEntry.objects.exists()


def test_a_forced_load_changes_and_duplicates_nothing() -> None:
    before = snapshot_registry()
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    periods = SecurityStatusPeriod.objects.count()
    result = registry_load(acting_user=None, force=True)
    assert not result.already_loaded
    assert set(result.created.values()) == {0}
    assert set(result.updated.values()) == {0}
    assert (result.renamed, result.former_names_added, result.periods_created) == (0, 0, 0)
    # Same rows, same values, not even rewritten.
    assert snapshot_registry() == before
    after = Hromada.objects.get(katottg=BUCHANSKA)
    assert (after.pk, after.updated_at, after.search_text) == (bucha.pk, bucha.updated_at, bucha.search_text)
    assert SecurityStatusPeriod.objects.count() == periods
    assert UnitFormerName.objects.count() == 47
    assert RegistryEdition.objects.count() == 1
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.actor_label) == ("registry.loaded", str(result.edition.pk), "system")
    assert entry.data["forced"] is True
    assert entry.data["totals"]["codifier_units"] == 31744
    assert entry.data["updated"]["hromadas"] == 0


def test_default_periods_never_override_recorded_ones(world: World) -> None:
    crimean = Hromada.objects.filter(in_crimea=True).order_by("katottg").first()
    assert crimean is not None
    SecurityStatusPeriod.objects.filter(hromada=crimean).delete()
    factories.SecurityStatusPeriodFactory.create(
        hromada=crimean, status=SecurityStatus.NONE, starts_on=datetime.date(2020, 1, 1)
    )
    result = registry_load(acting_user=None, force=True)
    assert result.periods_created == 0
    assert list(SecurityStatusPeriod.objects.filter(hromada=crimean).values_list("status", flat=True)) == ["none"]

    SecurityStatusPeriod.objects.filter(hromada=crimean).delete()
    assert registry_load(acting_user=None, force=True).periods_created == 1


# --- a later edition ------------------------------------------------------------------------------


def test_a_renamed_unit_keeps_its_key_and_its_old_name_stays_searchable(world: World, data_copy: Path) -> None:
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    period = factories.SecurityStatusPeriodFactory.create(hromada=bucha)
    factories.MembershipFactory.create(hromada=bucha)
    edit_rows(data_copy / loader.HROMADAS_FILE, {BUCHANSKA: {"name_uk": "Новобучанська", "name_latin": ""}})
    edit_rows(data_copy / loader.CODIFIER_FILE, {BUCHANSKA: {"name": "Новобучанська"}})

    result = registry_load(acting_user=None, data_dir=data_copy)

    assert result.renamed == 1
    assert result.updated["hromadas"] == 1
    assert result.updated["codifier_units"] == 1
    assert result.created["hromadas"] == 0
    renamed = Hromada.objects.get(katottg=BUCHANSKA)
    assert renamed.pk == bucha.pk
    assert (renamed.name_uk, renamed.name_latin) == ("Новобучанська", "Novobuchanska")
    assert renamed.updated_at > bucha.updated_at
    assert SecurityStatusPeriod.objects.get(pk=period.pk).hromada_id == bucha.pk
    assert renamed.memberships.count() == 1
    former = UnitFormerName.objects.get(katottg=BUCHANSKA)
    assert (former.name_uk, former.name_latin) == ("Бучанська", "Buchanska")
    assert names("Buchanska") == {BUCHANSKA}
    assert names("Бучанська") == {BUCHANSKA}
    assert names("Novobuchanska") == {BUCHANSKA}
    assert "buchanska" in CodifierUnit.objects.get(katottg=BUCHANSKA).search_text
    # Nothing else changed.
    assert Hromada.objects.count() == 1772 + 2  # the world's two test hromadas
    assert CodifierUnit.objects.count() == 31744
    assert RegistryEdition.objects.count() == 2
    assert RegistryEdition.objects.order_by("-loaded_at").first() == result.edition

    # Going back to the shipped data is a load, not a no-op: the latest edition differs.
    back = registry_load(acting_user=None)
    assert not back.already_loaded
    assert Hromada.objects.get(katottg=BUCHANSKA).name_uk == "Бучанська"
    assert names("Novobuchanska") == {BUCHANSKA}
    assert RegistryEdition.objects.count() == 2


# --- malformed data -----------------------------------------------------------------------------


def assert_rejected(data_dir: Path, expected: list[tuple[int, str]]) -> list[tuple[int, str]]:
    before = snapshot_registry()
    with pytest.raises(ImportRejected) as caught:
        registry_load(acting_user=None, data_dir=data_dir)
    errors = caught.value.row_errors
    for row, text in expected:
        assert any(number == row and text in reason for number, reason in errors), (row, text, errors)
    assert snapshot_registry() == before
    assert RegistryEdition.objects.count() == 1
    assert not AuditEntry.objects.exists()
    return errors


def test_a_bad_katottg_code_rejects_the_load(data_copy: Path) -> None:
    path = data_copy / loader.HROMADAS_FILE
    row = row_number(path, BUCHANSKA)
    edit_rows(path, {BUCHANSKA: {"katottg": "UA3208007000005075"}})
    assert_rejected(data_copy, [(row, "ua_hromadas.csv: katottg “UA3208007000005075” is not a KATOTTG code")])


def test_a_duplicate_code_rejects_the_load(data_copy: Path) -> None:
    path = data_copy / loader.CODIFIER_FILE
    first = row_number(path, "UA32080070010087821")
    row = append_line(path, "UA32080070010087821,UA32080070000050759,M,Буча")
    assert_rejected(
        data_copy,
        [(row, f"katottg_codifier_full.csv: Duplicate code UA32080070010087821 (first on row {first})")],
    )


def test_an_unknown_parent_or_oblast_rejects_the_load(data_copy: Path) -> None:
    codifier = data_copy / loader.CODIFIER_FILE
    orphan = append_line(codifier, "UA32080070990000001,UA32080079990000000,C,Нове")
    hromadas_file = data_copy / loader.HROMADAS_FILE
    row = row_number(hromadas_file, BUCHANSKA)
    edit_rows(hromadas_file, {BUCHANSKA: {"oblast_katottg": "UA99000000000000000"}})
    assert_rejected(
        data_copy,
        [
            (orphan, "katottg_codifier_full.csv: Unknown parent unit UA32080079990000000"),
            (row, "ua_hromadas.csv: Unknown oblast UA99000000000000000"),
        ],
    )


def test_a_non_numeric_population_rejects_the_load(data_copy: Path) -> None:
    path = data_copy / loader.HROMADAS_FILE
    row = row_number(path, BUCHANSKA)
    edit_rows(path, {BUCHANSKA: {"population_2022": "about 58 thousand"}})
    municipalities = data_copy / loader.MUNICIPALITIES_FILE
    edit_rows(municipalities, {"GM0599": {"population_2024_01_01": "-5"}}, key="gm_code")
    errors = assert_rejected(
        data_copy,
        [
            (row, "population_2022 “about 58 thousand” is not a whole number"),
            (row_number(municipalities, "GM0599"), "nl_gemeenten_2024.csv: population_2024_01_01 “-5”"),
        ],
    )
    assert len(errors) == 2


def test_every_bad_row_is_listed(data_copy: Path) -> None:
    path = data_copy / loader.MUNICIPALITIES_FILE
    bad_code = append_line(path, "GM12,Nergens,Utrecht,10,,,,,,,,,,52.1,5.1")
    duplicate = append_line(path, "GM0599,Rotterdam,Zuid-Holland,1,,,,,,,,,,51.9,4.5")
    no_name = append_line(path, "GM9999,,Utrecht,1,,,,,,,,,,52.1,5.1")
    errors = assert_rejected(
        data_copy,
        [
            (bad_code, "gm_code “GM12” is not a CBS municipality code"),
            (duplicate, "Duplicate code GM0599"),
            (no_name, "name is empty"),
        ],
    )
    assert len(errors) == 3


def test_a_missing_file_or_column_rejects_the_load(data_copy: Path) -> None:
    (data_copy / loader.OBLASTS_FILE).unlink()
    path = data_copy / loader.MUNICIPALITIES_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("gm_code,", "code,", 1), encoding="utf-8")
    assert_rejected(
        data_copy,
        [
            (0, "ua_oblasts.csv: The file is missing"),
            (1, "nl_gemeenten_2024.csv: Required columns are missing: gm_code"),
        ],
    )


def test_a_codifier_hromada_without_a_table_row_rejects_the_load(data_copy: Path) -> None:
    path = data_copy / loader.HROMADAS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(BUCHANSKA)), encoding="utf-8")
    assert_rejected(data_copy, [(0, f"ua_hromadas.csv: Hromada {BUCHANSKA} (Бучанська) from the codifier has no row")])


# --- access, audit and the command --------------------------------------------------------------


def test_only_programme_administrators_may_load(world: World) -> None:
    for user in (world.coordinator, world.editor, world.viewer, world.expert, world.outsider):
        with pytest.raises(PermissionDenied):
            registry_load(acting_user=user)
    assert registry_load(acting_user=world.admin).already_loaded


def test_a_load_by_an_administrator_is_audited_with_the_counts(world: World) -> None:
    result = registry_load(acting_user=world.admin, force=True)
    entry = AuditEntry.objects.get(action="registry.loaded")
    assert entry.actor == world.admin
    assert entry.object_repr == result.edition.description[:300]
    assert entry.data["totals"] == {
        "top_level_units": 27,
        "raions": 136,
        "hromadas": 1772,
        "hromadas_in_crimea": 303,
        "codifier_units": 31744,
        "dutch_municipalities": 342,
    }
    assert entry.data["checksum"] == result.edition.checksum


def test_the_command_loads_reports_and_refuses_bad_files(data_copy: Path) -> None:
    out = io.StringIO()
    call_command("load_registry", stdout=out)
    assert "Already loaded" in out.getvalue()

    out = io.StringIO()
    call_command("load_registry", "--force", stdout=out)
    text = out.getvalue()
    assert "hromadas: 1772 (0 new, 0 changed)" in text
    assert "codifier units: 31744 (0 new, 0 changed)" in text
    assert "Done in" in text

    path = data_copy / loader.HROMADAS_FILE
    row = row_number(path, BUCHANSKA)
    edit_rows(path, {BUCHANSKA: {"population_2022": "many"}})
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("load_registry", "--data-dir", str(data_copy), stderr=err)
    assert f"row {row}: ukraine/ua_hromadas.csv: population_2022 “many” is not a whole number" in err.getvalue()

    with pytest.raises(CommandError, match="is not a directory"):
        call_command("load_registry", "--data-dir", str(data_copy / "nowhere"))
