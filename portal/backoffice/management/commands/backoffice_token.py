"""Make (or revoke) an agency's back-office token. The secret is printed once, never stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import Agency
from portal.backoffice import services
from portal.backoffice.models import ApiToken


class Command(BaseCommand):
    help = "Create a back-office API token for an agency, or revoke one by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", help="Agency code, e.g. agii-demo")
        parser.add_argument("--name", default="back office", help="What the token is for.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the token with this prefix.")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r}.")
        if options["revoke"]:
            token = ApiToken.objects.filter(agency=agency, prefix=options["revoke"]).first()
            if token is None:
                raise CommandError("No such token.")
            services.token_revoke(token=token)
            self.stdout.write(f"Revoked {token}.")
            return
        _token, secret = services.token_create(agency=agency, name=options["name"], actor=None)
        self.stdout.write(secret)
