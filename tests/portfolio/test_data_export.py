""" "Download all my data": every record and file of that learner, and nothing of anyone else."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

# The module, not default_storage: collection would evaluate that lazy object before the
# test settings are in place.
from django.core.files import storage as file_storage
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.appointments.models import (
    Agenda,
    Booking,
    CalendarFeed,
    Note,
    Purpose,
    Reminder,
    Slot,
    WaitlistEntry,
)
from learner.lessons.models import (
    Attendance,
    ContactSession,
    Course,
    EnvironmentInterest,
    Group,
    Lesson,
    LessonProgress,
    Module,
    PracticeAttempt,
)
from learner.participation.models import Activity, ActivityKind, ContactLink
from learner.profiles.models import LearnerProfile
from learner.trajectory.models import Contract
from portal.accounts.models import Role, User
from portal.events.models import Event
from portal.notifications.models import Notification
from portal.sync.models import SyncCommand
from portfolio import export, services
from portfolio.models import Attachment, Item, Kind
from tests.portfolio import samples

OTHER_DOSSIER = "INB-0777"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _record_everything(
    learner: LearnerProfile,
    *,
    case_manager: User,
    teacher: User,
    buddy: User,
    marker: str,
    sign_contract: Callable[..., Contract],
) -> None:
    """Records of ``learner`` in every app, each carrying ``marker`` where there is text."""
    sign_contract(learner)
    samples.exam(learner)
    # Participation: confirmed hours, a link to a buddy, an own proposal.
    entry = samples.confirmed_hours(learner, contact=buddy, title=f"Activity {marker}")
    ContactLink.objects.create(
        learner=learner, contact=buddy, activity=entry.activity, created_by=case_manager
    )
    Activity.objects.create(
        municipality=learner.municipality,
        kind=ActivityKind.SELF_CHOSEN,
        title=f"Proposal {marker}",
        proposed_by=learner,
    )
    # Lessons: progress, practice, a group with a session and attendance, interests.
    course = Course.objects.create(agency=learner.agency, owner=teacher, title=f"Course {marker}")
    module = Module.objects.create(course=course, title="Module")
    lesson = Lesson.objects.create(module=module, title="Lesson")
    now = timezone.now()
    LessonProgress.objects.create(
        learner=learner,
        lesson=lesson,
        step="completed",
        language="ar",
        client_uuid=uuid.uuid4(),
        client_time=now,
    )
    PracticeAttempt.objects.create(
        learner=learner,
        lesson=lesson,
        answers=[1],
        correct=1,
        total=1,
        client_uuid=uuid.uuid4(),
        client_time=now,
    )
    group = Group.objects.create(teacher=teacher, course=course, name=f"Group {marker}")
    group.members.add(learner)
    session = ContactSession.objects.create(
        group=group, starts_at=now, ends_at=now + timedelta(hours=2), place="Leuven"
    )
    Attendance.objects.create(
        session=session, learner=learner, presence="present", recorded_by=teacher, recorded_at=now
    )
    EnvironmentInterest.objects.create(learner=learner, environments=["online"])
    # Appointments: a booking with a reminder and the case manager's note, the waitlist, a feed.
    agenda, _created = Agenda.objects.get_or_create(
        owner=case_manager, defaults={"agency": learner.agency, "name": "Agenda"}
    )
    slot = Slot.objects.create(
        agenda=agenda,
        starts_at=now + timedelta(days=3, hours=learner.pk),
        ends_at=now + timedelta(days=3, hours=learner.pk + 1),
        purpose=Purpose.INTAKE,
        booked=1,
    )
    booking = Booking.objects.create(
        slot=slot,
        learner=learner,
        client_uuid=uuid.uuid4(),
        client_time=now,
        booked_by=learner.user,
    )
    Reminder.objects.create(booking=booking, kind="day_before", starts_at=slot.starts_at)
    Note.objects.create(
        booking=booking, text=f"Case manager note {marker}", written_by=case_manager
    )
    WaitlistEntry.objects.create(learner=learner, purpose=Purpose.QUESTION)
    CalendarFeed.objects.create(learner=learner, token=f"feed-{marker}")
    # The portfolio: an item with a PDF, a photo and a voice note; a diploma with its tracker.
    item = services.item_add(
        learner=learner,
        actor=learner.user,
        kind=Kind.EVIDENCE,
        fields={"title": f"Evidence {marker}"},
        upload=samples.upload("scan.pdf", samples.pdf(f"pdf {marker}")),
    )
    seed = len(marker)  # different pictures and recordings for each learner
    for name, data in (
        ("photo.jpg", samples.photo_with_gps(seed)),
        ("note.wav", samples.wav(seed / 10)),
    ):
        services.attachment_add(item=item, actor=learner.user, upload=samples.upload(name, data))
    services.item_add(
        learner=learner, actor=learner.user, kind=Kind.DIPLOMA, fields={"title": "Diploma"}
    )
    services.portfolio_sync_derived(learner=learner)
    services.dossier_access_record(
        staff=case_manager, learner=learner, what="profiles:learner_detail", path="/staff/"
    )
    # What the phone sent, and a notification of an event about the learner.
    SyncCommand.objects.create(
        uuid=uuid.uuid4(), user=learner.user, type="x.y", client_time=now, status="applied"
    )
    event = Event.objects.filter(learner=learner.user).first()
    assert event is not None
    Notification.objects.get_or_create(recipient=learner.user, event=event, code=event.code)


@pytest.fixture
def two_learners(
    learner: LearnerProfile,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
    make_staff: Callable[..., User],
    sign_contract: Callable[..., Contract],
) -> tuple[LearnerProfile, LearnerProfile]:
    teacher = make_staff(Role.TEACHER, "teacher")
    buddy = make_staff(Role.BUDDY, "buddy")
    other = make_learner(OTHER_DOSSIER, case_manager=case_manager, pin="482915")
    User.objects.filter(pk=other.user_id).update(first_name="Zoltan", last_name="Quixby")
    other.refresh_from_db()
    for profile, marker in ((learner, "MINE"), (other, "THEIRS")):
        _record_everything(
            profile,
            case_manager=case_manager,
            teacher=teacher,
            buddy=buddy,
            marker=marker,
            sign_contract=sign_contract,
        )
    return learner, other


def _download(client: Client) -> zipfile.ZipFile:
    response = client.post(reverse("portfolio:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _stored_names(learner: LearnerProfile) -> list[str]:
    names: list[str] = []
    for attachment in Attachment.objects.filter(item__learner=learner):
        if attachment.image is not None:
            names += attachment.image.names()
        elif attachment.audio is not None:
            names.append(attachment.audio.file.name)
        else:
            names.append(attachment.file.name)
    return names


def _direct_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field) of every relation to a learner profile in the project."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                field.concrete
                and field.is_relation
                and field.related_model is LearnerProfile
                and model is not LearnerProfile
            ):
                found.append((model, field.name))
    return found


def test_every_model_that_refers_to_a_learner_is_exported_or_withheld_with_a_reason() -> None:
    covered = {section.label for section in export.sections()} | set(export.WITHHELD)
    missing = {model._meta.label for model, _field in _direct_relations()} - covered
    assert not missing, f"Add these to portfolio/export.py SECTIONS or WITHHELD: {missing}"
    # Rows hanging off a learner's own rows (a booking's reminders, an hour entry's answer):
    owned = set()
    for section in export.sections():
        model = apps.get_model(section.label)
        if section.target != "profile" or "__" in section.path or section.path == "pk":
            continue
        if not model._meta.get_field(section.path).many_to_many:  # a group is not mine
            owned.add(model)
    children = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.many_to_one and field.related_model in owned
    }
    assert not children - covered, f"Export or withhold: {children - covered}"


@pytest.mark.django_db
def test_the_export_has_every_record_and_file_of_the_learner_and_nothing_of_others(
    two_learners: tuple[LearnerProfile, LearnerProfile],
    signed_in: Callable[[User], Client],
) -> None:
    mine, theirs = two_learners
    archive = _download(signed_in(mine.user))
    data = json.loads(archive.read("data.json"))
    assert data["dossier_number"] == mine.dossier_number
    records: dict[str, list[dict[str, Any]]] = data["records"]

    # Every row of every model that refers to a learner: all of mine, none of theirs.
    for model, field in _direct_relations():
        label = model._meta.label
        if label in export.WITHHELD:
            assert label not in records
            continue
        exported = {row["pk"] for row in records[label]}
        own = set(model._default_manager.filter(**{field: mine}).values_list("pk", flat=True))
        others = set(model._default_manager.filter(**{field: theirs}).values_list("pk", flat=True))
        assert own <= exported, label
        assert not (others - own) & exported, label
    # The test data reaches every part of the portal.
    for label in (
        "profiles.CaseloadAssignment",
        "trajectory.Contract",
        "trajectory.ExamSession",
        "participation.HourEntry",
        "participation.Confirmation",
        "participation.ContactLink",
        "participation.Activity",
        "lessons.LessonProgress",
        "lessons.PracticeAttempt",
        "lessons.Attendance",
        "lessons.Group",
        "appointments.Booking",
        "appointments.Reminder",
        "appointments.WaitlistEntry",
        "appointments.CalendarFeed",
        "portfolio.Item",
        "portfolio.Attachment",
        "portfolio.Recognition",
        "portfolio.DossierAccess",
        "events.Event",
        "notifications.Notification",
        "sync.SyncCommand",
    ):
        assert records[label], label
    assert [row["pk"] for row in records["accounts.User"]] == [mine.user_id]
    assert "password" not in records["accounts.User"][0]
    assert "members" not in records["lessons.Group"][0]
    assert {row["pk"] for row in records["portfolio.Item"]} == set(
        Item.objects.filter(learner=mine).values_list("pk", flat=True)
    )
    assert "appointments.Note" in data["withheld"]

    # Every file of mine, byte for byte.
    contents = {name: archive.read(name) for name in archive.namelist()}
    for name in _stored_names(mine):
        with file_storage.default_storage.open(name) as stored:
            assert stored.read() in contents.values(), name
    assert len(contents) == 1 + len(_stored_names(mine))
    assert {f["path"] for f in data["files"]} == set(contents) - {"data.json"}

    # Nothing of the other learner: not their dossier number, name, text or files.
    everything = b"\n".join(contents.values())
    for secret in (OTHER_DOSSIER, "Zoltan", "Quixby", "THEIRS", "feed-THEIRS"):
        assert secret.encode() not in everything, secret
    for name in _stored_names(theirs):
        with file_storage.default_storage.open(name) as stored:
            assert stored.read() not in everything, name
    # Nor the case manager's note about me (withheld).
    assert b"Case manager note MINE" not in everything
    # But my own words are there.
    assert b"Evidence MINE" in everything


@pytest.mark.django_db
def test_only_a_learner_downloads_and_only_their_own(
    two_learners: tuple[LearnerProfile, LearnerProfile],
    case_manager: User,
    signed_in: Callable[[User], Client],
) -> None:
    mine, theirs = two_learners
    assert signed_in(case_manager).post(reverse("portfolio:data_export")).status_code == 403
    data = json.loads(_download(signed_in(theirs.user)).read("data.json"))
    assert data["dossier_number"] == OTHER_DOSSIER
    assert mine.dossier_number.encode() not in json.dumps(data).encode()
