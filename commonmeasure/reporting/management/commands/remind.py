"""`commonmeasure remind`: reminder e-mails before and after report deadlines
(docs/reference/reminders.md)."""

from __future__ import annotations

import datetime
import sys

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
                    f"--date {args.date!r} is not a date such as 2024-03-31"
                ) from None
        if args.every is not None:
            return enqueue_every(reminders_task, args.every, "reminders")
        result = send_reminders(today, dry_run=args.dry_run)
        for p in result:
            print(("would send " if args.dry_run else "sent ") + p.describe())
        print(f"{len(result)} reminder(s) {'due' if args.dry_run else 'sent'}", file=sys.stderr)
        return 0
