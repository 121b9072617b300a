"""`commonmeasure user unlock`: lift a sign-in lock (docs/reference/sign-in.md)."""

from __future__ import annotations

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
            raise CommandError("name a user, an --address, or both")
        cleared = unlock(username=args.username or "", address=args.address or "")
        what = " and ".join(
            p
            for p in (
                f"user {args.username}" if args.username else "",
                f"address {args.address}" if args.address else "",
            )
            if p
        )
        print(f"Unlocked {what}" + ("" if cleared else " (nothing was locked)") + ".")
        return 0
