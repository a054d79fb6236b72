"""WCAG 2.2 AA in Chromium: every screen of every role passes axe-core in Dutch, Arabic
(right-to-left) and Tigrinya; a learner does the core tasks with the keyboard alone; the core
screens still fit a phone with the text at 200%.

The screens are those of the authorization matrix (tests/portal/test_authorization.py) that
answer a role with a page, opened on the demo data (`manage.py demo_data`), loaded once for the
module, plus the few objects the demo has none of (portfolio items, a share, an export, a goal).
"""

from __future__ import annotations

import importlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from learner.appointments.models import Booking, BookingStatus
from learner.lessons.models import ContactSession, Course, Group, Lesson
from learner.participation.models import HourEntry
from learner.plan.models import Domain
from learner.plan.services import items as plan_items
from learner.profiles.models import LearnerProfile
from learner.trajectory import services as trajectory_services
from learner.trajectory.models import ExamSession
from learner.trajectory.models.facts import ExamOutcome
from portal.accounts import services as account_services
from portal.accounts.models import User
from portfolio.models import Item, Kind
from portfolio.sharing import rules as sharing_rules
from portfolio.sharing import selectors as sharing_selectors
from portfolio.sharing import services as sharing_services
from portfolio.sharing import verification
from portfolio.sharing.links import link_token
from tests.browser.test_shell import AXE, sign_in
from tests.conftest import verify_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["nl", "ar", "ti"]
LEARNER = "INB-2026-0001"  # Amal: hours, a booking, lessons, buddies, an exam in the demo
PENDING = "INB-2026-0007"  # not activated: the activation screens and letter
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass(frozen=True)
class Demo:
    booking: int
    goal: int
    item: int
    diploma: int
    share_token: str
    export_code: str
    proof_token: str
    activation_code: str
    exam_session: int | None
    course: int
    lesson: int
    group: int
    session: int


@pytest.fixture
def demo(transactional_db: None) -> Demo:
    """The demo data (`manage.py demo_data`) and the few objects it has none of.

    Earlier transactional tests flushed the data migrations' rows, which the demo needs, so they
    are put back first.
    """
    importlib.import_module(
        "learner.trajectory.migrations.0002_first_rule_set_and_declaration"
    ).seed(django_apps, None)
    importlib.import_module("portal.accounts.migrations.0002_brussels_municipalities").add_brussels(
        django_apps, None
    )
    call_command("demo_data", stdout=io.StringIO())
    return _extras()


def _extras() -> Demo:
    amal = LearnerProfile.objects.select_related("user").get(dossier_number=LEARNER)
    case_manager = User.objects.get(username="tb.an")
    item = Item.objects.create(
        learner=amal, kind=Kind.WORK_EXPERIENCE, title="Lasser, Aleppo", place="Aleppo"
    )
    diploma = Item.objects.create(learner=amal, kind=Kind.DIPLOMA, title="Elektricien")
    share = sharing_services.share_create(
        learner=amal,
        recipient_kind="employer",
        recipient_name="Metaal NV",
        item_ids=[item.pk, diploma.pk],
        days=7,
    )
    refs = [sharing_rules.statement_ref(s) for s in sharing_selectors.certified_statements(amal)]
    export = sharing_services.export_create(learner=amal, refs=refs, language="nl")
    goal = plan_items.goal_propose(
        learner=amal, actor=amal.user, domain=Domain.WORK, framework_code="work_vdab"
    )
    plan_items.action_propose(
        goal=goal, actor=case_manager, text="Make an account on vdab.be", due_on=date(2026, 9, 1)
    )
    pending = User.objects.get(username=PENDING)
    issued = account_services.activation_code_issue(issued_by=case_manager, user=pending)
    planned = ExamSession.objects.filter(
        learner__dossier_number=LEARNER, outcome=ExamOutcome.PLANNED
    ).first()
    return Demo(
        booking=Booking.objects.filter(learner=amal, status=BookingStatus.BOOKED).earliest("pk").pk,
        goal=goal.pk,
        item=item.pk,
        diploma=diploma.pk,
        share_token=link_token(share),
        export_code=verification.code_for(export),
        proof_token=trajectory_services.contract_proof_for(learner=amal, renew=False).token,
        activation_code=issued.code,
        exam_session=planned.pk if planned else None,
        course=Course.objects.get().pk,
        lesson=Lesson.objects.earliest("pk").pk,
        group=Group.objects.get().pk,
        session=ContactSession.objects.earliest("pk").pk,
    )


