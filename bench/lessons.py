"""What a learner downloads for offline study: the size of each demo module's pack.

Runs the portal with production settings on loopback, signs in a demo learner (Arabic), asks
each module's pack (the size shown before downloading), then fetches every file of the pack as
the phone does (compressed where the server compresses) and reports what it really took. Also
times the lesson list and a lesson page on the server (median of N requests).

    .venv/bin/python bench/lessons.py [--port 8124] [--requests 50]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from _portal import SESSION_SNIPPET, manage, portal_env, start_portal

DEMO_LEARNER = "INB-2026-0001"
MODULES_SNIPPET = """
from learner.lessons.models import Module
print("MODULES", *Module.objects.order_by("position", "id").values_list("pk", flat=True))
"""


def fetch(url: str, cookie: str) -> tuple[int, bytes, float]:
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback http
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.headers.get("Content-Encoding") == "gzip":
            return len(body), gzip.decompress(body), elapsed
        return len(body), body, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    base = f"http://localhost:{options.port}"
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as scratch:
        env = portal_env(Path(scratch) / "data", options.port)
        server = start_portal(env, options.port)
        try:
            line = manage(env, "shell", "-c", SESSION_SNIPPET.format(username=DEMO_LEARNER))
            session_key, language = line.split("SESSION")[1].split()[:2]
            cookie = f"sessionid={session_key}; django_language={language}"
            modules = manage(env, "shell", "-c", MODULES_SNIPPET).split("MODULES")[1].split()
            print(f"Module packs for {DEMO_LEARNER} (reading {language})")
            print(
                f"{'module':<8}{'files':>6}{'shown KiB':>11}{'fetched KiB':>13}{'stored KiB':>12}"
            )
            first_lesson = ""
            for module in modules:
                _size, body, _t = fetch(f"{base}/lessons/modules/{module}/pack.json", cookie)
                plan = json.loads(body)
                fetched = stored = 0
                for url in plan["urls"]:
                    wire, content, _t = fetch(f"{base}{url}", cookie)
                    fetched += wire
                    stored += len(content)
                    if not first_lesson and url.rstrip("/").split("/")[-1].isdigit():
                        first_lesson = url
                print(
                    f"{module:<8}{len(plan['urls']):>6}{plan['bytes'] / 1024:>11.1f}"
                    f"{fetched / 1024:>13.1f}{stored / 1024:>12.1f}"
                )
            print(f"\nServer time, median of {options.requests} requests (ms)")
            for name, path in (("lesson list", "/lessons/"), ("lesson page", first_lesson)):
                times = [fetch(f"{base}{path}", cookie)[2] * 1000 for _ in range(options.requests)]
                wire, content, _t = fetch(f"{base}{path}", cookie)
                print(
                    f"{name:<12} {statistics.median(times):7.1f} ms  p95 "
                    f"{sorted(times)[int(0.95 * len(times)) - 1]:7.1f} ms  "
                    f"{wire / 1024:6.1f} KiB compressed ({len(content) / 1024:.1f} KiB HTML)"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
