"""The learner's own data in one download: ``data.json`` with every record of theirs across the
portal, and the files of their portfolio.

Every model that refers to a learner is named here once: either in ``SECTIONS`` (exported, with
the lookup from the model to the learner) or in ``WITHHELD`` (not exported, with the reason,
which the export itself states). A test fails when a model refers to a learner and is in
neither list, so a new app cannot silently leave its records out. The action plan and the
portfolio's shares (``OWN_APPS``) are exported whole when installed, found by their foreign keys.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from portal.accounts.models import User
from portfolio.models import Attachment, AttachmentKind, DossierAccess

FORMAT = "inburgering-portal/learner-data/1"


@dataclass(frozen=True)
class Section:
    """Rows of ``label`` whose ``path`` leads to the learner's profile (or ``user`` account)."""

    label: str
    path: str
    target: str = "profile"  # "profile" | "user"
    exclude: tuple[str, ...] = field(default=())


SECTIONS: tuple[Section, ...] = (
    # Who I am, and who follows me
    Section("accounts.User", "pk", "user", exclude=("password", "user_permissions", "groups")),
    Section("profiles.LearnerProfile", "pk"),
    Section("profiles.CaseloadAssignment", "learner"),
    # My contract and the facts on it
    Section("trajectory.DeclarationAcknowledgement", "learner"),
    Section("trajectory.Eligibility", "learner"),
    Section("trajectory.Contract", "learner"),
    Section("trajectory.DeadlineChange", "contract__learner"),
    Section("trajectory.Nt2Route", "learner"),
    Section("trajectory.Nt2Module", "learner"),
    Section("trajectory.MoCourse", "learner"),
    Section("trajectory.Screening", "learner"),
    Section("trajectory.ExamSession", "learner"),
    Section("trajectory.EmploymentServiceRegistration", "learner"),
    Section("trajectory.Exemption", "learner"),
    Section("trajectory.Suspension", "learner"),
    Section("trajectory.LearningCeiling", "learner"),
    Section("trajectory.ActivityPeriod", "learner"),
    Section("trajectory.Noncompliance", "learner"),
    Section("trajectory.FeePayment", "learner"),
    Section("trajectory.Nt2OnlyReferral", "learner"),
    Section("trajectory.TrajectoryState", "learner"),
    Section("trajectory.Attest", "learner"),
    Section("trajectory.AuthorityAdvice", "learner"),
    Section("trajectory.ContractProof", "learner"),
    # Participation
    Section("participation.Activity", "proposed_by"),
    Section("participation.ContactLink", "learner"),
    Section("participation.HourEntry", "learner"),
    Section("participation.Confirmation", "entry__learner"),
    # Lessons
    Section("lessons.LessonProgress", "learner"),
    Section("lessons.PracticeAttempt", "learner"),
    Section("lessons.Attendance", "learner"),
    Section("lessons.AbsenceNudge", "learner"),
    Section("lessons.EnvironmentInterest", "learner"),
    # The groups I am in; not who else is in them.
    Section("lessons.Group", "members", exclude=("members",)),
    # Appointments (the case manager's notes of a talk are withheld, below)
    Section("appointments.Booking", "learner"),
    Section("appointments.Reminder", "booking__learner"),
    Section("appointments.WaitlistEntry", "learner"),
    Section("appointments.CalendarFeed", "learner"),
    # Portfolio
    Section("portfolio.Item", "learner"),
    Section("portfolio.Attachment", "item__learner"),
    Section("portfolio.Recognition", "item__learner"),
    Section("portfolio.DossierAccess", "learner"),
    # What happened, and what I was told
    Section("events.Event", "learner", "user"),
    Section("notifications.Notification", "recipient", "user"),
    Section("sync.SyncCommand", "user", "user"),
    Section("sync.DeviceKey", "user", "user"),
)

# Models that refer to a learner but are not exported, and why (stated in the export too).
WITHHELD: dict[str, str] = {
    "appointments.Note": "The case manager's working notes of a talk.",
    "trajectory.Signal": (
        "The case manager's list of points to follow up; the facts they come from are included."
    ),
    "accounts.ActivationCode": "Sign-in codes, stored only as hashes.",
    "notifications.PushSubscription": "The push address and keys of your devices (secrets).",
    "otp_totp.TOTPDevice": "Second-factor secrets (staff only).",
}


