"""`commonmeasure worker`: run the background tasks (django-tasks' database worker)."""

from __future__ import annotations

from django.core.management import call_command

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "run background tasks (large uploads) until stopped"

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="run the queued tasks, then stop (for cron)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at the queue"
        )

    def run(self, args) -> int:
        options = {"interval": args.interval, "reload": False}
        if args.batch:
            options["batch"] = True
        call_command("db_worker", **options)
        return 0
