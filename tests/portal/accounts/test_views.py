"""Sign-in, activation, second factor and lockout, through HTTP as a phone would do them."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from learner.profiles.models import LearnerProfile
from portal.accounts import services
from portal.accounts.models import Role, User
from tests.conftest import PASSWORD, PIN

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> object:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_learner_logs_in_with_dossier_number_and_pin(learner: LearnerProfile) -> None:
    client = Client()
    response = login(client, "INB-0001", PIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("shell:home")
    assert client.session.get_expiry_age() == settings.SESSION_DAYS_PERSONAL * 24 * 3600

    home = client.get(reverse("shell:home"))
    assert home.status_code == 200
    assert "INB-0001" in home.content.decode()


def test_pin_typed_with_arabic_indic_digits_works(learner: LearnerProfile) -> None:
    response = login(Client(), "INB-0001", "٤٨٢٩١٥")
    assert response.status_code == 302


def test_wrong_pin_gets_a_clear_message(learner: LearnerProfile) -> None:
    response = login(Client(), "INB-0001", "999999")
    assert response.status_code == 200
    assert "is not right" in response.content.decode()


def test_staff_must_enrol_and_pass_totp_before_anything_else(
    case_manager: User, learner: LearnerProfile
) -> None:
    client = Client()
    response = login(client, "tb.an", PASSWORD)
    assert response.status_code == 302
    # Signed in, but every page sends them to the second factor step first.
    blocked = client.get(reverse("profiles:learner_list"))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:second_factor"))

    enrol = client.get(blocked["Location"])
    assert enrol.status_code == 200
    assert "<svg" in enrol.content.decode()
    device = TOTPDevice.objects.get(user=case_manager, confirmed=False)

    wrong = client.post(reverse("accounts:second_factor"), {"token": "000000"})
    assert "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above started django-otp's throttle
    device.throttling_failure_timestamp = None
    device.save()

    ok = client.post(
        reverse("accounts:second_factor") + "?next=/staff/learners/",
        {"token": current_token(device), "next": "/staff/learners/"},
    )
    assert ok.status_code == 302
    assert ok["Location"] == "/staff/learners/"
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(reverse("profiles:learner_list"))
    assert page.status_code == 200
    assert "INB-0001" in page.content.decode()
    assert client.session.get_expiry_age() == settings.SESSION_HOURS_STAFF * 3600


def test_enrolled_staff_type_the_code_at_every_sign_in(case_manager: User) -> None:
    device = TOTPDevice.objects.create(user=case_manager, name="phone", confirmed=True)
    client = Client()
    login(client, "tb.an", PASSWORD)
    step = client.get(reverse("accounts:second_factor"))
    assert "<svg" not in step.content.decode()  # no new QR code: the enrolled app is asked
    response = client.post(reverse("accounts:second_factor"), {"token": current_token(device)})
    assert response.status_code == 302
    assert client.get(reverse("profiles:learner_list")).status_code == 200


def test_second_factor_never_redirects_off_site(case_manager: User) -> None:
    device = TOTPDevice.objects.create(user=case_manager, name="phone", confirmed=True)
    client = Client()
    login(client, "tb.an", PASSWORD)
    response = client.post(
        reverse("accounts:second_factor"),
        {"token": current_token(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("shell:home")


def test_activation_from_the_letter_to_the_home_screen(
    make_learner: Callable[..., LearnerProfile], case_manager: User, signed_in: Callable
) -> None:
    profile = make_learner("INB-0200", case_manager=case_manager)
    staff = signed_in(case_manager)
    letter = staff.post(reverse("accounts:activation_letter", args=["INB-0200"]))
    assert letter.status_code == 200
    code = letter.context["issued"].display
    assert code in letter.content.decode()
    assert "<svg" in letter.content.decode()

    phone = Client()
    wrong = phone.post(
        reverse("accounts:activate"), {"username": "INB-0200", "code": "AAAAA-BBBBB"}
    )
    assert "does not match" in wrong.content.decode()

    start = phone.post(reverse("accounts:activate"), {"username": "INB-0200", "code": code.lower()})
    assert start.status_code == 302
    assert start["Location"] == reverse("accounts:activate_secret")
    weak = phone.post(
        start["Location"], {"kind": "pin", "secret": "123456", "secret_again": "123456"}
    )
    assert "too easy" in weak.content.decode()
    mismatch = phone.post(
        start["Location"], {"kind": "pin", "secret": "482915", "secret_again": "482916"}
    )
    assert "not the same" in mismatch.content.decode()

    done = phone.post(
        start["Location"], {"kind": "pin", "secret": "482915", "secret_again": "482915"}
    )
    assert done.status_code == 302
    assert "INB-0200" in phone.get(reverse("shell:home")).content.decode()
    profile.user.refresh_from_db()
    assert profile.user.check_password("482915")

    # The code is spent: a second phone cannot use the same letter.
    again = Client().post(reverse("accounts:activate"), {"username": "INB-0200", "code": code})
    assert "does not match" in again.content.decode()


def test_pending_activation_expires(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    profile = make_learner("INB-0201", case_manager=case_manager)
    issued = services.activation_code_issue(issued_by=case_manager, user=profile.user)
    phone = Client()
    phone.post(reverse("accounts:activate"), {"username": "INB-0201", "code": issued.code})
    session = phone.session
    session["pending_activation"]["until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()
    response = phone.get(reverse("accounts:activate_secret"))
    assert response["Location"] == reverse("accounts:activate")


def test_lockout_is_per_username_and_address_with_cool_off(
    learner: LearnerProfile, make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    classmate = make_learner("INB-0002", case_manager=case_manager, pin="135790")
    attacker = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "INB-0001", "999999", ip="10.0.0.7")

    locked = login(attacker, "INB-0001", PIN, ip="10.0.0.7")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # A classmate on the same shared classroom address still gets in.
    assert login(Client(), classmate.dossier_number, "135790", ip="10.0.0.7").status_code == 302
    # The learner on their own phone network still gets in.
    assert login(Client(), "INB-0001", PIN, ip="10.9.9.9").status_code == 302

    # After the cool-off the lock lifts by itself.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert login(Client(), "INB-0001", PIN, ip="10.0.0.7").status_code == 302


def test_wrong_activation_codes_count_toward_the_lockout(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    profile = make_learner("INB-0300", case_manager=case_manager)
    issued = services.activation_code_issue(issued_by=case_manager, user=profile.user)
    phone = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        phone.post(
            reverse("accounts:activate"),
            {"username": "INB-0300", "code": "AAAAABBBBB"},
            REMOTE_ADDR="10.0.0.8",
        )
    locked = phone.post(
        reverse("accounts:activate"),
        {"username": "INB-0300", "code": issued.code},
        REMOTE_ADDR="10.0.0.8",
    )
    assert locked.status_code == 429


def test_unverified_staff_socket_paths_and_logout_stay_open(case_manager: User) -> None:
    client = Client()
    login(client, "tb.an", PASSWORD)
    assert client.get(reverse("shell:healthz")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 200
    assert client.get(reverse("profiles:learner_list")).status_code == 302


def test_logout_ends_the_session(learner: LearnerProfile) -> None:
    client = Client()
    login(client, "INB-0001", PIN)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("shell:home"))["Location"] == LOGIN


def test_home_and_caseload_stay_within_the_query_budget(
    learner: LearnerProfile,
    case_manager: User,
    make_learner: Callable[..., LearnerProfile],
    signed_in: Callable,
    django_assert_max_num_queries: Callable,
) -> None:
    for n in range(30):
        make_learner(f"INB-1{n:03d}", case_manager=case_manager)
    staff = signed_in(case_manager)
    with django_assert_max_num_queries(10):
        page = staff.get(reverse("profiles:learner_list"))
    assert page.status_code == 200
    assert len(page.context["rows"]) == 25
    searched = staff.get(reverse("profiles:learner_list"), {"q": "Amal"}).content.decode()
    assert 'href="?q=Amal&amp;page=2"' in searched  # the pager keeps the search
    learner_client = signed_in(learner.user)
    with django_assert_max_num_queries(10):
        assert learner_client.get(reverse("shell:home")).status_code == 200


def test_a_teacher_starts_from_their_lessons(
    make_staff: Callable[..., User], signed_in: Callable
) -> None:
    page = signed_in(make_staff(Role.TEACHER, "someone")).get(reverse("shell:home"))
    assert reverse("lessons:teach") in page.content.decode()
    assert reverse("lessons:library") in page.content.decode()


def test_a_buddy_starts_from_the_hours_to_confirm(
    make_staff: Callable[..., User], signed_in: Callable
) -> None:
    page = signed_in(make_staff(Role.BUDDY, "someone")).get(reverse("shell:home"))
    assert reverse("participation:confirm") in page.content.decode()


def test_out_of_scope_dossier_gets_the_portals_own_not_found_page(
    case_manager: User, signed_in: Callable
) -> None:
    response = signed_in(case_manager).get(reverse("profiles:learner_detail", args=["INB-404"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert reverse("shell:home") in response.content.decode()
