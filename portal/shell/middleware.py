"""Compressed pages for slow mobile data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    """Django's gzip, for rendered pages and JSON only.

    A lesson page is ~23 KiB of HTML and ~6 KiB compressed: on slow 4G that is the difference
    between the budget and over it. Streamed responses (media files, which are compressed
    already and are asked for in byte ranges by audio players; static files, which WhiteNoise
    serves pre-compressed) pass untouched. Django adds random bytes to each compressed page
    against BREACH, and CSRF tokens are masked per response.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming:
            return response
        return super().process_response(request, response)