def learner_screens(demo: Demo) -> list[str]:
    return [
        "/",
        "/language/?next=/",
        "/notifications/",
        "/trajectory/",
        "/trajectory/fees/",
        "/trajectory/declaration/",
        "/trajectory/proof/",
        "/participation/",
        "/lessons/",
        "/lessons/interests/",
        f"/lessons/{demo.lesson}/",
        "/appointments/",
        "/appointments/book/",
        f"/appointments/{demo.booking}/",
        "/appointments/calendar/",
        "/plan/",
        f"/plan/goals/{demo.goal}/",
        "/portfolio/",
        "/portfolio/access/",
        f"/portfolio/new/?kind={Kind.COMPETENCE}",
        f"/portfolio/items/{demo.item}/",
        f"/portfolio/items/{demo.diploma}/",
        "/portfolio/shares/",
        "/portfolio/shares/new/",
        "/portfolio/export/",
        "/staff/learners/",  # the 403 page
        "/no-such-page/",  # the 404 page
    ]


def dossier_screens(demo: Demo) -> list[str]:
    """What a case manager (and an agency admin) opens about one learner."""
    screens = [
        "/",
        "/notifications/",
        "/staff/learners/",
        f"/staff/learners/{LEARNER}/",
        f"/staff/learners/{PENDING}/",
        *(
            f"/staff/learners/{LEARNER}/{name}/"
            for name in ("eligibility", "contract", "deadline", "referral")
        ),
        f"/staff/learners/{LEARNER}/record/mocourse/",
        f"/staff/learners/{LEARNER}/record/suspension/",
        f"/plan/learners/{LEARNER}/",
        f"/plan/learners/{LEARNER}/goals/{demo.goal}/",
        f"/portfolio/learners/{LEARNER}/",
        "/appointments/agenda/",
        "/appointments/agenda/hours/",
        f"/appointments/agenda/bookings/{demo.booking}/",
    ]
    if demo.exam_session is not None:
        screens.append(f"/staff/learners/{LEARNER}/exam/{demo.exam_session}/result/")
    return screens


def role_screens(role: str, demo: Demo) -> list[str]:
    if role == "learner":
        return learner_screens(demo)
    if role == "case_manager":
        return dossier_screens(demo)
    if role == "agency_admin":
        return [
            *dossier_screens(demo),
            "/staff/rule-sets/",
            "/staff/rule-sets/new/",
            "/staff/rule-sets/1/",
            "/staff/webhooks/",
        ]
    if role == "coordinator":
        return [
            "/",
            "/notifications/",
            "/staff/learners/",
            f"/staff/learners/{LEARNER}/",
            "/participation/coordinate/",
            "/lessons/",  # the 403 page, in a staff member's shell
        ]
    if role == "teacher":
        return [
            "/",
            "/notifications/",
            "/lessons/teach/",
            "/lessons/teach/library/",
            "/lessons/teach/groups/new/",
            f"/lessons/teach/courses/{demo.course}/",
            f"/lessons/teach/courses/{demo.course}/translate/ar/",
            f"/lessons/teach/lessons/{demo.lesson}/",
            f"/lessons/teach/lessons/{demo.lesson}/translate/ar/",
            f"/lessons/teach/lessons/{demo.lesson}/preview/ar/",
            f"/lessons/teach/groups/{demo.group}/",
            f"/lessons/teach/sessions/{demo.session}/attendance/",
        ]
    if role == "buddy":
        return ["/", "/notifications/", "/participation/confirm/"]
    # Anonymous: sign-in, the public pages and what an unknown link shows.
    return [
        "/language/?next=/login/",
        "/login/",
        "/activate/",
        "/offline/",
        f"/shared/{demo.share_token}/",
        "/shared/unknown/",
        f"/verify/portfolio/{demo.export_code}/",
        "/verify/portfolio/unknown/",
        f"/verify/{demo.proof_token}/",
        "/verify/unknown/",
        "/no-such-page/",
    ]


