"""Strict nonce CSP on every HTML page each role can reach.

The demo data is loaded, then for every role the pages are crawled from the home screen and
from every GET route of the authorization matrix, following the links in each page. Every HTML
answer must carry a policy without 'unsafe-inline' or 'unsafe-eval', with a nonce for scripts,
and a page that runs nothing the policy would block: each inline script has this response's
nonce, no element has an event-handler attribute or a ``javascript:`` link, and (style-src allows
only our own files) no element has a style attribute and no page has a ``<style>`` block.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from portal.accounts.models import User
from tests.portal.test_authorization import EXPECTED

# Pages of one kind (same route, same query keys) visited per role: the template is the same.
PER_ROUTE = 3
# Not HTML, or not to be followed by a crawler (it would end the session or download files).
SKIP = re.compile(r"^/(static|media)/|/logout/|\.(ics|pdf|json|zip|webp|jpg|png|svg|js|css)$")
DEMO_PEOPLE = ("INB-2026-0001", "tb.an", "mo.marie", "coord.leuven", "admin.agency", "buddy.jan")
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}


class PageAudit(HTMLParser):
    def __init__(self, nonce: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (event handler)")
            if name == "style":
                self.problems.append(f"<{tag} style=…> (style-src forbids inline styles)")
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.problems.append("<style> block (style-src forbids inline styles)")
        if tag == "script":
            kind = (values.get("type") or "").lower()
            if kind in DATA_SCRIPT_TYPES:
                return
            if values.get("nonce") != self.nonce and not (values.get("src") or "").startswith("/"):
                self.problems.append(f"<script> without this response's nonce: {attrs}")
            if values.get("src", "").startswith("//"):
                self.problems.append(f"<script> from another origin: {values['src']}")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def csp_problems(response: HttpResponse) -> tuple[list[str], list[str]]:
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy header"], []
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = []
    for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:"):
        for name in ("script-src", "style-src", "default-src"):
            if bad in directives.get(name, []):
                problems.append(f"{name} allows {bad}")
    nonces = [v for v in directives.get("script-src", []) if v.startswith("'nonce-")]
    if len(nonces) != 1:
        return [*problems, f"script-src has no nonce: {policy}"], []
    for name, value in (
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("frame-ancestors", "'none'"),
    ):
        if directives.get(name) != [value]:
            problems.append(f"{name} is not {value}")
    audit = PageAudit(nonces[0][len("'nonce-") : -1])
    audit.feed(response.content.decode())
    return problems + audit.problems, audit.links


def _kind(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return f"{match.view_name}?{','.join(keys)}"


def crawl(client: Client, seeds: list[str]) -> tuple[int, dict[str, list[str]]]:
    """GET every same-origin page linked from the seeds; the CSP problems of each HTML page."""
    # The role's own links first (real objects), then the matrix's routes (often "not found").
    queue, later, seen, per_kind = seeds[:1], seeds[1:], set(), Counter()
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue or later:
        url = queue.pop(0) if queue else later.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or SKIP.search(parts.path):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        kind = _kind(url)
        if url in seen or kind is None or per_kind[kind] >= PER_ROUTE:
            continue
        seen.add(url)
        per_kind[kind] += 1
        response = client.get(url)
        if response.status_code in {301, 302}:
            queue.append(urljoin(url, response["Location"]))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        found, links = csp_problems(response)
        if found:
            problems[url] = found
        queue.extend(urljoin(url, link) for link in links)
    return pages, problems


def _seeds() -> list[str]:
    seeds = ["/"]
    for name, (method, args, _statuses) in EXPECTED.items():
        if method == "GET" and not name.startswith(("admin:", "api:", "backoffice:")):
            seeds.append(reverse(name, args=args))
    return seeds


@pytest.mark.django_db
def test_every_page_of_every_role_runs_under_a_strict_nonce_policy(
    signed_in: Callable[[User], Client],
) -> None:
    call_command("demo_data", stdout=StringIO())
    people: dict[str, Client] = {"anonymous": Client()}
    for username in (
        "INB-2026-0001",
        "tb.an",
        "mo.marie",
        "coord.leuven",
        "admin.agency",
        "buddy.jan",
    ):
        people[username] = signed_in(User.objects.get(username=username))
    seeds = _seeds()
    report, total = {}, 0
    for role, client in people.items():
        pages, problems = crawl(client, seeds)
        total += pages
        assert pages >= 5, f"{role}: only {pages} HTML pages reached"
        if problems:
            report[role] = problems
    assert report == {}
    # Two dozen routes for anonymous visitors and each role's own screens: a real crawl.
    assert total >= 150
