"""What every `commonmeasure` command shares: the base class of the Django management commands
behind the console script (commonmeasure/cli.py), and the `--every` scheduling option.

A command is a Django management command in its app (`<app>/management/commands/<name>.py`)
whose `Command` class derives from `ConsoleCommand`: it declares its `help` and `add_arguments`
as any management command does, and does its work in `run(args) -> exit code`. The console script
reads the arguments before Django is set up (so that `--help` and the file-only commands need no
settings), which is why a command module imports models and services inside `run`.

The same commands run through Django too: `django-admin import_values FILE --initiative CODE`.
"""

from __future__ import annotations

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError

__all__ = ["CommandError", "ConsoleCommand", "add_every_argument", "enqueue_every"]

DJANGO_OPTIONS = {
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}


class ConsoleCommand(BaseCommand):
    """A command of the `commonmeasure` console script.

    ``needs_django = False`` marks a command that reads files only: the console script runs it
    without settings or a database. Errors are `CommandError(message, returncode=code)`; the
    console script prints ``commonmeasure: message`` and exits with the code.
    """

    needs_django = True
    requires_system_checks: list[str] = []
    suppressed_base_arguments = DJANGO_OPTIONS
    exit_code = 0

    def run(self, args: argparse.Namespace) -> int:
        raise NotImplementedError

    def handle(self, *args, **options):
        self.exit_code = self.run(argparse.Namespace(**options)) or 0

    def run_from_argv(self, argv):  # `django-admin NAME ...`: the exit code is the command's
        super().run_from_argv(argv)
        if self.exit_code:
            sys.exit(self.exit_code)


def add_every_argument(parser) -> None:
    """The `--every SECONDS` option of `remind` and `digest`."""
    parser.add_argument(
        "--every",
        type=int,
        metavar="SECONDS",
        help="instead, queue a background task that sends them now and every SECONDS (run by `worker`)",
    )


def enqueue_every(task, every: int, what: str) -> int:
    """Queue ``task`` to run now and then every ``every`` seconds (it queues itself again)."""
    if every < 60:
        raise CommandError("--every must be at least 60 seconds")
    task.enqueue(every)
    print(
        f"queued: {what} now and every {every} s, sent by `commonmeasure worker`",
        file=sys.stderr,
    )
    return 0
