"""The health endpoint that load balancers and the deployment guide rely on."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_health_answers_ok_as_json_and_is_never_cached() -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_accepts_only_get() -> None:
    assert Client().post("/health/").status_code == 405
