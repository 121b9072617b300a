"""`commonmeasure user unlock`: lift a sign-in lock (docs/reference/sign-in.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "lift a sign-in lock (too many failed attempts) from a user or an address"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--address", help="a client IP address to unlock")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.accounts.throttle import unlock

        if not args.username and not args.address:
            raise CommandError(_("name a user, an --address, or both"))
        cleared = unlock(username=args.username or "", address=args.address or "")
        names = {"user": args.username, "address": args.address}
        if args.username and args.address:
            what = _("user %(user)s and address %(address)s") % names
        elif args.username:
            what = _("user %(user)s") % names
        else:
            what = _("address %(address)s") % names
        if cleared:
            print(_("Unlocked %(what)s.") % {"what": what})
        else:
            print(_("Unlocked %(what)s (nothing was locked).") % {"what": what})
        return 0
