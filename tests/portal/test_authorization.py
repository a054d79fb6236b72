"""Every URL x every role → the status we expect. A new URL without a row fails this test.

Roles are real accounts in two agencies: a learner and their case manager, a case manager of
someone else, the coordinator of the learner's municipality, admins of both agencies, a teacher,
a buddy, a site operator, a staff member who has not passed the second factor, and anonymous.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Agency, Municipality, Role, User
from tests.conftest import PASSWORD

ROLES = (
    "anonymous",
    "learner",
    "other_learner",
    "teacher",
    "buddy",
    "case_manager",
    "other_case_manager",
    "coordinator",
    "agency_admin",
    "foreign_admin",
    "operator",
    "unverified_staff",
)
DOSSIER = "INB-0001"


def every(status: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, status)
    table.update(overrides)
    return table


STAFF_ONLY_302 = {"anonymous": 302, "unverified_staff": 302}
# The site operator is a superuser without an agency: the admin site, but no learner in scope.

LEARNER_ONLY = every(403, **STAFF_ONLY_302, learner=200, other_learner=200)
ACTING_ON_DOSSIER = every(
    403,
    **STAFF_ONLY_302,
    case_manager=200,
    agency_admin=200,
    other_case_manager=404,
    foreign_admin=404,
    operator=404,
)
ADMINS_ONLY = every(403, **STAFF_ONLY_302, agency_admin=200, foreign_admin=200, operator=200)

# name → (method, args, expected status per role)
EXPECTED: dict[str, tuple[str, list[str], dict[str, int]]] = {
    "shell:home": ("GET", [], every(200, anonymous=302, unverified_staff=302)),
    "shell:healthz": ("GET", [], every(200)),
    "shell:language": ("GET", [], every(200)),
    "shell:offline": ("GET", [], every(200)),
    "shell:service_worker": ("GET", [], every(200)),
    "shell:manifest": ("GET", [], every(200)),
    "notifications:list": ("GET", [], every(200, anonymous=302, unverified_staff=302)),
    "notifications:read": ("POST", [], every(302)),
    # This phone's Web Push subscription (JSON): an empty post is refused with the reason (400).
    **{
        f"notifications:{name}": ("POST", [], every(400, anonymous=302, unverified_staff=302))
        for name in ("push_subscribe", "push_unsubscribe")
    },
    "accounts:login": ("GET", [], every(302, anonymous=200, unverified_staff=302)),
    "accounts:logout": ("POST", [], every(200)),
    "accounts:second_factor": ("GET", [], every(302, unverified_staff=200)),
    "accounts:activate": ("GET", [], every(200, unverified_staff=302)),
    "accounts:activate_secret": ("GET", [], every(302)),
    "accounts:activation_letter": (
        "POST",
        [DOSSIER],
        every(
            403,
            **STAFF_ONLY_302,
            case_manager=200,
            agency_admin=200,
            other_case_manager=404,
            foreign_admin=404,
            operator=404,
        ),
    ),
    "profiles:learner_list": (
        "GET",
        [],
        every(
            403,
            **STAFF_ONLY_302,
            case_manager=200,
            other_case_manager=200,
            coordinator=200,
            agency_admin=200,
            foreign_admin=200,
            operator=200,
        ),
    ),
    "profiles:learner_detail": (
        "GET",
        [DOSSIER],
        every(
            403,
            **STAFF_ONLY_302,
            case_manager=200,
            coordinator=200,
            agency_admin=200,
            other_case_manager=404,
            foreign_admin=404,
            operator=404,
        ),
    ),
    "set_language": ("POST", [], every(302)),
    **{
        f"trajectory:{name}": ("GET", [], LEARNER_ONLY)
        for name in ("timeline", "fees", "declaration", "proof")
    },
    # An unknown code: the same "not valid" page for everyone (unverified staff finish sign-in).
    "trajectory_public:verify": ("GET", ["unknown"], every(404, unverified_staff=302)),
    # Sharing by link and the exported PDF's check: no sign-in, and an unknown link or code gets
    # the same "does not work" page for everyone (unverified staff finish sign-in first).
    **{
        f"portfolio_{name}": ("GET", args, every(404, unverified_staff=302))
        for name, args in (
            ("shared:view", ["unknown"]),
            ("shared:file", ["unknown", "1"]),
            ("verify:verify", ["unknown"]),
        )
    },
    # The learner's shares and PDF; share 1 does not exist (404, never someone else's).
    **{
        f"portfolio_sharing:{name}": ("GET", [], LEARNER_ONLY)
        for name in ("shares", "share_new", "export")
    },
    "portfolio_sharing:share_revoke": (
        "POST",
        ["1"],
        every(403, **STAFF_ONLY_302, learner=404, other_learner=404),
    ),
    **{
        f"trajectory_staff:{name}": ("GET", [DOSSIER], ACTING_ON_DOSSIER)
        for name in ("eligibility", "contract", "deadline", "referral")
    },
    "trajectory_staff:record": ("GET", [DOSSIER, "mocourse"], ACTING_ON_DOSSIER),
    # No such session or request: in scope 404 as well.
    "trajectory_staff:exam_result": (
        "GET",
        [DOSSIER, "999"],
        {**ACTING_ON_DOSSIER, "case_manager": 404, "agency_admin": 404},
    ),
    "trajectory_staff:decide": (
        "POST",
        [DOSSIER, "exemption", "999"],
        {**ACTING_ON_DOSSIER, "case_manager": 404, "agency_admin": 404},
    ),
    # Refused by the rules (no contract yet): back to the dossier with the reason.
    "trajectory_staff:attest": (
        "POST",
        [DOSSIER],
        {**ACTING_ON_DOSSIER, "case_manager": 302, "agency_admin": 302},
    ),
    "trajectory_staff:advice": (
        "POST",
        [DOSSIER],
        {**ACTING_ON_DOSSIER, "case_manager": 302, "agency_admin": 302},
    ),
    "trajectory_staff:rule_sets": ("GET", [], ADMINS_ONLY),
    "trajectory_staff:rule_set_new": ("GET", [], ADMINS_ONLY),
    "trajectory_staff:rule_set_edit": ("GET", ["1"], ADMINS_ONLY),
    "backoffice_staff:webhooks": ("GET", [], {**ADMINS_ONLY, "operator": 404}),
    **{
        f"backoffice_staff:{name}": (
            "POST",
            [],
            {**ADMINS_ONLY, "agency_admin": 302, "foreign_admin": 302, "operator": 404},
        )
        for name in ("secret_rotate", "redeliver")
    },
    "participation:home": ("GET", [], LEARNER_ONLY),
    "participation:confirm": ("GET", [], every(403, **STAFF_ONLY_302, buddy=200)),
    "participation:coordinate": ("GET", [], every(403, **STAFF_ONLY_302, coordinator=200)),
    "participation:proof": ("GET", [], LEARNER_ONLY),
    "participation:proof_of": (
        "GET",
        [DOSSIER],
        {**ACTING_ON_DOSSIER, "coordinator": 200},
    ),
    # Signed-in people reach the outbox endpoint; a form post instead of JSON is refused (415).
    **{
        f"sync:{name}": ("POST", [], every(415, anonymous=403, unverified_staff=302))
        for name in ("commands", "device_keys")
    },
    # The JSON API answers 403 to anonymous callers (no login page to send them to).
    "api:own_trajectory": ("GET", [], {**LEARNER_ONLY, "anonymous": 403}),
    "api:learner_trajectory": (
        "GET",
        [DOSSIER],
        every(
            403,
            unverified_staff=302,
            case_manager=200,
            coordinator=200,
            agency_admin=200,
            other_case_manager=404,
            foreign_admin=404,
            operator=404,
        ),
    ),
    # The back-office API knows bearer tokens only: every session is "not authenticated".
    **{
        f"backoffice:{name}": (method, args, every(401, unverified_staff=302))
        for name, method, args in (
            ("ingest", "POST", []),
            ("changes", "GET", []),
            ("learner_trajectory", "GET", [DOSSIER]),
            ("slots", "POST", []),
        )
    },
    # The API contract is public, like any published API description.
    "api:schema": ("GET", [], every(200, unverified_staff=302)),
    # Lessons: learners study published lessons (lesson 1 does not exist: 404 for them, never a
    # foreign lesson); teachers author and run groups (object 1 is not theirs: 404).
    "lessons:home": ("GET", [], LEARNER_ONLY),
    "lessons:interests": ("GET", [], LEARNER_ONLY),
    **{
        f"lessons:{name}": (
            method,
            ["1"],
            every(403, **STAFF_ONLY_302, learner=404, other_learner=404),
        )
        for name, method in (("lesson", "GET"), ("pack", "GET"), ("practice", "POST"))
    },
    # Sent without JavaScript through the outbox's write path: refused with a message, back.
    "lessons:studied": (
        "POST",
        ["1"],
        every(403, **STAFF_ONLY_302, learner=302, other_learner=302),
    ),
    **{
        f"lessons:{name}": ("GET", [], every(403, **STAFF_ONLY_302, teacher=200))
        for name in ("teach", "library", "group_new")
    },
    **{
        f"lessons:{name}": ("GET", args, every(403, **STAFF_ONLY_302, teacher=404))
        for name, args in (
            ("course", ["1"]),
            ("course_translate", ["1", "ar"]),
            ("edit", ["1"]),
            ("translate", ["1", "ar"]),
            ("preview", ["1", "ar"]),
            ("group", ["1"]),
            ("attendance", ["1"]),
        )
    },
    # Uploaded media: for every signed-in person; a name no picture or recording has is 404.
    # (200 for a stored file, for a learner and staff: tests/portal/media/test_views.py.)
    "media:file": (
        "GET",
        ["images/00000000-0000-4000-8000-000000000000/360.webp"],
        every(404, anonymous=302, unverified_staff=302),
    ),
    # The admin site as a whole: only site operators (behind their second factor) get in.
    "admin:index": ("GET", [], every(302, operator=200)),
    # Appointments in the learner's calendar app: booking 1 does not exist (404 for learners,
    # never someone else's); the feed knows no sign-in, an unknown address is 404 for everyone
    # (staff who have not passed the second factor finish sign-in first, as everywhere).
    "appointments:booking_ics": (
        "GET",
        ["1"],
        every(403, **STAFF_ONLY_302, learner=404, other_learner=404),
    ),
    "appointments:calendar": ("GET", [], LEARNER_ONLY),
    "appointments:feed": ("GET", ["unknown"], every(404, unverified_staff=302)),
    # Learners book with their own case manager and the desk; booking 1 is nobody's (404).
    "appointments:home": ("GET", [], LEARNER_ONLY),
    "appointments:book": ("GET", [], LEARNER_ONLY),
    "appointments:booking": (
        "GET",
        ["1"],
        every(403, **STAFF_ONLY_302, learner=404, other_learner=404),
    ),
    # No kind of appointment chosen: nothing to wait for.
    "appointments:waitlist": (
        "POST",
        [],
        every(403, **STAFF_ONLY_302, learner=404, other_learner=404),
    ),
    # Case managers keep their own agenda and the desk; admins every agenda of their agency.
    # The site operator has no agency: an empty agenda, and no hours to keep.
    **{
        f"appointments:{name}": (
            "GET",
            [],
            every(
                403,
                **STAFF_ONLY_302,
                case_manager=200,
                other_case_manager=200,
                agency_admin=200,
                foreign_admin=200,
                operator=operator,
            ),
        )
        for name, operator in (("agenda", 200), ("hours", 404))
    },
    "appointments:staff_booking": (
        "GET",
        ["1"],
        every(
            403,
            **STAFF_ONLY_302,
            case_manager=404,
            other_case_manager=404,
            agency_admin=404,
            foreign_admin=404,
            operator=404,
        ),
    ),
    # The learner's portfolio: item and file 1 do not exist (404 for learners, never someone
    # else's); the data export answers with the learner's ZIP.
    "portfolio:home": ("GET", [], LEARNER_ONLY),
    "portfolio:access": ("GET", [], LEARNER_ONLY),
    "portfolio:data_export": ("POST", [], LEARNER_ONLY),
    # No kind chosen: back to the portfolio.
    "portfolio:item_new": ("GET", [], {**LEARNER_ONLY, "learner": 302, "other_learner": 302}),
    **{
        f"portfolio:{name}": (method, ["1"], {**LEARNER_ONLY, "learner": 404, "other_learner": 404})
        for name, method in (
            ("item", "GET"),
            ("item_delete", "POST"),
            ("attachment_add", "POST"),
            ("recognition", "POST"),
            ("attachment_delete", "POST"),
        )
    },
    # A portfolio file: its owner and the staff following them (file 1 is nobody's: 404).
    "portfolio:file": (
        "GET",
        ["1"],
        {
            **ACTING_ON_DOSSIER,
            "learner": 404,
            "other_learner": 404,
            "case_manager": 404,
            "agency_admin": 404,
        },
    ),
    # Read-only for the case manager and the agency's admins; coordinators have no need of it.
    "portfolio:staff_portfolio": ("GET", [DOSSIER], ACTING_ON_DOSSIER),
    # The action plan: the learner's own; staff on the plan's other side for learners in their
    # scope (coordinators read dossiers, not coaching plans). Goal 1 does not exist: 404.
    "plan:home": ("GET", [], LEARNER_ONLY),
    "plan:goal": ("GET", ["1"], every(403, **STAFF_ONLY_302, learner=404, other_learner=404)),
    "plan:learner": ("GET", [DOSSIER], ACTING_ON_DOSSIER),
    "plan:learner_goal": (
        "GET",
        [DOSSIER, "1"],
        {**ACTING_ON_DOSSIER, "case_manager": 404, "agency_admin": 404},
    ),
}


def _named_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if inner == "admin":
                    names.add("admin:index")
                    continue
                walk(
                    entry.url_patterns,
                    f"{namespace}:{entry.namespace}" if namespace and entry.namespace else inner,
                )
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_route_has_a_row() -> None:
    assert _named_routes() == set(EXPECTED), "Add the new URL to EXPECTED with a status per role."


@pytest.fixture
def people(
    make_staff: Callable[..., User],
    make_learner: Callable[..., LearnerProfile],
    other_agency: Agency,
    leuven: Municipality,
    schaarbeek: Municipality,
) -> dict[str, User | None]:
    case_manager = make_staff(Role.CASE_MANAGER, "tb.own")
    other_case_manager = make_staff(Role.CASE_MANAGER, "tb.other")
    learner = make_learner(DOSSIER, case_manager=case_manager, pin="482915")
    other = make_learner(
        "INB-0002", case_manager=other_case_manager, pin="482915", municipality=schaarbeek
    )
    operator = User.objects.create_superuser(
        username="operator", password=PASSWORD, role=Role.AGENCY_ADMIN
    )
    return {
        "anonymous": None,
        "learner": learner.user,
        "other_learner": other.user,
        "teacher": make_staff(Role.TEACHER, "mo.teacher"),
        "buddy": make_staff(Role.BUDDY, "buddy"),
        "case_manager": case_manager,
        "other_case_manager": other_case_manager,
        "coordinator": make_staff(Role.COORDINATOR, "coord", municipality=leuven),
        "agency_admin": make_staff(Role.AGENCY_ADMIN, "admin.own"),
        "foreign_admin": make_staff(Role.AGENCY_ADMIN, "admin.other", agency=other_agency),
        "operator": operator,
        "unverified_staff": make_staff(Role.CASE_MANAGER, "tb.unverified"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_route_answers_each_role_as_expected(
    route: str, people: dict[str, User | None], signed_in: Callable[[User], Client]
) -> None:
    method, args, expected = EXPECTED[route]
    url = reverse(route, args=args)
    actual = {}
    for role in ROLES:
        user = people[role]
        if user is None:
            client = Client()
        elif role == "unverified_staff":
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        else:
            client = signed_in(user)
        response = client.post(url) if method == "POST" else client.get(url)
        actual[role] = response.status_code
    assert actual == expected
