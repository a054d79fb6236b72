"""Notifications come from the event log, are stored, scoped to their reader, in any language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation

from learner.profiles.models import LearnerProfile
from learner.profiles.services import caseload_assign
from portal.accounts import services as account_services
from portal.accounts.models import Role, SecretKind, User
from portal.notifications.messages import notification_text
from portal.notifications.models import Notification
from portal.notifications.selectors import unread_count_for
from portal.notifications.services import notifications_mark_read

pytestmark = pytest.mark.django_db


def test_activation_notifies_the_case_manager(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    profile = make_learner("INB-0500", case_manager=case_manager, pin="482915")
    note = Notification.objects.get(recipient=case_manager)
    assert note.code == "accounts.user.activated"
    assert note.event.learner == profile.user
    assert note.url == reverse("profiles:learner_detail", args=["INB-0500"])
    assert notification_text(note.code, note.params) == "Amal Haddad activated their account."
    with translation.override("nl"):
        assert (
            notification_text(note.code, note.params)
            == "Amal Haddad heeft het account geactiveerd."
        )


def test_a_new_case_manager_is_announced_to_an_active_learner(
    learner: LearnerProfile, make_staff: Callable[..., User]
) -> None:
    bert = make_staff(Role.CASE_MANAGER, "tb.bert")
    caseload_assign(learner=learner, case_manager=bert, actor=None)
    note = Notification.objects.get(recipient=learner.user)
    assert note.params == {"case_manager": "Tb.Bert Test"}
    assert unread_count_for(user=learner.user) == 1


def test_nobody_is_notified_before_they_can_read_it(
    make_learner: Callable[..., LearnerProfile], case_manager: User
) -> None:
    make_learner("INB-0501", case_manager=case_manager)  # registered and assigned, not activated
    assert not Notification.objects.exists()


def test_unknown_codes_and_broken_params_still_say_something() -> None:
    assert notification_text("tests.some.thing", {}) == "You have a new message."
    assert notification_text("accounts.user.activated", {}) == "You have a new message."


def test_list_shows_only_ones_own_and_marks_read(
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    make_staff: Callable[..., User],
    signed_in: Callable,
    django_assert_max_num_queries: Callable,
) -> None:
    for n in range(3):
        make_learner(f"INB-06{n:02d}", case_manager=case_manager, pin="482915")
    other = make_staff(Role.CASE_MANAGER, "tb.other")
    client = signed_in(case_manager)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert html.count("activated their account") == 3
    assert "data-unread-badge>3<" in html
    assert (
        "activated their account"
        not in signed_in(other).get(reverse("notifications:list")).content.decode()
    )

    client.post(reverse("notifications:read"))
    assert unread_count_for(user=case_manager) == 0
    assert "Mark all as read" not in client.get(reverse("notifications:list")).content.decode()


def test_mark_read_touches_only_the_readers_own(
    learner: LearnerProfile, case_manager: User, make_staff: Callable[..., User]
) -> None:
    other_learner_note_count = Notification.objects.filter(recipient=case_manager).count()
    assert notifications_mark_read(user=learner.user) == 0
    assert unread_count_for(user=case_manager) == other_learner_note_count


def test_empty_state(signed_in: Callable, make_staff: Callable[..., User]) -> None:
    page = signed_in(make_staff(Role.TEACHER, "mo.t")).get(reverse("notifications:list"))
    assert "No messages yet." in page.content.decode()


def test_reactivation_with_a_new_code_notifies_again(
    learner: LearnerProfile, case_manager: User
) -> None:
    issued = account_services.activation_code_issue(issued_by=case_manager, user=learner.user)
    account_services.account_activate(
        activation_code_id=issued.record.pk, kind=SecretKind.PIN, secret="135790"
    )
    assert Notification.objects.filter(recipient=case_manager).count() == 2
