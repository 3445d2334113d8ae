"""Setting, correcting and importing security statuses: programme staff only, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod
from vidnova.testing.factories import SecurityStatusPeriodFactory

BUCHANSKA = "UA32080070000050759"
SAMARIVSKA = "UA12100070000011492"
IMPORT_URL = "/hromadas/security-status/import/"


pytestmark = pytest.mark.usefixtures("english_pages")


def _set_url(hromada: Hromada) -> str:
    return f"/hromadas/{hromada.katottg}/security-status/"


def _edit_url(period: SecurityStatusPeriod) -> str:
    return f"/hromadas/{period.hromada.katottg}/security-status/{period.pk}/"


# --- set -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_staff_see_the_form(clients: dict[str, Client], world: World, persona: str) -> None:
    response = clients[persona].get(_set_url(world.hromada))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_status">' in html
    assert '<input type="date" name="starts_on"' in html


def test_staff_set_a_status(clients: dict[str, Client], world: World) -> None:
    previous = SecurityStatusPeriodFactory.create(
        hromada=world.hromada, status=SecurityStatus.POSSIBLE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    response = clients["coordinator"].post(
        _set_url(world.hromada),
        {"status": "active_hostilities", "starts_on": "2025-03-01", "source": "Order No. 376", "note": "Shelling"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{world.hromada.get_absolute_url()}#security-status"
    period = SecurityStatusPeriod.objects.get(hromada=world.hromada, starts_on=datetime.date(2025, 3, 1))
    assert (period.status, period.source, period.note, period.created_by) == (
        "active_hostilities",
        "Order No. 376",
        "Shelling",
        world.coordinator,
    )
    previous.refresh_from_db()
    assert previous.ends_on == datetime.date(2025, 3, 1)
    assert AuditEntry.objects.filter(action="registry.security_status.set", hromada=world.hromada).exists()

    page = clients["coordinator"].get(response["Location"])
    html = page.content.decode()
    assert "active hostilities" in html
    assert "is “active hostilities” from" in html  # the success message


def test_invalid_input_is_shown_next_to_the_field_and_nothing_is_saved(
    clients: dict[str, Client], world: World
) -> None:
    response = clients["coordinator"].post(_set_url(world.hromada), {"status": "calm", "starts_on": "31.02.2025"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"status", "starts_on"}
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_starts_on"' in html
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_the_services_refusal_is_shown_next_to_the_field(clients: dict[str, Client], world: World) -> None:
    SecurityStatusPeriodFactory.create(hromada=world.hromada, starts_on=datetime.date(2025, 1, 1))
    response = clients["coordinator"].post(
        _set_url(world.hromada), {"status": "active_hostilities", "starts_on": "2024-06-01"}
    )
    assert response.status_code == 400
    assert "must start after 2025-01-01" in str(response.context["form"].errors["starts_on"])
    assert SecurityStatusPeriod.objects.filter(hromada=world.hromada).count() == 1


@pytest.mark.parametrize("persona", ["viewer", "editor", "expert", "outsider"])
def test_others_are_refused(clients: dict[str, Client], world: World, persona: str) -> None:
    assert clients[persona].get(_set_url(world.hromada)).status_code == 403
    response = clients[persona].post(
        _set_url(world.hromada), {"status": "active_hostilities", "starts_on": "2025-03-01"}
    )
    assert response.status_code == 403
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client], world: World) -> None:
    for response in (
        clients["anonymous"].get(_set_url(world.hromada)),
        clients["anonymous"].post(_set_url(world.hromada), {"status": "none", "starts_on": "2025-03-01"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_unknown_hromada_is_404(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get("/hromadas/UA99999999999999999/security-status/").status_code == 404


# --- correct -------------------------------------------------------------------------------------


def test_correction_form_carries_the_version(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada, source="Order 1")
    response = clients["coordinator"].get(_edit_url(period))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<input type="hidden" name="version" value="{period.version}"' in html
    assert 'value="2024-01-01"' in html
    assert 'value="Order 1"' in html


def test_staff_correct_a_period(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada, status=SecurityStatus.POSSIBLE_HOSTILITIES)
    response = clients["coordinator"].post(
        _edit_url(period),
        {
            "status": "active_hostilities",
            "starts_on": "2024-01-15",
            "ends_on": "",
            "source": "Corrected order",
            "note": "",
            "version": period.version,
        },
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.status, period.starts_on, period.source, period.version) == (
        "active_hostilities",
        datetime.date(2024, 1, 15),
        "Corrected order",
        2,
    )
    assert AuditEntry.objects.filter(action="registry.security_status.updated", hromada=world.hromada).exists()


def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada, source="Order 1")
    loaded_version = period.version
    # Someone else saves first.
    SecurityStatusPeriod.objects.filter(pk=period.pk).update(source="Order 2 (their edit)", version=loaded_version + 1)

    response = clients["coordinator"].post(
        _edit_url(period),
        {
            "status": "temporarily_occupied",
            "starts_on": "2024-01-01",
            "ends_on": "",
            "source": "My typed source",
            "note": "My typed note",
            "version": loaded_version,
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this period after you opened it." in html
    assert "Order 2 (their edit)" in html  # what is saved now
    assert 'value="My typed source"' in html  # what this person typed is still in the form
    assert "My typed note</textarea>" in html
    assert '<option value="temporarily_occupied" selected>' in html
    # Saving again now means "on top of the version I have seen".
    assert f'<input type="hidden" name="version" value="{loaded_version + 1}"' in html
    period.refresh_from_db()
    assert (period.source, period.status) == ("Order 2 (their edit)", "possible_hostilities")

    again = clients["coordinator"].post(
        _edit_url(period),
        {
            "status": "temporarily_occupied",
            "starts_on": "2024-01-01",
            "ends_on": "",
            "source": "My typed source",
            "note": "My typed note",
            "version": loaded_version + 1,
        },
    )
    assert again.status_code == 302
    period.refresh_from_db()
    assert period.source == "My typed source"


def test_an_overlap_is_refused_above_the_form(clients: dict[str, Client], world: World) -> None:
    first = SecurityStatusPeriodFactory.create(
        hromada=world.hromada, starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2024, 6, 1)
    )
    SecurityStatusPeriodFactory.create(hromada=world.hromada, starts_on=datetime.date(2024, 6, 1))
    response = clients["coordinator"].post(
        _edit_url(first),
        {"status": "possible_hostilities", "starts_on": "2024-01-01", "ends_on": "2024-09-01", "version": 1},
    )
    assert response.status_code == 400
    assert "would overlap" in str(response.context["form"].non_field_errors())
    first.refresh_from_db()
    assert first.ends_on == datetime.date(2024, 6, 1)


def test_end_before_start_is_refused(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada)
    response = clients["coordinator"].post(
        _edit_url(period), {"status": "none", "starts_on": "2024-01-01", "ends_on": "2023-01-01", "version": 1}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]


def test_a_period_of_another_hromada_is_404(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.other_hromada)
    response = clients["coordinator"].get(f"/hromadas/{world.hromada.katottg}/security-status/{period.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "editor", "outsider"])
def test_others_cannot_correct(clients: dict[str, Client], world: World, persona: str) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada)
    assert clients[persona].get(_edit_url(period)).status_code == 403
    response = clients[persona].post(
        _edit_url(period), {"status": "none", "starts_on": "2024-01-01", "version": period.version}
    )
    assert response.status_code == 403
    period.refresh_from_db()
    assert period.status == SecurityStatus.POSSIBLE_HOSTILITIES


def test_anonymous_cannot_correct(clients: dict[str, Client], world: World) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada)
    response = clients["anonymous"].post(_edit_url(period), {"status": "none", "starts_on": "2024-01-01", "version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- import --------------------------------------------------------------------------------------


def _csv(text: str, name: str = "statuses.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_page_describes_the_format(clients: dict[str, Client]) -> None:
    response = clients["coordinator"].get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "katottg, status, starts_on" in html
    assert "ends_on, source, note" in html
    assert "<code>temporarily_occupied</code>" in html
    assert "katottg,status,starts_on,ends_on,source,note" in html  # the example
    assert 'enctype="multipart/form-data"' in html


def test_the_example_on_the_page_imports(clients: dict[str, Client]) -> None:
    example = clients["coordinator"].get(IMPORT_URL).context["example"]
    response = clients["coordinator"].post(IMPORT_URL, {"file": _csv(example)})
    assert response.status_code == 302
    assert SecurityStatusPeriod.objects.filter(hromada__katottg__in=[BUCHANSKA, SAMARIVSKA]).count() == 2


def test_staff_import_a_file(clients: dict[str, Client]) -> None:
    content = (
        "katottg,status,starts_on,source\n"
        f"{BUCHANSKA},possible_hostilities,2025-03-01,Order No. 376\n"
        f"{SAMARIVSKA},active hostilities,2025-03-01,Order No. 376\n"
    )
    response = clients["coordinator"].post(IMPORT_URL, {"file": _csv(content)}, follow=True)
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    html = response.content.decode()
    assert "statuses.csv was imported: 2 new status periods for 2 hromadas" in html
    assert SecurityStatusPeriod.objects.get(hromada__katottg=SAMARIVSKA).status == "active_hostilities"
    assert AuditEntry.objects.filter(action="registry.security_status.imported").count() == 2


def test_a_rejected_import_lists_the_rows_and_saves_nothing(clients: dict[str, Client]) -> None:
    content = (
        "katottg,status,starts_on\n"
        f"{BUCHANSKA},possible_hostilities,2025-03-01\n"
        "UA123,possible_hostilities,2025-03-01\n"
        f"{SAMARIVSKA},calm,01.03.2025\n"
    )
    before = SecurityStatusPeriod.objects.count()
    response = clients["coordinator"].post(IMPORT_URL, {"file": _csv(content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not imported; nothing has been saved." in html
    rows = [row for row, _reason in response.context["row_errors"]]
    assert rows == [3, 4, 4]
    assert '<td class="num">3</td><td>“UA123” is not a KATOTTG code' in html
    assert "Unknown status “calm”" in html
    assert SecurityStatusPeriod.objects.count() == before


def test_an_unknown_code_is_rejected_by_row(clients: dict[str, Client]) -> None:
    content = "katottg,status,starts_on\nUA99999999999999999,none,2025-03-01\n"
    response = clients["coordinator"].post(IMPORT_URL, {"file": _csv(content)})
    assert response.context["row_errors"] == [(2, "No hromada has the KATOTTG code UA99999999999999999.")]


def test_a_file_that_is_not_csv_is_refused_by_the_form(clients: dict[str, Client]) -> None:
    response = clients["coordinator"].post(IMPORT_URL, {"file": _csv("x", name="statuses.xlsx")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Choose a file ending in .csv."]


def test_admin_may_import(clients: dict[str, Client]) -> None:
    assert clients["admin"].get(IMPORT_URL).status_code == 200


@pytest.mark.parametrize("persona", ["viewer", "editor", "expert", "outsider"])
def test_others_cannot_import(clients: dict[str, Client], persona: str) -> None:
    assert clients[persona].get(IMPORT_URL).status_code == 403
    content = f"katottg,status,starts_on\n{BUCHANSKA},possible_hostilities,2025-03-01\n"
    assert clients[persona].post(IMPORT_URL, {"file": _csv(content)}).status_code == 403
    assert not SecurityStatusPeriod.objects.filter(hromada__katottg=BUCHANSKA).exists()


def test_anonymous_is_sent_to_sign_in_before_importing(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
