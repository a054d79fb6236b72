"""The learner's portfolio screens without JavaScript: adding, refusals that keep what was typed,
the recognition tracker with its deadlines, the quota, and the case manager's read-only view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portfolio import services
from portfolio.models import Attachment, Item, Kind
from tests.portfolio import samples


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client_of(learner: LearnerProfile, signed_in: Callable[[User], Client]) -> Client:
    client = signed_in(learner.user)
    client.cookies["django_language"] = "en"  # the messages below are read in English
    return client


@pytest.mark.django_db
def test_the_portfolio_shows_every_kind_and_the_space_used(
    learner: LearnerProfile, client_of: Client, settings: Any
) -> None:
    settings.PORTFOLIO_QUOTA_BYTES = 50 * 1024 * 1024
    services.item_add(
        learner=learner,
        actor=learner.user,
        kind=Kind.EVIDENCE,
        fields={"title": "Scan"},
        upload=samples.upload("a.pdf", samples.pdf()),
    )
    page = client_of.get(reverse("portfolio:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["quota"].used == len(samples.pdf())
    html = page.content.decode()
    assert "MB of 50 MB used" in html
    assert f'max="{50 * 1024 * 1024}" value="{len(samples.pdf())}"' in html
    for kind in ("diploma", "certificate", "work_experience", "competence", "evidence"):
        assert f"?kind={kind}" in html
    assert "?kind=participation" not in html


@pytest.mark.django_db
def test_adding_an_item_with_a_refused_file_keeps_what_was_typed(
    learner: LearnerProfile, client_of: Client
) -> None:
    response = client_of.post(
        reverse("portfolio:item_new"),
        {
            "kind": "work_experience",
            "command": "3f0c1f5e-8c1e-4a43-9a8e-2f4f4a1b9c11",
            "title": "Nurse at Aleppo hospital",
            "description": "Eight years on the children's ward.",
            "place": "Aleppo",
            "started_on": "2012-09-01",
            "ended_on": "2020-06-30",
            "file": samples.upload("evil.pdf", samples.pdf_with_javascript()),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nurse at Aleppo hospital" in html
    assert "Eight years on the children" in html
    assert 'value="2012-09-01"' in html
    assert "script" in html  # the refusal says why
    assert not Item.objects.exists()
    # Sent again with a good file: added once, with the file.
    response = client_of.post(
        reverse("portfolio:item_new"),
        {
            "kind": "work_experience",
            "command": "3f0c1f5e-8c1e-4a43-9a8e-2f4f4a1b9c11",
            "title": "Nurse at Aleppo hospital",
            "file": samples.upload("reference.pdf", samples.pdf()),
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:item", args=[item.pk])
    assert Attachment.objects.get(item=item).name == "reference.pdf"


@pytest.mark.django_db
def test_a_diploma_shows_its_recognition_steps_and_deadlines(
    learner: LearnerProfile, client_of: Client
) -> None:
    diploma = services.item_add(
        learner=learner, actor=learner.user, kind=Kind.DIPLOMA, fields={"title": "Nursing"}
    )
    url = reverse("portfolio:recognition", args=[diploma.pk])
    refused = client_of.post(url, {"step": "submitted"})
    assert refused.status_code == 400
    assert "Fill this in for this step." in refused.content.decode()
    sent = date(2026, 3, 2)
    response = client_of.post(
        url, {"step": "submitted", "submitted_on": sent.isoformat(), "documents": ["transcript"]}
    )
    assert response.status_code == 302
    page = client_of.get(reverse("portfolio:item", args=[diploma.pk]))
    tracker = page.context["tracker"]
    assert tracker.acknowledgement_due == date(2026, 3, 23)
    assert tracker.decision_due == date(2026, 7, 2)
    assert [row.current for row in tracker.steps] == [False, False, True, False, False]
    assert ("transcript", True) in [(code, have) for code, _label, have in tracker.documents]


@pytest.mark.django_db
def test_a_derived_certificate_is_read_only(learner: LearnerProfile, client_of: Client) -> None:
    samples.exam(learner, level="B1")
    page = client_of.get(reverse("portfolio:home"))  # the page brings the portfolio up to date
    certificate = Item.objects.get(learner=learner, certified=True)
    assert "B1" in page.content.decode()
    url = reverse("portfolio:item", args=[certificate.pk])
    assert client_of.post(url, {"title": "C2"}).status_code == 403
    assert (
        client_of.post(reverse("portfolio:item_delete", args=[certificate.pk])).status_code == 403
    )
    assert client_of.get(url).status_code == 200


@pytest.mark.django_db
def test_editing_and_removing_an_own_item(learner: LearnerProfile, client_of: Client) -> None:
    item = services.item_add(
        learner=learner, actor=learner.user, kind=Kind.EVIDENCE, fields={"title": "Old"}
    )
    url = reverse("portfolio:item", args=[item.pk])
    assert client_of.post(url, {"title": ""}).status_code == 400
    assert client_of.post(url, {"title": "New title"}).status_code == 302
    item.refresh_from_db()
    assert item.title == "New title"
    assert client_of.post(reverse("portfolio:item_delete", args=[item.pk])).status_code == 302
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_the_case_manager_reads_the_portfolio_without_changing_it(
    learner: LearnerProfile, case_manager: User, signed_in: Callable[[User], Client]
) -> None:
    services.item_add(
        learner=learner,
        actor=learner.user,
        kind=Kind.COMPETENCE,
        fields={"title": "Speaks Kurdish and Arabic", "origin": "country_of_origin"},
    )
    page = signed_in(case_manager).get(
        reverse("portfolio:staff_portfolio", args=[learner.dossier_number])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Speaks Kurdish and Arabic" in html
    assert reverse("portfolio:item_new") not in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main
