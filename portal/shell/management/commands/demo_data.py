"""Load demo people for trying the portal on a laptop. Safe to run again: nothing is doubled.

Every demo learner except one is activated with the demo PIN; the last one gets a fresh
activation code on every run (codes are stored hashed, so an old one cannot be printed again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone, translation

from learner.appointments.demo import demo_appointments
from learner.lessons.demo.loader import demo_lessons
from learner.participation.demo import demo_participation
from learner.profiles.models import Employment, LearnerProfile, Literacy, Obligation, Perspective
from learner.profiles.services import caseload_assign, learner_register
from learner.trajectory.demo import demo_trajectories
from portal.accounts import services as account_services
from portal.accounts.models import Agency, Municipality, Role, SecretKind, User
from portal.accounts.rules import Region

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_PIN = "482915"

FLEMISH_MUNICIPALITIES = [
    ("24062", "Leuven"),
    ("12025", "Mechelen"),
    ("31005", "Brugge"),
    ("71016", "Genk"),
]


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: Role
    first_name: str
    last_name: str
    municipality: str | None = None


STAFF = [
    DemoStaff("tb.an", Role.CASE_MANAGER, "An", "Peeters"),
    DemoStaff("tb.youssef", Role.CASE_MANAGER, "Youssef", "El Amrani"),
    DemoStaff("mo.marie", Role.TEACHER, "Marie", "Claes"),
    DemoStaff("buddy.jan", Role.BUDDY, "Jan", "Wouters"),
    DemoStaff("buddy.fatima", Role.BUDDY, "Fatima", "Benali"),
    DemoStaff("coord.leuven", Role.COORDINATOR, "Sofie", "Janssens", municipality="24062"),
    DemoStaff("admin.agency", Role.AGENCY_ADMIN, "Koen", "Maes"),
]


@dataclass(frozen=True)
class DemoLearner:
    dossier: str
    first_name: str
    last_name: str
    language: str
    spoken: tuple[str, ...]
    literacy: Literacy
    nis_code: str
    obligation: Obligation
    employment: Employment
    perspective: Perspective
    case_manager: str
    activated: bool = True


LEARNERS = [
    DemoLearner(
        "INB-2026-0001",
        "Amal",
        "Haddad",
        "ar",
        ("ar", "fr"),
        Literacy.LITERATE_OTHER,
        "24062",
        Obligation.OBLIGATED,
        Employment.NOT_WORKING,
        Perspective.PROFESSIONAL_JOBSEEKER,
        "tb.an",
    ),
    DemoLearner(
        "INB-2026-0002",
        "Tesfay",
        "Gebremedhin",
        "ti",
        ("ti", "am"),
        Literacy.WEAKLY_LITERATE,
        "12025",
        Obligation.OBLIGATED,
        Employment.EMPLOYED,
        Perspective.PROFESSIONAL_EMPLOYED,
        "tb.an",
    ),
    DemoLearner(
        "INB-2026-0003",
        "Olena",
        "Kovalenko",
        "uk",
        ("uk", "ru", "en"),
        Literacy.LITERATE_OTHER,
        "24062",
        Obligation.ENTITLED,
        Employment.EMPLOYED,
        Perspective.PROFESSIONAL_EMPLOYED,
        "tb.an",
    ),
    DemoLearner(
        "INB-2026-0004",
        "Zahra",
        "Ahmadi",
        "fa",
        ("fa",),
        Literacy.NOT_LITERATE,
        "21015",
        Obligation.OBLIGATED,
        Employment.NOT_WORKING,
        Perspective.SOCIAL,
        "tb.youssef",
    ),
    DemoLearner(
        "INB-2026-0005",
        "Abdi",
        "Warsame",
        "so",
        ("so", "ar"),
        Literacy.WEAKLY_LITERATE,
        "21001",
        Obligation.OBLIGATED,
        Employment.STUDYING,
        Perspective.EDUCATIONAL,
        "tb.youssef",
    ),
    DemoLearner(
        "INB-2026-0006",
        "James",
        "Okafor",
        "en",
        ("en",),
        Literacy.LITERATE_LATIN,
        "31005",
        Obligation.ENTITLED,
        Employment.EMPLOYED,
        Perspective.PROFESSIONAL_EMPLOYED,
        "tb.youssef",
    ),
    DemoLearner(
        "INB-2026-0007",
        "Mariam",
        "Sultani",
        "ps",
        ("ps", "fa"),
        Literacy.LITERATE_OTHER,
        "71016",
        Obligation.OBLIGATED,
        Employment.NOT_WORKING,
        Perspective.UNDETERMINED,
        "tb.an",
        activated=False,
    ),
]


class Command(BaseCommand):
    help = "Load demo data (one agency, staff, buddies and learners) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scratch-production",
            action="store_true",
            help="Allow production settings: only for benchmarks on a throw-away database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["scratch_production"]:
            raise CommandError("Demo data is not loaded in production (see --scratch-production).")
        with transaction.atomic():
            agency, _ = Agency.objects.get_or_create(
                code="agii-demo", defaults={"name": "Agentschap Integratie en Inburgering (demo)"}
            )
            for nis_code, name in FLEMISH_MUNICIPALITIES:
                Municipality.objects.get_or_create(
                    nis_code=nis_code, defaults={"name": name, "region": Region.FLANDERS}
                )
            staff = {person.username: self._staff(person, agency) for person in STAFF}
            for person in LEARNERS:
                self._learner(person, agency, staff)
            learners = {
                p.dossier_number: p
                for p in LearnerProfile.objects.filter(agency=agency).select_related("user")
            }
            demo_trajectories(learners=learners, staff=staff)
            demo_participation(learners=learners, staff=staff)
            demo_appointments(learners=learners, staff=staff)
            demo_lessons(
                teacher=staff["mo.marie"],
                learners=[learners[dossier] for dossier in sorted(learners)[:4]],
            )
            pending = User.objects.get(username=LEARNERS[-1].dossier)
            issued = (
                account_services.activation_code_issue(
                    issued_by=staff[LEARNERS[-1].case_manager], user=pending
                )
                if pending.activated_at is None
                else None
            )
        with translation.override("en"):
            self._print_logins(issued.display if issued else None)

    def _staff(self, person: DemoStaff, agency: Agency) -> User:
        existing = User.objects.filter(username=person.username).first()
        if existing is not None:
            return existing
        municipality = (
            Municipality.objects.get(nis_code=person.municipality) if person.municipality else None
        )
        return account_services.staff_user_create(
            username=person.username,
            role=person.role,
            first_name=person.first_name,
            last_name=person.last_name,
            password=DEMO_PASSWORD,
            agency=agency,
            municipality=municipality,
        )

    def _learner(self, person: DemoLearner, agency: Agency, staff: dict[str, User]) -> None:
        profile = LearnerProfile.objects.filter(dossier_number=person.dossier).first()
        if profile is None:
            profile = learner_register(
                agency=agency,
                dossier_number=person.dossier,
                first_name=person.first_name,
                last_name=person.last_name,
                preferred_language=person.language,
                spoken_languages=list(person.spoken),
                literacy=person.literacy,
                municipality=Municipality.objects.get(nis_code=person.nis_code),
                obligation=person.obligation,
                employment=person.employment,
                perspective=person.perspective,
                backoffice_updated_at=timezone.now(),
            )
        case_manager = staff[person.case_manager]
        caseload_assign(learner=profile, case_manager=case_manager, actor=None)
        if person.activated and profile.user.activated_at is None:
            issued = account_services.activation_code_issue(
                issued_by=case_manager, user=profile.user
            )
            account_services.account_activate(
                activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret=DEMO_PIN
            )

    def _print_logins(self, pending_code: str | None) -> None:
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING("Demo logins (http://127.0.0.1:8000/login/)"))
        out.write(f"  Learners: dossier number + PIN {DEMO_PIN}")
        for person in LEARNERS:
            if person.activated:
                out.write(
                    f"    {person.dossier}  {person.first_name} {person.last_name} "
                    f"({person.language}, {person.obligation.value}, "
                    f"{person.employment.value})"
                )
        last = LEARNERS[-1]
        if pending_code:
            out.write(
                f"  Not yet activated: {last.dossier} ({last.first_name} {last.last_name}): "
                f"open http://127.0.0.1:8000/activate/ with code {pending_code}"
            )
        out.write(f"  Staff and buddies: username + password {DEMO_PASSWORD}")
        for staff_member in STAFF:
            out.write(f"    {staff_member.username:<14} {staff_member.role.label}")
        out.write(
            "  Staff enrol an authenticator app (TOTP) at their first login: scan the QR code."
        )