# Apps whose every model is some learner's own (their plan; their shares of the portfolio):
# exported whole when installed, each model by its foreign keys to the learner. Imported by
# name only, so the export works with or without them.
OWN_APPS = ("plan", "portfolio_sharing")


def _discovered_sections() -> list[Section]:
    found = []
    for label in OWN_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            path = _path_to_learner(model, depth=3)
            if path is not None:
                found.append(Section(model._meta.label, path))
    return found


def _path_to_learner(model: type[models.Model], *, depth: int) -> str | None:
    """The shortest lookup from ``model`` to LearnerProfile through forward foreign keys."""
    if depth <= 0:
        return None
    fields = [
        f
        for f in model._meta.get_fields()
        if f.concrete and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]
    for f in fields:
        if f.related_model is LearnerProfile:
            return f.name
    for f in fields:
        related = f.related_model
        if (
            isinstance(related, type)
            and issubclass(related, models.Model)
            and related._meta.app_label == model._meta.app_label
        ):
            rest = _path_to_learner(related, depth=depth - 1)
            if rest is not None:
                return f"{f.name}__{rest}"
    return None


def sections() -> list[Section]:
    return [*SECTIONS, *_discovered_sections()]


def _rows(section: Section, learner: LearnerProfile) -> QuerySet[Any]:
    model = apps.get_model(section.label)
    target: LearnerProfile | User = learner.user if section.target == "user" else learner
    value: Any = target.pk if section.path == "pk" else target
    return model._default_manager.filter(**{section.path: value}).order_by("pk").distinct()


def _serialize(section: Section, rows: QuerySet[Any]) -> list[dict[str, Any]]:
    model = apps.get_model(section.label)
    names = [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and not f.primary_key and f.name not in section.exclude
    ]
    data: list[dict[str, Any]] = serializers.serialize("python", rows, fields=names)
    return [{"pk": row["pk"], **row["fields"]} for row in data]


@dataclass(frozen=True)
class ExportFile:
    path: str  # inside the ZIP
    storage_name: str
    attachment: int


def _files(learner: LearnerProfile) -> list[ExportFile]:
    found: list[ExportFile] = []
    attachments = Attachment.objects.filter(item__learner=learner).select_related("image", "audio")
    for attachment in attachments.order_by("pk"):
        folder = f"files/item-{attachment.item_id}/attachment-{attachment.pk}"
        if attachment.kind == AttachmentKind.PDF and attachment.file:
            names = [attachment.file.name]
        elif attachment.kind == AttachmentKind.AUDIO and attachment.audio is not None:
            names = [attachment.audio.file.name]
        elif attachment.image is not None:
            names = attachment.image.names()
        else:
            names = []
        # Each attachment its own folder: the stored names' last parts never collide there.
        found.extend(
            ExportFile(f"{folder}/{name.rsplit('/', 1)[-1]}", name, attachment.pk) for name in names
        )
    return found


def _staff_names(learner: LearnerProfile) -> dict[str, dict[str, str]]:
    """Names and roles of staff who follow or opened the dossier, for reading the ids above."""
    ids = set(DossierAccess.objects.filter(learner=learner).values_list("staff_id", flat=True))
    ids |= set(learner.caseload_assignments.values_list("case_manager_id", flat=True))
    return {
        str(user.pk): {"name": user.display_name, "role": user.role}
        for user in User.objects.filter(pk__in=ids).order_by("pk")
    }


def learner_data(learner: LearnerProfile) -> dict[str, Any]:
    """Every exported record of the learner, by model, and what is withheld and why."""
    records = {}
    for section in sections():
        records[section.label] = _serialize(section, _rows(section, learner))
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "dossier_number": learner.dossier_number,
        "records": records,
        "staff": _staff_names(learner),
        "files": [{"path": f.path, "attachment": f.attachment} for f in _files(learner)],
        "withheld": WITHHELD,
    }


def learner_archive(learner: LearnerProfile) -> bytes:
    """A ZIP with ``data.json`` and every file of the portfolio.

    Built in memory: at most the portfolio quota and the records, for one rare request. The
    caller has checked that the learner asks for their own data.
    """
    archive = io.BytesIO()
    data = learner_data(learner)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        )
        for entry in _files(learner):
            try:
                with default_storage.open(entry.storage_name, "rb") as source:
                    zipped.writestr(entry.path, source.read())
            except FileNotFoundError:
                continue
    return archive.getvalue()
