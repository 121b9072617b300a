"""`commonmeasure token create USERNAME`: a personal API token, shown once (docs/reference/api.md)."""

from __future__ import annotations

import sys

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "create an API token for a user and print it (once)"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", help="what the token is for")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.api.tokens import create_token

        try:
            record, token = create_token(args.username, args.name or "")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        print(
            _("Created API token %(id)s for %(username)s. It is shown only once; keep it secret:")
            % {"id": record.id, "username": record.user.username},
            file=sys.stderr,
        )
        print(token)
        return 0
