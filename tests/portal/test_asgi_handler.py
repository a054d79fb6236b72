"""The portal's ASGI handler runs the synchronous middleware chain and the view in one hop
to its pool of threads.

Django's own async chain hops between the event loop and a thread for every ``MiddlewareMixin``
middleware (portal/asgi_handler.py); the portal's middlewares must hold all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from asgiref.testing import ApplicationCommunicator
from django.contrib.staticfiles import finders
from django.core.signals import request_finished
from django.test import Client
from django.urls import reverse

from learner.profiles.models import LearnerProfile
from portal.accounts.models import Role, User
from portal.asgi_handler import SyncChainASGIHandler
from portfolio.models import DossierAccess


def _through_portal_asgi(
    client: Client, path: str, *, body: list[bytes] | None = None
) -> tuple[int, dict[bytes, bytes]]:
    """GET through the portal's own ASGI handler (portal/asgi_handler.py), as uvicorn calls it."""
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }

    async def run() -> tuple[int, dict[bytes, bytes]]:
        communicator = ApplicationCommunicator(SyncChainASGIHandler(), scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=10)
        while True:  # the body, in one message or several (a file)
            message = await communicator.receive_output(timeout=10)
            if body is not None:
                body.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await communicator.wait(timeout=10)  # the handler closes the request body
        return start["status"], {name.lower(): value for name, value in start["headers"]}

    return async_to_sync(run)()


# Committed data: the handler runs each request on a thread of its own pool, not the test's.
@pytest.mark.django_db(transaction=True)
def test_the_portal_asgi_handler_runs_the_whole_chain_in_one_hop(
    learner: LearnerProfile,
    case_manager: User,
    make_staff: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    handler = SyncChainASGIHandler()
    # The synchronous chain, not Django's async one.
    assert not iscoroutinefunction(vars(handler)["_middleware_chain"])
    url = reverse("profiles:learner_detail", args=["INB-0001"])
    status, headers = _through_portal_asgi(signed_in(case_manager), url)
    assert status == 200, headers
    assert b"content-security-policy" in headers  # the outer middlewares ran
    assert DossierAccess.objects.filter(staff=case_manager, path=url).count() == 1
    unverified = Client()
    unverified.force_login(
        make_staff(Role.CASE_MANAGER, "tb.unverified"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    status, headers = _through_portal_asgi(unverified, url)
    assert status == 302
    assert headers[b"location"].decode().startswith(reverse("accounts:second_factor"))


@pytest.mark.django_db(transaction=True)
def test_each_request_finishes_once_pages_and_files_alike(
    learner: LearnerProfile, signed_in: Callable[[User], Client]
) -> None:
    """request_finished (the database connection back to the pool) runs once per request,
    for a page before its bytes go out and for a file once they have."""
    finished: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        finished.append(sender)

    request_finished.connect(count)
    try:
        page: list[bytes] = []
        status, _headers = _through_portal_asgi(signed_in(learner.user), "/", body=page)
        assert status == 200
        assert b"<html" in b"".join(page)
        assert len(finished) == 1
        css = finders.find("css/portal.css")
        served: list[bytes] = []
        status, _headers = _through_portal_asgi(Client(), "/static/css/portal.css", body=served)
        assert status == 200
        assert b"".join(served) == Path(css).read_bytes()
        assert len(finished) == 2
    finally:
        request_finished.disconnect(count)
