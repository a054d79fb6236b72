"""The phone with the network off: which core screens still render, and what the worker costs.

Runs the portal with production settings on loopback (as ``bench/lighthouse.py`` does), signs in
the demo learner in Debian's Chromium (Playwright), opens the core screens once online (home,
agenda, log hours, lessons), downloads the first lesson module with its size shown first, then
turns the network off and opens each screen and one lesson of the downloaded module again.
A screen counts as rendered when it shows its own heading, not the offline fallback page.

Also the service worker's first install: ``/sw.js`` and every file it pre-caches, fetched
compressed as the browser does (QUALITY.md: <= 250 KiB).

    .venv/bin/python bench/offline.py [--port 8126]
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _portal import SESSION_SNIPPET, manage, phone_context, portal_env, start_portal
from _table import Row, render

DEMO_LEARNER = "INB-2026-0001"
SCREENS = {
    "home": "/",
    "agenda": "/appointments/",
    "log hours": "/participation/",
    "lessons": "/lessons/",
}


def wire_size(url: str, cookie: str) -> int:
    """Bytes on the wire for ``url``, compressed as Chromium asks for it."""
    request = urllib.request.Request(  # noqa: S310 - loopback http
        url, headers={"Cookie": cookie, "Accept-Encoding": "br, gzip"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return len(response.read())


def install_size(base: str, cookie: str) -> tuple[int, int]:
    """(bytes, files) of the worker's first install: sw.js and its pre-cache list."""
    request = urllib.request.Request(f"{base}/sw.js", headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        source = response.read().decode()
    found = re.search(r"const PRECACHE = (\[.*?\]);", source)
    if not found:
        raise SystemExit("sw.js has no PRECACHE list: the bench no longer matches the worker")
    urls = ["/sw.js", *json.loads(found.group(1))]
    return sum(wire_size(f"{base}{url}", cookie) for url in urls), len(urls)


def wait_until(page: Any, expression: str, timeout: float = 60) -> None:
    """Poll ``expression`` (page.wait_for_function would need eval, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def offline_screens(base: str, session_key: str) -> dict[str, bool]:
    from playwright.sync_api import sync_playwright

    rendered: dict[str, bool] = {}
    with sync_playwright() as playwright:
        browser, context = phone_context(playwright, base, session_key)
        page = context.new_page()
        page.goto(f"{base}/offline/")
        offline_heading = page.locator("h1").first.inner_text()
        page.goto(f"{base}/")
        # The first page's navigation began before the worker existed: one reload, as the
        # person's next tap would, puts it under the worker (see tests/browser/test_shell.py).
        wait_until(page, "navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))")
        page.reload()
        wait_until(page, "navigator.serviceWorker.controller !== null")
        headings: dict[str, str] = {}
        for name, path in SCREENS.items():
            page.goto(f"{base}{path}")
            headings[name] = page.locator("h1").first.inner_text()
        # The first module, downloaded as the learner does: the size first, then the pack.
        module = page.locator("[data-module]").first
        module.locator("[data-pack-ask]").click()
        module.locator("[data-pack-start]").click()
        wait_until(page, "document.querySelector('[data-module]').dataset.packState === 'stored'")
        lesson = module.locator("a[href*='/lessons/']").first.get_attribute("href") or ""
        context.set_offline(True)
        for name, path in SCREENS.items():
            page.goto(f"{base}{path}")
            heading = page.locator("h1").first.inner_text()
            rendered[name] = heading == headings[name] and heading != offline_heading
        page.goto(f"{base}{lesson}")
        heading = page.locator("h1").first.inner_text()
        rendered["downloaded lesson"] = bool(lesson) and heading != offline_heading
        browser.close()
    return rendered


def measure(*, port: int = 8126) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env = portal_env(Path(scratch) / "data", port)
        server = start_portal(env, port)
        base = f"http://localhost:{port}"
        try:
            line = manage(env, "shell", "-c", SESSION_SNIPPET.format(username=DEMO_LEARNER))
            session_key, language = line.split("SESSION")[1].split()[:2]
            cookie = f"sessionid={session_key}; django_language={language}"
            size, files = install_size(base, cookie)
            rendered = offline_screens(base, session_key)
        finally:
            server.terminate()
            server.wait(timeout=10)
    missing = [name for name, ok in rendered.items() if not ok]
    return [
        Row(
            "phone",
            f"service worker first install ({files} files, compressed)",
            size / 1024,
            "KiB",
            "<= 250",
        ),
        Row(
            "phone",
            "screens rendered with the network off (" + ", ".join(rendered) + ")",
            len(rendered) - len(missing),
            "count",
            f"== {len(rendered)}",
            note="missing: " + ", ".join(missing) if missing else "",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8126)
    options = parser.parse_args()
    rows = measure(port=options.port)
    print(render(rows))
    if any(row.ok is False for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