STAFF = {
    "case_manager": "tb.an",
    "agency_admin": "admin.agency",
    "coordinator": "coord.leuven",
    "teacher": "mo.marie",
    "buddy": "buddy.jan",
}
ROLES = ["anonymous", "learner", *STAFF]


# axe leaves a reference to a missing element "to review" (incomplete), not a violation: a field
# whose aria-describedby names an error or help text that is not there describes nothing.
BROKEN_REFERENCES = """() => [...document.querySelectorAll(
    '[aria-describedby], [aria-labelledby], [aria-controls], [aria-errormessage], label[for]'
)].flatMap(element => ['aria-describedby', 'aria-labelledby', 'aria-controls',
    'aria-errormessage', 'for'].flatMap(name => (element.getAttribute(name) || '')
    .split(/\\s+/).filter(id => id && !document.getElementById(id))
    .map(id => `${name}=${id} on <${element.localName} id=${element.id}>`)))"""


def axe_violations(page: Page) -> list[str]:
    # Evaluated through the DevTools protocol: the page's strict CSP would refuse an injected tag.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("rules => axe.run(document, {runOnly: rules})", RULES)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ] + [f"broken-reference: {ref}" for ref in page.evaluate(BROKEN_REFERENCES)]


def new_context(browser: Browser, server: str, lang: str) -> BrowserContext:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-BE")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "django_language", "value": lang, "url": server}])
    return context


def sign_in_staff(context: BrowserContext, server: str, username: str) -> None:
    """Signed in with the second factor passed (the sign-in screens are scanned anonymously)."""
    client = Client()
    verify_second_factor(client, User.objects.get(username=username))
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )


class Scan:
    """Visits screens and keeps every violation, so that one failing run lists them all."""

    def __init__(self, page: Page, server: str, lang: str, role: str) -> None:
        self.page, self.server, self.lang, self.role = page, server, lang, role
        self.found: list[str] = []
        self.count = 0

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.server}{path}")
        assert response is not None
        # Error pages are screens too; anything else must open for this role.
        assert response.status in (200, 403, 404), f"{self.role} {path}: {response.status}"
        self.check(path)

    def check(self, label: str) -> None:
        self.page.wait_for_load_state("load")
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        self.count += 1
        self.found += [f"{self.lang} {self.role} {label}: {v}" for v in axe_violations(self.page)]


def scan_role(browser: Browser, server: str, lang: str, role: str, demo: Demo) -> Scan:
    context = new_context(browser, server, lang)
    page = context.new_page()
    scan = Scan(page, server, lang, role)
    try:
        if role == "learner":
            sign_in(page, server, LEARNER)
            # Signing in switches to the learner's own language (Arabic): this run's instead.
            context.add_cookies([{"name": "django_language", "value": lang, "url": server}])
        elif role in STAFF:
            sign_in_staff(context, server, STAFF[role])
        for path in role_screens(role, demo):
            scan.visit(path)
        if role == "anonymous":
            anonymous_flows(scan, demo)
        elif role == "case_manager":
            # The activation letter is the answer to a form post.
            scan.visit(f"/staff/learners/{PENDING}/")
            page.locator("form[action$='/activation-letter/'] button").click()
            scan.check("activation letter")
        elif role == "learner":
            page.locator("form[data-logout] button").click()
            expect(page.locator("form[data-logout]")).to_have_count(0)
            scan.check("logged out")
    finally:
        context.close()
    return scan


