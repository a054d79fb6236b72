"""Django's ASGI handler, with each page served in one hop to a pool of threads.

The portal's views are all synchronous, and so are Django's own middlewares. Django's ASGI handler
runs its middleware chain on the event loop and crosses to a thread for each ``MiddlewareMixin``
hook, for the ``request_started`` signal and for closing the response; and it starts a new thread
for every request (``ThreadSensitiveContext``). bench/server.py measured the learner dashboard at
about half the requests per second of the same code under a WSGI server, py-spy showing the
thread starts and the hops.

Here a page costs what it costs under a threaded WSGI server: the event loop reads the body,
one hop runs the signals, the synchronous middleware chain and the view on a fixed pool of
threads (each keeps its own database connection, returned to the pool when the request ends),
and the loop sends the answer. Websockets are untouched: Channels serves them beside this.
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import IO, Any, cast

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

Scope = dict[str, Any]


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.executor = ThreadPoolExecutor(
            max_workers=settings.PAGE_THREADS, thread_name_prefix="page"
        )

    def load_middleware(self, is_async: bool = False) -> None:
        # The synchronous chain, whatever the server: it runs inside the one hop below.
        super().load_middleware(is_async=False)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        # No ThreadSensitiveContext: a page runs whole on one thread of the pool already.
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        # The request's own context (translations, caches), as asgiref's sync_to_async gives it.
        context = contextvars.copy_context()
        response = await loop.run_in_executor(
            self.executor, partial(context.run, self._respond, scope, body_file)
        )
        try:
            await self.send_response(response, send)
        finally:
            if response.streaming:
                # A file is closed (and the request finished) once its bytes have gone out.
                await loop.run_in_executor(
                    self.executor, partial(context.run, self._finish, response, body_file)
                )

    def _respond(self, scope: Scope, body_file: IO[bytes]) -> HttpResponseBase:
        """The synchronous part of a request, as a WSGI server would run it."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error = self.create_request(scope, body_file)
        # create_request gives a request, or else the response to a request it could not read.
        response = cast(HttpResponseBase, error if request is None else self.get_response(request))
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            # The body is in memory: finish the request (the database connection goes back to
            # the pool, request_finished runs) before the loop sends the bytes.
            self._finish(response, body_file)
        return response

    @staticmethod
    def _finish(response: HttpResponseBase, body_file: IO[bytes]) -> None:
        try:
            response.close()
        finally:
            body_file.close()
