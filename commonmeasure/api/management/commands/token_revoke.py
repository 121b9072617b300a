"""`commonmeasure token revoke ID`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "revoke an API token by its id"

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.api.tokens import revoke_token

        try:
            record = revoke_token(args.id)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        print(
            _("Revoked API token %(id)s (%(prefix)s...) of %(username)s.")
            % {"id": record.id, "prefix": record.prefix, "username": record.user.username}
        )
        return 0
