"""The learner's and the case manager's trajectory screens, the public proof and the JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learner.profiles.models import LearnerProfile
from learner.trajectory import services
from learner.trajectory.models import (
    Contract,
    ContractProof,
    DeclarationAcknowledgement,
    EmploymentServiceRegistration,
    ExamSession,
    MoCourse,
    RuleSet,
)
from learner.trajectory.models.facts import MoCourseKind
from portal.accounts.models import Municipality, Role, User


@pytest.fixture(autouse=True)
def _english(settings: object) -> None:
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]


@pytest.fixture
def staff_language() -> str:
    return "en"


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_without_a_contract_the_timeline_says_what_comes_next(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(learner.user).get(reverse("trajectory:timeline"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Your contract is not signed yet" in page.content.decode()


def test_the_timeline_shows_each_pillar_with_status_deadline_and_what_counts(
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    signed = timezone.localdate() - timedelta(days=10)
    sign_contract(learner, signed_on=signed, richttermijn=signed + timedelta(days=365))
    services.fact_record(
        learner=learner,
        fact=MoCourse(kind=MoCourseKind.COURSE, started_on=signed),
        actor=case_manager,
    )
    client = signed_in(learner.user)
    page = client.get(reverse("trajectory:timeline")).content.decode()
    for text in (
        "Civic orientation (MO)",
        "In progress",
        "Dutch (NT2)",
        "level A2. Going to class alone does not count.",
        "You register with VDAB",
        "40 hours of participation",
        "The four parts run at the same time.",
        "You get the attest when all four parts are done.",
    ):
        assert text in page
    assert page.count('class="pillar') == 4
    # Residence or protection status never reaches the learner's screens.
    for private in ("foreigners", "Foreigners' register", "protection status"):
        assert private not in page


def test_fees_show_each_line_with_its_reason_and_no_reimbursement(
    make_learner: Callable[..., LearnerProfile],
    schaarbeek: Municipality,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    profile = make_learner(
        "INB-0100", case_manager=case_manager, municipality=schaarbeek, pin="482915"
    )
    sign_contract(profile)
    services.fact_record(
        learner=profile,
        fact=MoCourse(kind=MoCourseKind.COURSE, started_on=date(2026, 2, 1)),
        actor=case_manager,
    )
    page = signed_in(profile.user).get(reverse("trajectory:fees")).content.decode()
    assert "Free: you live in the Brussels-Capital Region" in page
    assert "€ 0.00" in page
    assert "There is no refund of travel or other costs" in page


def test_the_declaration_is_read_beside_dutch_then_acknowledged_and_signed(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(learner.user)
    client.cookies["django_language"] = "ar"
    page = client.get(reverse("trajectory:declaration")).content.decode()
    assert "إعلان الحقوق والواجبات الأساسية" in page
    assert "Verklaring van de essentiële rechten en plichten" in page
    missing_tick = client.post(reverse("trajectory:declaration"), {"signed_name": "Amal"})
    assert missing_tick.status_code == 400
    assert not DeclarationAcknowledgement.objects.exists()
    client.post(reverse("trajectory:declaration"), {"read": "yes", "signed_name": "Amal Haddad"})
    acknowledgement = DeclarationAcknowledgement.objects.get()
    assert acknowledgement.language == "ar"
    assert acknowledgement.signed_name == "Amal Haddad"


def test_a_language_without_the_text_falls_back_to_dutch_and_says_so(
    make_learner: Callable[..., LearnerProfile], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_learner("INB-0200", language="ti").user)
    client.cookies["django_language"] = "ti"
    page = client.get(reverse("trajectory:declaration")).content.decode()
    assert "Verklaring van de essentiële rechten en plichten" in page
    assert page.count('<section class="card"') == 1


def test_the_qr_proof_verifies_publicly_and_reveals_nothing_else(
    learner: LearnerProfile,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    today = timezone.localdate()
    sign_contract(
        learner, signed_on=today - timedelta(days=30), richttermijn=today + timedelta(days=30)
    )
    client = signed_in(learner.user)
    page = client.get(reverse("trajectory:proof")).content.decode()
    assert "<svg" in page
    token = ContractProof.objects.get(learner=learner).token
    url = reverse("trajectory_public:verify", args=[token])
    assert url in page
    public = english(Client()).get(url)
    body = public.content.decode()
    assert public.status_code == 200
    assert 'data-valid="yes"' in body
    for secret in (learner.dossier_number, "Amal", "Haddad", learner.municipality.name, "Leuven"):
        assert secret not in body
    assert public["Cache-Control"].startswith("max-age=0")
    # A new code voids the old one.
    client.post(reverse("trajectory:proof"), {"renew": "yes"})
    stale = english(Client()).get(url)
    assert stale.status_code == 404
    assert 'data-valid="no"' in stale.content.decode()


def test_the_proof_says_not_valid_after_the_richttermijn(
    learner: LearnerProfile,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    sign_contract(learner, signed_on=date(2024, 1, 10), richttermijn=date(2025, 1, 10))
    signed_in(learner.user).get(reverse("trajectory:proof"))
    token = ContractProof.objects.get(learner=learner).token
    body = english(Client()).get(reverse("trajectory_public:verify", args=[token])).content.decode()
    assert 'data-valid="no"' in body


def test_case_manager_records_a_fact_and_sees_the_refusal_in_words(
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    client = signed_in(case_manager)
    url = reverse("trajectory_staff:record", args=[learner.dossier_number, "examsession"])
    refused = client.post(url, {"kind": "mo_exemption", "session_on": "2026-03-01"})
    assert refused.status_code == 400
    assert "There is no signed contract yet." in refused.content.decode()
    sign_contract(learner)
    refused = client.post(
        url, {"kind": "mo_exemption", "session_on": "2026-03-01", "location": "Gent"}
    )
    body = refused.content.decode()
    assert "only after a screening" in body
    assert 'value="Gent"' in body  # nothing typed is lost
    saved = client.post(url, {"kind": "mo", "session_on": "2026-03-01", "location": "Leuven"})
    assert saved.status_code == 302
    session = ExamSession.objects.get()
    result = reverse("trajectory_staff:exam_result", args=[learner.dossier_number, session.pk])
    assert client.post(result, {"outcome": "passed", "level": ""}).status_code == 302
    dossier = client.get(reverse("profiles:learner_detail", args=[learner.dossier_number]))
    text = dossier.content.decode()
    assert "Test result recorded" in text
    assert "Source: Portal" in text


def test_staff_sign_a_contract_only_with_the_declaration_signed(
    learner: LearnerProfile, case_manager: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(case_manager)
    number = learner.dossier_number
    client.post(
        reverse("trajectory_staff:eligibility", args=[number]),
        {"register": "foreigners", "protection": "none"},
    )
    page = client.post(
        reverse("trajectory_staff:contract", args=[number]),
        {"signed_on": "2026-02-01", "richttermijn": "2027-02-01"},
    )
    assert page.status_code == 400
    assert "has not yet read and confirmed the declaration" in page.content.decode()


def test_caseload_shows_pillars_and_filters_by_deadline_and_signals(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    today = timezone.localdate()
    # Registration due in 5 days (2 months after signing).
    soon = make_learner("INB-0002", case_manager=case_manager)
    signed = today - timedelta(days=55)
    sign_contract(soon, signed_on=signed, richttermijn=signed + timedelta(days=700))
    late = make_learner("INB-0003", case_manager=case_manager)
    sign_contract(late, signed_on=date(2024, 1, 1), richttermijn=date(2025, 1, 1))
    client = signed_in(case_manager)
    url = reverse("profiles:learner_list")
    everyone = client.get(url).content.decode()
    assert "INB-0001" in everyone
    assert "No contract yet" in everyone
    due = client.get(url, {"due": "14"}).content.decode()
    assert "INB-0002" in due
    assert "INB-0003" not in due
    flagged = client.get(url, {"signals": "open"}).content.decode()
    assert "INB-0003" in flagged
    assert "INB-0002" not in flagged


def test_staff_decide_a_suspension_and_issue_the_attest_from_the_dossier(
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    sign_contract(learner)
    client = signed_in(case_manager)
    number = learner.dossier_number
    client.post(
        reverse("trajectory_staff:record", args=[number, "suspension"]),
        {
            "reason": "medical",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-10",
            "evidence": "Letter",
        },
    )
    dossier = client.get(reverse("profiles:learner_detail", args=[number])).content.decode()
    assert "Waiting for a decision" in dossier
    from learner.trajectory.models import Suspension

    suspension = Suspension.objects.get()
    client.post(
        reverse("trajectory_staff:decide", args=[number, "suspension", suspension.pk]),
        {"approve": "yes"},
    )
    suspension.refresh_from_db()
    assert suspension.status == "approved"
    refused = client.post(reverse("trajectory_staff:attest", args=[number]), follow=True)
    assert "Not every pillar is met yet." in refused.content.decode()


def test_advice_is_staff_only_and_the_learner_sees_when_it_was_sent(
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    sign_contract(learner)
    signed_in(case_manager).post(reverse("trajectory_staff:advice", args=[learner.dossier_number]))
    page = signed_in(learner.user).get(reverse("trajectory:timeline")).content.decode()
    assert "sent its advice about your trajectory to the Immigration Office on" in page


def test_admin_plans_a_rule_set_and_cannot_change_one_in_force(
    make_staff: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    admin = make_staff(Role.AGENCY_ADMIN, "admin")
    client = signed_in(admin)
    in_force = RuleSet.objects.get()
    form = client.get(reverse("trajectory_staff:rule_set_new")).context["form"]
    data = {name: value for name, value in form.initial.items()}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["effective_from"] = (timezone.localdate() + timedelta(days=60)).isoformat()
    data["mo_course_fee"] = "100"
    assert client.post(reverse("trajectory_staff:rule_set_new"), data).status_code == 302
    assert RuleSet.objects.count() == 2
    data["effective_from"] = in_force.effective_from.isoformat()
    refused = client.post(reverse("trajectory_staff:rule_set_edit", args=[in_force.pk]), data)
    assert refused.status_code == 400
    in_force.refresh_from_db()
    assert in_force.mo_course_fee == 90


def test_the_json_carries_the_state_and_no_residence_status(
    learner: LearnerProfile,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    sign_contract(learner)
    data = signed_in(learner.user).get(reverse("api:own_trajectory")).json()
    assert [p["pillar"] for p in data["pillars"]] == ["mo", "nt2", "work", "participation"]
    assert data["contract"]["rule_set_from"] == "2022-01-01"
    text = str(data).lower()
    for private in ("register", "protection", "nationality", "foreigners", "asylum"):
        assert private not in text


def test_staff_ask_where_a_learner_will_stand_on_a_given_day(
    learner: LearnerProfile,
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    sign_contract(learner, signed_on=date(2026, 1, 31), richttermijn=date(2027, 1, 31))
    services.fact_record(
        learner=learner,
        fact=EmploymentServiceRegistration(service="vdab", registered_on=date(2026, 3, 1)),
        actor=case_manager,
    )
    url = reverse("api:learner_trajectory", args=[learner.dossier_number])
    client = signed_in(case_manager)
    before = client.get(url, {"as_of": "2026-02-15"}).json()
    after = client.get(url, {"as_of": "2026-03-15"}).json()
    work = {
        d["as_of"]: next(p for p in d["pillars"] if p["pillar"] == "work") for d in (before, after)
    }
    assert work["2026-02-15"]["status"] == "open"
    assert work["2026-03-15"]["status"] == "met"
    assert client.get(url, {"as_of": "soon"}).status_code == 400


def test_the_openapi_schema_documents_the_trajectory(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    schema = signed_in(learner.user).get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/staff/learners/{dossier_number}/trajectory/" in schema["paths"]
    assert "Trajectory" in schema["components"]["schemas"]


def test_home_timeline_dossier_and_caseload_stay_within_the_query_budget(
    learner: LearnerProfile,
    make_learner: Callable[..., LearnerProfile],
    case_manager: User,
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Callable,
) -> None:
    sign_contract(learner)
    for kind in (MoCourseKind.COURSE, MoCourseKind.REPEAT):
        services.fact_record(
            learner=learner,
            fact=MoCourse(kind=kind, started_on=date(2026, 2, 1)),
            actor=case_manager,
        )
    for n in range(12):
        sign_contract(make_learner(f"INB-1{n:03d}", case_manager=case_manager))
    learner_client = signed_in(learner.user)
    for url in (
        reverse("shell:home"),
        reverse("trajectory:timeline"),
        reverse("trajectory:fees"),
        reverse("api:own_trajectory"),
    ):
        with django_assert_max_num_queries(10):
            assert learner_client.get(url).status_code == 200
    staff = signed_in(case_manager)
    for url in (
        reverse("profiles:learner_list"),
        reverse("profiles:learner_detail", args=[learner.dossier_number]),
    ):
        with django_assert_max_num_queries(10):
            assert staff.get(url).status_code == 200


def test_enforcement_data_and_protection_status_stay_with_the_agency(
    learner: LearnerProfile,
    case_manager: User,
    leuven: Municipality,
    make_staff: Callable[..., User],
    sign_contract: Callable[..., Contract],
    signed_in: Callable[[User], Client],
) -> None:
    # Signed long ago with nothing registered: late-registration signals are open.
    sign_contract(learner, signed_on=date(2024, 1, 31), richttermijn=date(2025, 1, 31))
    dossier = reverse("profiles:learner_detail", args=[learner.dossier_number])
    api = reverse("api:learner_trajectory", args=[learner.dossier_number])
    agency_page = signed_in(case_manager).get(dossier).content.decode()
    assert "Signals to the agency (enforcement)" in agency_page
    assert "Foreigners&#x27; register" in agency_page
    assert signed_in(case_manager).get(api).json()["signals"]
    coordinator = signed_in(make_staff(Role.COORDINATOR, "coord", municipality=leuven))
    page = coordinator.get(dossier).content.decode()
    assert "Signals to the agency (enforcement)" not in page
    assert "Signal raised" not in page
    assert "Foreigners&#x27; register" not in page
    assert coordinator.get(api).json()["signals"] == []
