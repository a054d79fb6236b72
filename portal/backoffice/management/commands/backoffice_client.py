"""The reference back-office client against a running portal, over HTTP (API v1).

    manage.py backoffice_client --url http://127.0.0.1:8000 --token bo_… push --learners 5
    manage.py backoffice_client --url … --token … pull [--cursor-file var/cursor] [--limit 100]

``push`` sends sample dossiers (ten records each) in one batch and prints the per-item results;
``pull`` reads the change feed from the stored cursor to its end, prints one JSON line per
change and stores the new cursor, as a back office's sync job would. The token may also come
from PORTAL_BACKOFFICE_TOKEN. It only talks HTTP: point it at any portal.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from portal.backoffice.client import BackOfficeClient, ClientError, sample_dossier


class Command(BaseCommand):
    help = "Reference back-office client: push sample facts, pull the change feed (over HTTP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["push", "pull"])
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The portal's address.")
        parser.add_argument("--token", default=os.environ.get("PORTAL_BACKOFFICE_TOKEN", ""))
        parser.add_argument("--learners", type=int, default=3, help="push: how many dossiers.")
        parser.add_argument("--prefix", default="KBI", help="push: dossier number prefix.")
        parser.add_argument("--nis-code", default="24062", help="push: municipality (Leuven).")
        parser.add_argument("--cursor-file", type=Path, help="pull: where the cursor is kept.")
        parser.add_argument("--limit", type=int, default=100, help="pull: changes per page.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["token"]:
            raise CommandError("A token is needed: --token or PORTAL_BACKOFFICE_TOKEN.")
        client = BackOfficeClient(options["url"], options["token"])
        try:
            if options["action"] == "push":
                self._push(client, options)
            else:
                self._pull(client, options)
        except ClientError as exc:
            raise CommandError(str(exc)) from exc

    def _push(self, client: BackOfficeClient, options: dict[str, Any]) -> None:
        items = [
            item
            for n in range(1, options["learners"] + 1)
            for item in sample_dossier(
                f"{options['prefix']}-{n:05d}",
                nis_code=options["nis_code"],
                signed_on=timezone.localdate(),
            )
        ]
        answer = client.ingest(items)
        counts = Counter(result["status"] for result in answer["results"])
        for result in answer["results"]:
            if result["status"] not in {"applied", "unchanged"}:
                self.stderr.write(json.dumps(result))
        self.stdout.write(
            f"{len(items)} records sent: "
            + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        )

    def _pull(self, client: BackOfficeClient, options: dict[str, Any]) -> None:
        cursor_file: Path | None = options["cursor_file"]
        start = cursor_file.read_text().strip() if cursor_file and cursor_file.exists() else ""
        total, cursor = 0, start
        for changes, cursor in client.follow(start, options["limit"]):
            for change in changes:
                self.stdout.write(json.dumps(change, ensure_ascii=False))
            total += len(changes)
            if cursor_file:  # after each page: a crash re-reads at most one page
                cursor_file.parent.mkdir(parents=True, exist_ok=True)
                cursor_file.write_text(cursor)
        self.stderr.write(f"{total} changes read; cursor {cursor}")
