"""Security status services: set, correct, CSV import (access, history rules, audit)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from conftest import World
from vidnova.accounts.access import Action, can
from vidnova.accounts.models import User
from vidnova.audit.models import AuditEntry
from vidnova.audit.selectors import history_for_hromada
from vidnova.core.exceptions import EditConflict, ImportRejected
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod
from vidnova.registry.selectors import security_status_on
from vidnova.registry.services import (
    SecurityImportResult,
    security_status_correct,
    security_status_import_csv,
    security_status_set,
)

pytestmark = pytest.mark.django_db

D = datetime.date
POSSIBLE = SecurityStatus.POSSIBLE_HOSTILITIES.value
ACTIVE = SecurityStatus.ACTIVE_HOSTILITIES.value
OCCUPIED = SecurityStatus.TEMPORARILY_OCCUPIED.value
NONE = SecurityStatus.NONE.value
BUCHANSKA = "UA32080070000050759"
IRPINSKA = "UA32080150000035443"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def periods_of(hromada: Hromada) -> list[tuple[str, datetime.date, datetime.date | None]]:
    return list(
        SecurityStatusPeriod.objects.filter(hromada=hromada)
        .order_by("starts_on")
        .values_list("status", "starts_on", "ends_on")
    )


def set_status(
    world: World, status: str, starts_on: datetime.date, hromada: Hromada | None = None
) -> SecurityStatusPeriod:
    return security_status_set(
        acting_user=world.coordinator, hromada=hromada or world.hromada, status=status, starts_on=starts_on
    )


# --- who may manage security status ----------------------------------------------------------------


def test_only_programme_staff_may_manage_security_status(world: World) -> None:
    assert can(world.admin, Action.MANAGE_SECURITY_STATUS, world.hromada)
    assert can(world.coordinator, Action.MANAGE_SECURITY_STATUS, world.hromada)
    assert can(world.coordinator, Action.MANAGE_SECURITY_STATUS, world.other_hromada)
    for user in (world.editor, world.viewer, world.expert, world.outsider):
        assert not can(user, Action.MANAGE_SECURITY_STATUS, world.hromada)
        assert not can(user, Action.MANAGE_SECURITY_STATUS)
    assert can(world.coordinator, Action.MANAGE_SECURITY_STATUS)


# --- security_status_set -----------------------------------------------------------------------


def test_set_opens_a_period_and_audits_it(world: World) -> None:
    period = security_status_set(
        acting_user=world.coordinator,
        hromada=world.hromada,
        status=POSSIBLE,
        starts_on=D(2024, 3, 1),
        source="  Order No. 376  ",
        note="Shelling near the border.",
    )
    assert (period.status, period.starts_on, period.ends_on) == (POSSIBLE, D(2024, 3, 1), None)
    assert (period.source, period.note, period.created_by) == (
        "Order No. 376",
        "Shelling near the border.",
        world.coordinator,
    )
    assert security_status_on(world.hromada, D(2024, 3, 1)) == period
    assert security_status_on(world.hromada, D(2024, 2, 29)) is None
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.hromada) == (
        "registry.security_status.set",
        world.coordinator,
        world.hromada,
    )
    assert entry.object_id == str(period.pk)
    assert entry.changes == {"status": [None, POSSIBLE]}
    assert entry.data["starts_on"] == "2024-03-01"
    assert list(history_for_hromada(world.hromada)) == [entry]


def test_set_closes_the_period_in_force(world: World) -> None:
    first = set_status(world, POSSIBLE, D(2024, 1, 1))
    second = security_status_set(acting_user=world.admin, hromada=world.hromada, status=ACTIVE, starts_on=D(2024, 6, 1))
    first.refresh_from_db()
    assert (first.ends_on, first.version) == (D(2024, 6, 1), 2)
    assert periods_of(world.hromada) == [(POSSIBLE, D(2024, 1, 1), D(2024, 6, 1)), (ACTIVE, D(2024, 6, 1), None)]
    assert security_status_on(world.hromada, D(2024, 5, 31)) == first
    assert security_status_on(world.hromada, D(2024, 6, 1)) == second
    entry = AuditEntry.objects.filter(object_id=str(second.pk)).get()
    assert entry.changes == {"status": [POSSIBLE, ACTIVE]}
    assert entry.data["closed_period"] == first.pk


def test_set_after_a_closed_period_leaves_it_alone(world: World) -> None:
    first = set_status(world, POSSIBLE, D(2024, 1, 1))
    security_status_correct(
        acting_user=world.coordinator,
        period=first,
        expected_version=1,
        status=POSSIBLE,
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 2, 1),
        source="",
        note="",
    )
    # The same status again after a gap is a new period, not a repetition.
    set_status(world, POSSIBLE, D(2024, 5, 1))
    assert periods_of(world.hromada) == [(POSSIBLE, D(2024, 1, 1), D(2024, 2, 1)), (POSSIBLE, D(2024, 5, 1), None)]


def test_set_refuses_a_start_not_after_the_latest_period(world: World) -> None:
    set_status(world, POSSIBLE, D(2024, 6, 1))
    for starts_on in (D(2024, 6, 1), D(2024, 1, 1)):
        with pytest.raises(ValidationError) as caught:
            set_status(world, ACTIVE, starts_on)
        assert caught.value.message_dict == {
            "starts_on": [
                "The new status must start after 2024-06-01, the start of the latest recorded period. "
                "To fix an earlier period, correct that period instead."
            ]
        }
    assert periods_of(world.hromada) == [(POSSIBLE, D(2024, 6, 1), None)]
    assert AuditEntry.objects.count() == 1


def test_set_refuses_the_status_already_in_force(world: World) -> None:
    set_status(world, POSSIBLE, D(2024, 6, 1))
    with pytest.raises(ValidationError) as caught:
        set_status(world, POSSIBLE, D(2024, 9, 1))
    assert caught.value.message_dict == {
        "status": ["The hromada already has the status “possible hostilities” since 2024-06-01."]
    }
    assert len(periods_of(world.hromada)) == 1


def test_set_refuses_an_unknown_status_or_a_long_source(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        set_status(world, "calm", D(2024, 1, 1))
    assert "status" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        security_status_set(
            acting_user=world.coordinator,
            hromada=world.hromada,
            status=ACTIVE,
            starts_on=D(2024, 1, 1),
            source="x" * 301,
        )
    assert "source" in caught.value.message_dict
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_set_accepts_a_ukrainian_label(world: World) -> None:
    assert set_status(world, "Активні бойові дії", D(2024, 1, 1)).status == ACTIVE


@pytest.mark.parametrize("who", ["editor", "viewer", "expert", "outsider"])
def test_set_is_refused_to_hromada_members_and_outsiders(world: World, who: str) -> None:
    user: User = getattr(world, who)
    with pytest.raises(PermissionDenied):
        security_status_set(acting_user=user, hromada=world.hromada, status=ACTIVE, starts_on=D(2024, 1, 1))
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()
    assert not AuditEntry.objects.exists()


def test_set_on_a_real_crimean_hromada_closes_the_default_period(world: World) -> None:
    crimean = Hromada.objects.filter(in_crimea=True).order_by("katottg").first()
    assert crimean is not None
    with pytest.raises(ValidationError):
        set_status(world, OCCUPIED, D(2030, 1, 1), hromada=crimean)
    set_status(world, NONE, D(2030, 1, 1), hromada=crimean)
    assert periods_of(crimean) == [(OCCUPIED, D(2014, 2, 20), D(2030, 1, 1)), (NONE, D(2030, 1, 1), None)]


# --- security_status_correct -----------------------------------------------------------------------


def correct(world: World, period: SecurityStatusPeriod, **changes: object) -> SecurityStatusPeriod:
    values: dict[str, object] = {
        "status": period.status,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "source": period.source,
        "note": period.note,
        "expected_version": period.version,
    }
    values.update(changes)
    return security_status_correct(acting_user=world.coordinator, period=period, **values)  # type: ignore[arg-type]


def test_correct_fixes_a_period_and_audits_the_changed_fields(world: World) -> None:
    period = set_status(world, POSSIBLE, D(2024, 3, 1))
    fixed = correct(world, period, status=ACTIVE, starts_on=D(2024, 2, 1), source="Order No. 376", note="typo")
    assert (fixed.status, fixed.starts_on, fixed.version) == (ACTIVE, D(2024, 2, 1), 2)
    period.refresh_from_db()
    assert (period.status, period.starts_on, period.source, period.note, period.version) == (
        ACTIVE,
        D(2024, 2, 1),
        "Order No. 376",
        "typo",
        2,
    )
    entry = AuditEntry.objects.get(action="registry.security_status.updated")
    assert entry.hromada == world.hromada
    assert entry.actor == world.coordinator
    assert entry.changes == {
        "status": [POSSIBLE, ACTIVE],
        "starts_on": ["2024-03-01", "2024-02-01"],
        "source": ["", "Order No. 376"],
        "note": ["", "typo"],
    }


def test_correct_without_changes_writes_nothing(world: World) -> None:
    period = set_status(world, POSSIBLE, D(2024, 3, 1))
    assert correct(world, period).version == 1
    period.refresh_from_db()
    assert period.version == 1
    assert not AuditEntry.objects.filter(action="registry.security_status.updated").exists()


def test_correct_raises_an_edit_conflict_on_a_stale_version(world: World) -> None:
    period = set_status(world, POSSIBLE, D(2024, 3, 1))
    correct(world, period, note="first edit")
    with pytest.raises(EditConflict) as caught:
        correct(world, period, note="second edit, from the old form", expected_version=1)
    assert (caught.value.expected_version, caught.value.current_version) == (1, 2)
    period.refresh_from_db()
    assert (period.note, period.version) == ("first edit", 2)


def test_correct_refuses_an_end_before_the_start(world: World) -> None:
    period = set_status(world, POSSIBLE, D(2024, 3, 1))
    for ends_on in (D(2024, 3, 1), D(2024, 2, 1)):
        with pytest.raises(ValidationError) as caught:
            correct(world, period, ends_on=ends_on)
        assert caught.value.message_dict == {"ends_on": ["The end date must be after the start date."]}


def test_correct_refuses_an_overlap_and_names_the_other_period(world: World) -> None:
    first = set_status(world, POSSIBLE, D(2024, 1, 1))
    second = set_status(world, ACTIVE, D(2024, 6, 1))
    first.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        correct(world, first, ends_on=D(2024, 7, 1))
    assert caught.value.messages == [
        "The corrected period would overlap the period “active hostilities” from 2024-06-01, still in force. "
        "Correct that period first."
    ]
    with pytest.raises(ValidationError) as caught:
        correct(world, second, starts_on=D(2023, 12, 1))
    assert "“possible hostilities” from 2024-01-01 until 2024-06-01" in caught.value.messages[0]
    # Moving the boundary consistently works: shorten the first, then start the second earlier.
    correct(world, first, ends_on=D(2024, 5, 1))
    correct(world, second, starts_on=D(2024, 5, 1))
    assert periods_of(world.hromada) == [(POSSIBLE, D(2024, 1, 1), D(2024, 5, 1)), (ACTIVE, D(2024, 5, 1), None)]


@pytest.mark.parametrize("who", ["editor", "viewer", "expert", "outsider"])
def test_correct_is_refused_to_hromada_members_and_outsiders(world: World, who: str) -> None:
    period = set_status(world, POSSIBLE, D(2024, 3, 1))
    with pytest.raises(PermissionDenied):
        security_status_correct(
            acting_user=getattr(world, who),
            period=period,
            expected_version=1,
            status=ACTIVE,
            starts_on=D(2024, 3, 1),
            ends_on=None,
            source="",
            note="",
        )
    period.refresh_from_db()
    assert (period.status, period.version) == (POSSIBLE, 1)


# --- security_status_import_csv ----------------------------------------------------------------


def import_csv(world: World, text: str, *, encoding: str = "utf-8", user: User | None = None) -> SecurityImportResult:
    return security_status_import_csv(
        acting_user=user or world.coordinator, content=text.encode(encoding), filename="statuses.csv"
    )


def rejected(world: World, text: str, **kwargs: object) -> list[tuple[int, str]]:
    before = (SecurityStatusPeriod.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ImportRejected) as caught:
        import_csv(world, text, **kwargs)  # type: ignore[arg-type]
    assert (SecurityStatusPeriod.objects.count(), AuditEntry.objects.count()) == before
    return caught.value.row_errors


def test_import_creates_periods_and_one_audit_entry_per_hromada(world: World) -> None:
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    irpin = Hromada.objects.get(katottg=IRPINSKA)
    text = (
        "katottg,status,starts_on,ends_on,source,note\n"
        f"{BUCHANSKA},active_hostilities,2022-02-24,,Order No. 75,\n"
        f"{BUCHANSKA},possible_hostilities,2022-04-01,2022-12-31,Order No. 309,liberated\n"
        f"{IRPINSKA},temporarily_occupied,2022-02-27,2022-03-28,Order No. 75,\n"
    )
    result = import_csv(world, text)
    assert result == SecurityImportResult(created=3, hromadas=2, unchanged=0)
    # The open first row ends where the next one starts.
    assert periods_of(bucha) == [
        (ACTIVE, D(2022, 2, 24), D(2022, 4, 1)),
        (POSSIBLE, D(2022, 4, 1), D(2022, 12, 31)),
    ]
    assert periods_of(irpin) == [(OCCUPIED, D(2022, 2, 27), D(2022, 3, 28))]
    assert SecurityStatusPeriod.objects.filter(hromada=bucha, note="liberated", source="Order No. 309").exists()
    assert set(
        SecurityStatusPeriod.objects.filter(hromada__in=[bucha, irpin]).values_list("created_by", flat=True)
    ) == {world.coordinator.pk}

    entries = AuditEntry.objects.filter(action="registry.security_status.imported")
    assert entries.count() == 2
    bucha_entry = entries.get(hromada=bucha)
    assert bucha_entry.actor == world.coordinator
    assert bucha_entry.data["filename"] == "statuses.csv"
    assert bucha_entry.data["rows"] == [2, 3]
    latest = SecurityStatusPeriod.objects.get(hromada=bucha, starts_on=D(2022, 4, 1))
    assert bucha_entry.object_id == str(latest.pk)
    assert list(history_for_hromada(bucha)) == [bucha_entry]
    assert entries.get(hromada=irpin).data["rows"] == [4]


def test_import_closes_the_period_in_force_and_is_idempotent(world: World) -> None:
    set_status(world, POSSIBLE, D(2024, 1, 1))
    text = f"katottg,status,starts_on\n{world.hromada.katottg},active_hostilities,2024-06-01\n"
    assert import_csv(world, text) == SecurityImportResult(created=1, hromadas=1, unchanged=0)
    assert periods_of(world.hromada) == [(POSSIBLE, D(2024, 1, 1), D(2024, 6, 1)), (ACTIVE, D(2024, 6, 1), None)]
    closed = SecurityStatusPeriod.objects.get(hromada=world.hromada, starts_on=D(2024, 1, 1))
    assert closed.version == 2
    entry = AuditEntry.objects.get(action="registry.security_status.imported")
    assert entry.data["closed_periods"] == [closed.pk]

    # The same file again: every row is already recorded, nothing changes.
    assert import_csv(world, text) == SecurityImportResult(created=0, hromadas=0, unchanged=1)
    assert len(periods_of(world.hromada)) == 2
    assert AuditEntry.objects.filter(action="registry.security_status.imported").count() == 1


def test_import_reads_semicolons_a_bom_and_ukrainian_labels(world: World) -> None:
    text = (
        "\ufeffKATOTTG;Status;Starts_on;Note\n"
        f"{world.hromada.katottg};Тимчасово окуповані;2022-03-01;\n"
        f"{world.hromada.katottg};можливі бойові дії;2022-11-11;звільнено\n"
        f"{world.other_hromada.katottg};немає;2023-01-01;\n"
        ";;;\n"
    )
    assert import_csv(world, text) == SecurityImportResult(created=3, hromadas=2, unchanged=0)
    assert periods_of(world.hromada) == [(OCCUPIED, D(2022, 3, 1), D(2022, 11, 11)), (POSSIBLE, D(2022, 11, 11), None)]
    assert periods_of(world.other_hromada) == [(NONE, D(2023, 1, 1), None)]


def test_import_lists_every_bad_row(world: World) -> None:
    code = world.hromada.katottg
    text = (
        "katottg,status,starts_on,ends_on,source\n"
        f"{code},active_hostilities,2024-01-01,,\n"  # 2: fine
        "UA123,active_hostilities,2024-01-01,,\n"  # 3: bad code
        f"{code},calm,2024-02-01,,\n"  # 4: bad status
        f"{code},active_hostilities,01.03.2024,,\n"  # 5: bad start date
        f"{code},active_hostilities,2024-04-01,2024-02-30,\n"  # 6: impossible end date
        f"{code},active_hostilities,2024-05-01,2024-05-01,\n"  # 7: ends on its start
        f"{code},active_hostilities,2024-06-01,,{'x' * 301}\n"  # 8: source too long
        f",active_hostilities,2024-07-01,,\n"  # 9: no code
        f"{code},active_hostilities,,,\n"  # 10: no start
        "UA99999999999999999,active_hostilities,2024-01-01,,\n"  # 11: unknown code (checked in the database)
        f"{code},possible_hostilities,2024-01-01,,\n"  # 12: same start as row 2
    )
    errors = rejected(world, text)
    assert [row for row, _reason in errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    reasons = dict(errors)
    assert reasons[3] == "“UA123” is not a KATOTTG code (“UA” followed by 17 digits)."
    assert reasons[4].startswith("Unknown status “calm”. Use one of: none, possible_hostilities,")
    assert reasons[5] == "The start date “01.03.2024” is not a date written as YYYY-MM-DD."
    assert reasons[6] == "The end date “2024-02-30” is not a date written as YYYY-MM-DD."
    assert reasons[7] == "The end date must be after the start date."
    assert reasons[8] == "The source may have at most 300 characters."
    assert reasons[9] == "The KATOTTG code is empty."
    assert reasons[10] == "The start date “” is not a date written as YYYY-MM-DD."
    assert reasons[11] == "No hromada has the KATOTTG code UA99999999999999999."
    assert reasons[12] == "Row 2 already gives a period of this hromada starting on 2024-01-01."


def test_import_rejects_unknown_codes_settlements_and_duplicates(world: World) -> None:
    code = world.hromada.katottg
    text = (
        "katottg,status,starts_on\n"
        "UA99999999999999999,active_hostilities,2024-01-01\n"
        "UA32080070010087821,active_hostilities,2024-01-01\n"  # the town of Bucha, not its hromada
        f"{code},active_hostilities,2024-01-01\n"
        f"{code},possible_hostilities,2024-01-01\n"
    )
    assert rejected(world, text) == [
        (2, "No hromada has the KATOTTG code UA99999999999999999."),
        (3, "UA32080070010087821 is the code of Буча (City), not of a hromada. Use the hromada's code."),
        (5, "Row 4 already gives a period of this hromada starting on 2024-01-01."),
    ]


def test_import_rejects_overlaps_with_recorded_and_imported_periods(world: World) -> None:
    first = set_status(world, POSSIBLE, D(2024, 1, 1))
    security_status_correct(
        acting_user=world.coordinator,
        period=first,
        expected_version=1,
        status=POSSIBLE,
        starts_on=D(2024, 1, 1),
        ends_on=D(2024, 6, 1),
        source="",
        note="",
    )
    set_status(world, ACTIVE, D(2024, 9, 1))
    code = world.hromada.katottg
    other = world.other_hromada.katottg
    text = (
        "katottg,status,starts_on,ends_on\n"
        f"{code},active_hostilities,2024-03-01,\n"  # 2: inside the recorded first period
        f"{code},temporarily_occupied,2024-06-15,2024-10-01\n"  # 3: runs into the period from September
        f"{code},none,2024-05-01,2024-05-15\n"  # 4: inside the recorded first period
        f"{code},active_hostilities,2024-12-01,\n"  # 5: repeats the status in force
        f"{other},active_hostilities,2023-01-01,2023-06-01\n"  # 6: fine on its own
        f"{other},none,2023-03-01,\n"  # 7: inside row 6
    )
    errors = rejected(world, text)
    assert [row for row, _reason in errors] == [2, 3, 4, 5, 6, 7]
    reasons = dict(errors)
    assert reasons[2] == (
        "This period overlaps the recorded period “possible hostilities” from 2024-01-01 until 2024-06-01 "
        "of the same hromada."
    )
    assert reasons[3] == (
        "This period overlaps the recorded period “active hostilities” from 2024-09-01, still in force "
        "of the same hromada."
    )
    assert reasons[4] == reasons[2]
    assert reasons[5] == (
        "The hromada already has the status “active hostilities” from 2024-09-01 (the recorded period "
        "“active hostilities” from 2024-09-01, still in force)."
    )
    assert reasons[6] == "This period overlaps row 7 of the same hromada."
    assert reasons[7] == "This period overlaps row 6 of the same hromada."


def test_import_fills_a_gap_before_the_recorded_periods(world: World) -> None:
    set_status(world, ACTIVE, D(2024, 1, 1))
    text = f"katottg,status,starts_on\n{world.hromada.katottg},possible_hostilities,2023-01-01\n"
    assert import_csv(world, text).created == 1
    # An imported period without an end lasts until the next recorded one.
    assert periods_of(world.hromada) == [(POSSIBLE, D(2023, 1, 1), D(2024, 1, 1)), (ACTIVE, D(2024, 1, 1), None)]


def test_import_rejects_files_that_cannot_be_read(world: World) -> None:
    assert rejected(world, "") == [(1, "The file is empty: the first row must name the columns.")]
    assert rejected(world, "katottg,state,start\nUA1,x,y\n") == [
        (
            1,
            "Required columns are missing: status, starts_on. The first row must name the columns "
            "katottg, status, starts_on.",
        )
    ]
    assert rejected(world, "katottg,status,starts_on\n") == [(1, "The file has no rows below the header.")]
    latin1 = f"katottg,status,starts_on,note\n{world.hromada.katottg},none,2024-01-01,café\n"
    assert rejected(world, latin1, encoding="latin-1") == [
        (2, "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    ]
    with override_settings(VIDNOVA_MAX_UPLOAD_BYTES=50):
        assert rejected(world, "katottg,status,starts_on\n" + "x" * 50) == [(0, "The file is larger than 0.0 MB.")]


@pytest.mark.parametrize("who", ["editor", "viewer", "expert", "outsider"])
def test_import_is_refused_to_hromada_members_and_outsiders(world: World, who: str) -> None:
    text = f"katottg,status,starts_on\n{world.hromada.katottg},active_hostilities,2024-01-01\n"
    with pytest.raises(PermissionDenied):
        import_csv(world, text, user=getattr(world, who))
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_an_administrator_may_import(world: World) -> None:
    text = f"katottg,status,starts_on\n{world.hromada.katottg},active_hostilities,2024-01-01\n"
    assert import_csv(world, text, user=world.admin).created == 1