def anonymous_flows(scan: Scan, demo: Demo) -> None:
    page = scan.page
    # Activation: the code, then the choice of a PIN (with an error shown).
    page.goto(f"{scan.server}/activate/#d={PENDING}&c={demo.activation_code}")
    page.locator("#activate-form button[type=submit]").click()
    page.locator("input[type=password]").first.wait_for()
    scan.check("activation: choose a PIN")
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill("123456")
    passwords.nth(1).fill("123456")
    page.locator("form button[type=submit]").last.click()
    page.get_by_role("alert").first.wait_for()
    scan.check("activation: PIN too easy")
    # A wrong PIN, then staff reaching their second factor.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": scan.lang, "url": scan.server}])
    page.goto(f"{scan.server}/login/")
    page.locator("#id_username").fill(LEARNER)
    page.locator("#id_password").fill("000000")
    page.locator("form button.primary").click()
    page.get_by_role("alert").first.wait_for()
    scan.check("login: wrong PIN")
    page.locator("#id_username").fill("tb.youssef")
    page.locator("#id_password").fill("demo-portal-2026")
    page.locator("form button.primary").click()
    page.wait_for_url("**/second-factor/**")
    # Signing in switches to the staff member's own language (Dutch): this run's instead.
    page.context.add_cookies([{"name": "django_language", "value": scan.lang, "url": scan.server}])
    page.reload()
    scan.check("second factor: enrol")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_screen_of_every_role_has_no_axe_violations(
    asgi_server: str, browser: Browser, demo: Demo, lang: str
) -> None:
    assert AXE.exists(), "run the README's test command: it installs axe-core"
    found: list[str] = []
    counts = {}
    for role in ROLES:
        scan = scan_role(browser, asgi_server, lang, role, demo)
        found += scan.found
        counts[role] = scan.count
    print(f"screens scanned in {lang}: {counts}")
    assert found == [], "\n".join(found)


# The focused element, and whether a focus indicator is drawn around it (an outline or a ring).
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {key: 'body', visible: true};
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const ring = style.boxShadow !== 'none';
    const key = el.localName + '#' + el.id + '[' + (el.getAttribute('name') || '') + ']'
        + (el.getAttribute('href') || el.getAttribute('value') || el.textContent.slice(0, 30));
    return {key, visible: outline || ring, tag: el.localName};
}"""


class Keyboard:
    """Moves through a page with Tab and Shift+Tab only, checking every focus stop."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def focused(self) -> dict[str, object]:
        focus = self.page.evaluate(FOCUS)
        assert focus["visible"], f"no visible focus indicator on {focus['key']}"
        return focus

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
        """Tab until the element matching ``selector`` has focus; fail if it never does."""
        key = "Shift+Tab" if backwards else "Tab"
        for _step in range(limit):
            self.page.keyboard.press(key)
            self.focused()
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} never got the focus with {key}")

    def assert_not_trapped(self, limit: int = 150) -> None:
        """Tabbing on from here leaves the page's last element and comes round to the first."""
        seen: list[object] = []
        for _step in range(limit):
            self.page.keyboard.press("Tab")
            focus = self.focused()
            if focus["key"] == "body" or (seen and focus["key"] == seen[0]):
                return
            seen.append(focus["key"])
        raise AssertionError(
            f"focus never left the page: stuck among {sorted(set(map(str, seen)))}"
        )


