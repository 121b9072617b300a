"""`commonmeasure digest`: the daily notification digests by e-mail
(docs/reference/comments-and-notifications.md)."""

from __future__ import annotations

import sys

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand, add_every_argument, enqueue_every


class Command(ConsoleCommand):
    help = "send the daily notification digests by e-mail (for cron)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the digests due, send nothing"
        )
        add_every_argument(parser)

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.conversation.emails import digest_task, digest_text, send_digests

        if args.every is not None:
            return enqueue_every(digest_task, args.every, "digests")
        result = send_digests(dry_run=args.dry_run)
        for p in result:
            if args.dry_run:
                print(_("would send %(digest)s") % {"digest": p.describe()})
            else:
                print(_("sent %(digest)s") % {"digest": p.describe()})
            if args.dry_run:
                subject, body = digest_text(p)
                print("  " + _("Subject: %(subject)s") % {"subject": subject})
                for line in body.splitlines():
                    print(f"  | {line}")
        said = {"n": len(result)}
        if args.dry_run:
            print(_("%(n)s digest(s) due") % said, file=sys.stderr)
        else:
            print(_("%(n)s digest(s) sent") % said, file=sys.stderr)
        return 0
