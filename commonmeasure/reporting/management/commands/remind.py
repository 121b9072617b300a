"""`commonmeasure remind`: reminder e-mails before and after report deadlines
(docs/reference/reminders.md)."""

from __future__ import annotations

import datetime
import sys

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand, add_every_argument, enqueue_every


class Command(ConsoleCommand):
    help = "send reminder e-mails before and after report deadlines (for cron)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the reminders due, send nothing"
        )
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
        add_every_argument(parser)

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.reporting.reminders import reminders_task, send_reminders

        today = None
        if args.date:
            try:
                today = datetime.date.fromisoformat(args.date)
            except ValueError:
                raise CommandError(
                    _("--date %(date)s is not a date such as 2024-03-31")
                    % {"date": repr(args.date)}
                ) from None
        if args.every is not None:
            return enqueue_every(reminders_task, args.every, "reminders")
        result = send_reminders(today, dry_run=args.dry_run)
        for p in result:
            print(
                (_("would send %(reminder)s") if args.dry_run else _("sent %(reminder)s"))
                % {"reminder": p.describe()}
            )
        print(
            (_("%(n)s reminder(s) due") if args.dry_run else _("%(n)s reminder(s) sent"))
            % {"n": len(result)},
            file=sys.stderr,
        )
        return 0