def test_a_learner_signs_in_logs_hours_and_books_with_the_keyboard_alone(
    asgi_server: str, browser: Browser, demo: Demo
) -> None:
    context = new_context(browser, asgi_server, "nl")
    page = context.new_page()
    keys = Keyboard(page)
    amal = LearnerProfile.objects.get(dossier_number=LEARNER)
    hours_before = HourEntry.objects.filter(learner=amal).count()
    bookings_before = Booking.objects.filter(learner=amal, status=BookingStatus.BOOKED).count()

    page.goto(f"{asgi_server}/login/")
    keys.tab_to("#id_username")
    page.keyboard.type(LEARNER)
    keys.tab_to("#id_password")
    page.keyboard.type("482915")
    page.keyboard.press("Enter")
    expect(page.get_by_text(LEARNER)).to_be_visible()
    context.add_cookies([{"name": "django_language", "value": "nl", "url": asgi_server}])
    page.reload()
    keys.assert_not_trapped()

    # Log hours: the home's tile, then the form's activity (arrow keys) and the Save button.
    keys.tab_to("main a[href='/participation/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/participation/")
    keys.tab_to("[data-hours-form] [name=activity]")
    page.keyboard.press("ArrowDown")
    assert page.locator("[data-hours-form] [name=activity]").input_value() != ""
    keys.tab_to("[data-hours-form] [name=hours]")
    page.keyboard.press("ArrowDown")  # 2 hours
    keys.tab_to("[data-hours-form] button[type=submit]")
    keys.tab_to("[data-hours-form] [name=note]", backwards=True)
    page.keyboard.type("Met mijn buddy naar de bib")
    keys.tab_to("[data-hours-form] button[type=submit]")
    page.keyboard.press("Enter")
    wait_for_db(lambda: HourEntry.objects.filter(learner=amal).count() == hours_before + 1)
    entry = HourEntry.objects.filter(learner=amal).latest("pk")
    assert entry.minutes == 120
    assert entry.note == "Met mijn buddy naar de bib"
    keys.assert_not_trapped()

    # Book: the appointments page, a subject, the first free time (Space presses the button).
    page.goto(f"{asgi_server}/appointments/")
    keys.tab_to("main a[href$='?purpose=question']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/?purpose=question")
    keys.assert_not_trapped()
    keys.tab_to("[data-slot] button")
    page.keyboard.press("Space")
    page.wait_for_url(f"{asgi_server}/appointments/")
    wait_for_db(
        lambda: (
            Booking.objects.filter(learner=amal, status=BookingStatus.BOOKED).count()
            == bookings_before + 1
        )
    )
    expect(page.locator("[data-bookings] li")).to_have_count(bookings_before + 1)
    keys.assert_not_trapped()
    context.close()


def wait_for_db(check: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the server never got it")
        time.sleep(0.1)


# Page-level horizontal scrolling, text cut off by a container that hides its overflow, and main
# actions (buttons, tiles) that stick out of the screen. Visually hidden text (1 px, clipped on
# purpose for screen readers) and the off-screen skip link are not clipping.
LAYOUT = """() => {
    const problems = [];
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width + 1) {
        // Name the widest culprits: elements past the edge whose container is not.
        const culprits = [...document.querySelectorAll('main *, header *')].filter(el =>
            el.getBoundingClientRect().right > width + 1
            && el.parentElement.getBoundingClientRect().right <= width + 1);
        problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px, `
            + culprits.slice(0, 3).map(el => `<${el.localName} class="${el.className}">`));
    }
    for (const el of document.querySelectorAll('body *')) {
        const style = getComputedStyle(el);
        if (style.display === 'none' || el.closest('.visually-hidden, .skip, [hidden]')) continue;
        const hides = ['hidden', 'clip'];
        const clipsX = hides.includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const clipsY = hides.includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
        if ((clipsX || clipsY) && el.textContent.trim())
            problems.push(`text clipped in <${el.localName} class="${el.className}">`);
    }
    for (const el of document.querySelectorAll(
        'main button, main .button, main .tile, main input, main select, main textarea')) {
        const box = el.getBoundingClientRect();
        if (!box.width || el.closest('[hidden], .visually-hidden')) continue;
        if (box.left < -1 || box.right > width + 1)
            problems.push(`<${el.localName} class="${el.className}"> sticks out`);
    }
    return problems;
}"""


def test_core_screens_fit_a_phone_with_the_text_at_200_percent(
    asgi_server: str, browser: Browser, demo: Demo
) -> None:
    context = new_context(browser, asgi_server, "nl")
    page = context.new_page()
    # Chromium's own text size setting (Settings > Appearance > Font size): the default font
    # size the page's rem and % sizes build on, doubled; the layout width stays 360 px.
    cdp = context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    sign_in(page, asgi_server, LEARNER)
    context.add_cookies([{"name": "django_language", "value": "nl", "url": asgi_server}])
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 36
    problems = []
    for path in (
        "/",
        "/participation/",
        "/appointments/book/?purpose=question",
        "/lessons/",
        f"/lessons/{demo.lesson}/",
        "/plan/",
        "/portfolio/",
    ):
        page.goto(f"{asgi_server}{path}")
        expect(page.locator("main h1").first).to_be_visible()
        problems += [f"{path}: {problem}" for problem in page.evaluate(LAYOUT)]
    context.close()
    assert problems == [], "\n".join(problems)
