"""Django's ASGI handler, with the middleware chain and the view run in one thread hop.

Under ASGI Django runs its middleware chain on the event loop; the portal's views are all
synchronous and so are Django's own middlewares (``MiddlewareMixin``), which under ASGI call
each ``process_request``/``process_response`` through ``sync_to_async``: a dozen hops between
the loop and a thread for every page (bench/server.py; py-spy showed the waits). Running the
whole chain in its synchronous (WSGI) form on one thread costs one hop per request, as WSGI
would, while the server stays ASGI for the websockets.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # The synchronous chain, whatever the server: it runs inside one sync_to_async below.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # Thread-sensitive: the request's one thread, so its database connection is reused.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
