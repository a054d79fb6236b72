"""The bulk path of a batch keeps the rules of the one-by-one services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction

from learner.trajectory.models import Nt2Module, TrajectoryState
from learner.trajectory.services.refresh import trajectory_catch_up
from portal.accounts.models import Agency, Municipality
from portal.backoffice import services
from portal.backoffice.client import sample_dossier

pytestmark = pytest.mark.django_db


def ingest(agency: Agency, items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    with transaction.atomic():
        results = services.ingest_batch(agency=agency, items=items)
    return [(r.status, r.code) for r in results]


def module(version: int, attended: int, lestijden: int = 120) -> dict[str, Any]:
    return {
        "kind": "nt2_module",
        "learner": "B-1",
        "external_id": "B-1-M9",
        "version": version,
        "values": {
            "name": "Richtgraad 2",
            "lestijden": lestijden,
            "started_on": "2026-05-01",
            "attended_lestijden": attended,
        },
    }


def test_versions_of_one_record_in_one_batch_apply_in_order(
    agency: Agency, leuven: Municipality
) -> None:
    dossier = sample_dossier("B-1", nis_code="24062", signed_on=date(2026, 3, 1))
    assert ingest(agency, [module(2, 40), module(3, 60), *dossier, module(1, 10)]) == [
        ("applied", 201),
        ("applied", 201),
        *[("applied", 201)] * 10,
        ("conflict", 409),
    ]
    stored = Nt2Module.objects.get(external_id="B-1-M9")
    assert (stored.version, stored.attended_lestijden) == (3, 60)


def test_a_record_the_model_refuses_is_invalid_and_the_others_apply(
    agency: Agency, leuven: Municipality
) -> None:
    dossier = sample_dossier("B-1", nis_code="24062", signed_on=date(2026, 3, 1))
    results = ingest(agency, [*dossier, module(1, attended=200)])
    assert results[-1] == ("invalid", 422)
    assert results[:-1] == [("applied", 201)] * 10
    assert not Nt2Module.objects.filter(external_id="B-1-M9").exists()


def test_the_read_models_catch_up_after_the_batch(agency: Agency, leuven: Municipality) -> None:
    for n in range(3):
        ingest(agency, sample_dossier(f"B-{n}", nis_code="24062", signed_on=date(2026, 3, 1)))
    assert TrajectoryState.objects.filter(stale=True).count() == 3
    assert trajectory_catch_up(chunk=2) == 3
    states = TrajectoryState.objects.all()
    assert {s.stale for s in states} == {False}
    assert {s.pillars["mo"]["status"] for s in states} == {"met"}
