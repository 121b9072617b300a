"""`commonmeasure user add USERNAME`: create or update a user and give them a role
(docs/reference/permissions.md)."""

from __future__ import annotations

import os

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "create a user (or update one) and give them a role"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password",
            help="default: $CM_PASSWORD; without one the user cannot log in until reset",
        )
        parser.add_argument("--initiative")
        parser.add_argument("--role", choices=["backbone_admin", "reporter", "reviewer", "viewer"])
        parser.add_argument("--organisation")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="also give access to Django admin for everything",
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.initiatives.users import add_user

        try:
            message = add_user(
                args.username,
                email=args.email,
                password=args.password or os.environ.get("CM_PASSWORD"),
                initiative_code=args.initiative,
                role=args.role,
                organisation_code=args.organisation,
                superuser=args.superuser,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        print(message)
        return 0
