"""Log filters: a request's path can name a person (``/staff/learners/INB-…/``); logs get its route.

Django's request and CSRF loggers write "Not Found: <path>"; the path is swapped for the URL
pattern it matched (``staff/learners/<str:dossier_number>/``), which says as much to whoever
reads the log and names nobody.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest
from django.urls import Resolver404, resolve


def _route(path: str) -> str:
    try:
        return "/" + resolve(path).route
    except Resolver404:
        return "(unknown route)"


class RouteNotPath(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and isinstance(record.args, tuple):
            path: str = request.path
            record.args = tuple(_route(path) if arg == path else arg for arg in record.args)
        return True
