"""Model fields shared by the apps that write many rows at once."""

from __future__ import annotations

from typing import Any

from django.db import models


class DocumentField(models.JSONField):
    """A JSON column for large documents, written with plain VALUES in bulk inserts.

    Django 5.2 bulk-inserts on PostgreSQL through UNNEST of arrays, and psycopg escapes array
    elements in Python: about a millisecond per snapshot, the largest cost of a batch refresh.
    A field with its own placeholder keeps the VALUES form (Django's compiler checks for it).
    """

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s"
