"""Fixtures shared by the whole suite: organisations, people in every role, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from learner.profiles.models import Employment, LearnerProfile, Literacy, Obligation
from learner.profiles.services import caseload_assign, learner_register
from learner.trajectory import services as trajectory_services
from learner.trajectory.models import Contract, Declaration
from learner.trajectory.models.facts import Protection, Register
from portal.accounts import services as account_services
from portal.accounts.models import Agency, Municipality, Role, SecretKind, User

PASSWORD = "correct-horse-battery"
PIN = "482915"


@pytest.fixture(scope="session", autouse=True)
def _fast_and_hermetic(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Test-wide settings, set before anything (the live server too) builds a handler.

    Hashing strength is not under test; static files are served from the source folders (no
    collectstatic); media and collected files go to a temporary folder.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.WHITENOISE_USE_FINDERS = True
    # Threads of the in-process ASGI server open their own connections: close them after each
    # request instead of keeping them (nor pooling them: the production default on PostgreSQL), or
    # PostgreSQL cannot drop the test database at the end.
    # The learner's home keeps its dossier block in the cache until a commit moves the dossier's
    # version; most tests never commit (each runs in a transaction rolled back at its end), so the
    # cache is off but in the tests about it (tests/portal/shell/test_home.py), which commit.
    settings.HOME_CACHE_SECONDS = 0
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Throttle counts live in the cache, keyed by user id; SQLite gives a rolled-back test's ids
    to the next test, so an in-process cache is emptied after each test (Redis runs go with
    PostgreSQL, whose ids never repeat, and other keys there are not ours to flush)."""
    yield
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture
def agency(db: None) -> Agency:
    return Agency.objects.create(code="agii", name="Agentschap Integratie en Inburgering")


@pytest.fixture
def other_agency(db: None) -> Agency:
    return Agency.objects.create(code="other", name="Another agency")


@pytest.fixture
def leuven(db: None) -> Municipality:
    return Municipality.objects.create(nis_code="24062", name="Leuven", region="flanders")


@pytest.fixture
def schaarbeek(db: None) -> Municipality:
    # Loaded by the data migration with the other 18 Brussels municipalities.
    return Municipality.objects.get(nis_code="21015")


@pytest.fixture
def staff_language() -> str:
    """The language staff accounts prefer (their pages switch to it when they sign in)."""
    return "nl"


@pytest.fixture
def make_staff(db: None, agency: Agency, staff_language: str) -> Callable[..., User]:
    def make(
        role: Role,
        username: str,
        *,
        agency: Agency | None = agency,
        municipality: Municipality | None = None,
    ) -> User:
        return account_services.staff_user_create(
            username=username,
            role=role,
            first_name=username.title(),
            last_name="Test",
            password=PASSWORD,
            agency=agency,
            municipality=municipality,
            preferred_language=staff_language,
        )

    return make


@pytest.fixture
def make_learner(db: None, agency: Agency, leuven: Municipality) -> Callable[..., LearnerProfile]:
    def make(
        dossier: str,
        *,
        case_manager: User | None = None,
        agency: Agency = agency,
        municipality: Municipality = leuven,
        pin: str | None = None,
        language: str = "ar",
    ) -> LearnerProfile:
        profile = learner_register(
            agency=agency,
            dossier_number=dossier,
            first_name="Amal",
            last_name="Haddad",
            preferred_language=language,
            spoken_languages=[language],
            literacy=Literacy.LITERATE_OTHER,
            municipality=municipality,
            obligation=Obligation.OBLIGATED,
            employment=Employment.NOT_WORKING,
        )
        if case_manager is not None:
            caseload_assign(learner=profile, case_manager=case_manager, actor=None)
            if pin is not None:
                issued = account_services.activation_code_issue(
                    issued_by=case_manager, user=profile.user
                )
                account_services.account_activate(
                    activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret=pin
                )
                profile.user.refresh_from_db()
        return profile

    return make


@pytest.fixture
def case_manager(make_staff: Callable[..., User]) -> User:
    return make_staff(Role.CASE_MANAGER, "tb.an")


@pytest.fixture
def learner(make_learner: Callable[..., LearnerProfile], case_manager: User) -> LearnerProfile:
    return make_learner("INB-0001", case_manager=case_manager, pin=PIN)


def verify_second_factor(client: Client, user: User) -> TOTPDevice:
    """Sign a staff member in as if they had passed their TOTP step."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    """A client signed in as ``user``, with the second factor passed for staff."""

    def make(user: User) -> Client:
        client = Client()
        if user.is_staff_role:
            verify_second_factor(client, user)
        else:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def sign_contract(case_manager: User) -> Callable[..., Contract]:
    def sign(
        profile: LearnerProfile,
        *,
        signed_on: date = date(2026, 1, 31),
        richttermijn: date = date(2027, 1, 31),
        **deadlines: date | None,
    ) -> Contract:
        trajectory_services.eligibility_record(
            learner=profile,
            register=Register.FOREIGNERS,
            protection=Protection.NONE,
            actor=case_manager,
        )
        trajectory_services.declaration_acknowledge(
            learner=profile,
            declaration=Declaration.objects.get(version=1),
            language="ar",
            signed_name="Amal Haddad",
        )
        return trajectory_services.contract_sign(
            learner=profile,
            signed_on=signed_on,
            richttermijn=richttermijn,
            actor=case_manager,
            deadlines=deadlines,
        )

    return sign
