"""`commonmeasure token list [USERNAME]`: the API tokens, never the tokens themselves."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "list API tokens (never the tokens themselves)"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.api.models import ApiToken

        tokens = ApiToken.objects.select_related("user")
        if args.username:
            tokens = tokens.filter(user__username=args.username)
        for t in tokens:
            state = (
                _("revoked %(when)s") % {"when": f"{t.revoked_at:%Y-%m-%d %H:%M}"}
                if t.revoked_at
                else _("active")
            )
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else _("never")
            last = _("last used %(when)s") % {"when": used}
            print(f"{t.id}\t{t.user.username}\t{t.prefix}...\t{t.name or '-'}\t{last}\t{state}")
        return 0
