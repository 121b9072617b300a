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
import gettext as python_gettext
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commonmeasure.domain import translation as pure
from commonmeasure.domain.translation import gettext

__all__ = [
    "CommandError",
    "ConsoleCommand",
    "add_every_argument",
    "enqueue_every",
    "environment_language",
    "speaking",
    "speaking_django",
]

# The messages of the modules outside the apps (domain, interchange, this script): a folder per
# language the interface is translated into (docs/how-to/add-a-language.md).
ROOT_LOCALE = Path(__file__).resolve().parent / "locale"

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


def environment_language(environ: Mapping[str, str] = os.environ) -> str | None:
    """The language the console speaks: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that
    is set decides (``fr_FR.UTF-8``, ``es``, ``de:fr``), if the interface is translated into it;
    None (English) otherwise, for ``C`` and ``POSIX``, and when none is set."""
    available = {path.name for path in ROOT_LOCALE.iterdir() if path.is_dir()}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].replace("_", "-").lower()
            for candidate in (code, code.split("-")[0]):
                if candidate in available:
                    return candidate
        return None
    return None


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Messages of the pure layers (and of this script) in ``language`` while Django is not set
    up: the compiled root catalogue read with Python's own gettext. None: English."""
    before = pure.installed()
    if language:
        catalogue = python_gettext.translation(
            "django", localedir=ROOT_LOCALE, languages=[language], fallback=True
        )
        pure.install(catalogue.gettext, catalogue.ngettext, catalogue.pgettext)
    try:
        yield
    finally:
        pure.install(*before)


@contextmanager
def speaking_django(language: str | None) -> Iterator[None]:
    """Once Django is set up: every message (the apps' and the pure layers') in ``language``;
    None: the site's default language."""
    from django.utils import translation  # Django is set up by now

    before = pure.installed()
    pure.install(translation.gettext, translation.ngettext, translation.pgettext)
    try:
        if language:
            with translation.override(language):
                yield
        else:
            yield
    finally:
        pure.install(*before)


def add_every_argument(parser) -> None:
    """The `--every SECONDS` option of `remind` and `digest`."""
    parser.add_argument(
        "--every",
        type=int,
        metavar="SECONDS",
        help=gettext(
            "instead, queue a background task that sends them now and every SECONDS (run by `worker`)"
        ),
    )


def enqueue_every(task, every: int, what: str) -> int:
    """Queue ``task`` to run now and then every ``every`` seconds (it queues itself again)."""
    if every < 60:
        raise CommandError(gettext("--every must be at least 60 seconds"))
    task.enqueue(every)
    print(
        gettext("queued: %(what)s now and every %(every)s s, sent by `commonmeasure worker`")
        % {"what": what, "every": every},
        file=sys.stderr,
    )
    return 0
