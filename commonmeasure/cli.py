"""The `commonmeasure` console script: a thin wrapper around the Django management commands of
the apps, the command-line face of the same services the web UI and the API use. Run
`commonmeasure --help` for the commands; docs/reference/cli.md has them all.

`commonmeasure import values FILE ...` runs the management command `import_values` of the
`reporting` app (commonmeasure/reporting/management/commands/import_values.py): the words of a
command, joined by underscores, name its management command, and COMMANDS says which app holds
it. Each command declares its own help and arguments (see commonmeasure/console.py).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from commonmeasure.console import (
    CommandError,
    environment_language,
    speaking,
    speaking_django,
)
from commonmeasure.domain.translation import gettext, gettext_noop

# The words that group several commands: word -> (help, the name its sub-command is stored under).
GROUPS = {
    "initiative": (gettext_noop("load or dump an initiative definition file"), "action"),
    "import": (gettext_noop("import data files"), "what"),
    "demo": (gettext_noop("demo data"), "action"),
    "user": (gettext_noop("manage users"), "action"),
    "token": (gettext_noop("personal API tokens"), "action"),
    "contract": (gettext_noop("managed outcomes contracts in the database"), "action"),
    "export": (gettext_noop("export data files"), "what"),
    "stats": (gettext_noop("headline figures and reports"), "what"),
    "surveys": (gettext_noop("feedback surveys"), "action"),
    "rollups": (gettext_noop("pre-aggregated values behind queries and dashboards"), "action"),
}

# Every command, in the order `--help` lists them, and the app whose management command it is.
COMMANDS = [
    ("setup", "web"),
    ("serve", "web"),
    ("initiative load", "reporting"),
    ("initiative dump", "reporting"),
    ("import values", "reporting"),
    ("import indigo", "impactbonds"),
    ("query", "insights"),
    ("demo load", "web"),
    ("user add", "accounts"),
    ("user unlock", "accounts"),
    ("token create", "api"),
    ("token list", "api"),
    ("token revoke", "api"),
    ("payments", "contracts"),
    ("returns", "contracts"),
    ("scenario", "contracts"),
    ("contract load", "contracts"),
    ("contract achievements", "contracts"),
    ("export indigo", "impactbonds"),
    ("stats impact-bonds", "impactbonds"),
    ("stats impact-bond-quality", "impactbonds"),
    ("remind", "reporting"),
    ("template", "reporting"),
    ("worker", "reporting"),
    ("surveys recompute", "voice"),
    ("invite", "backbone"),
    ("digest", "conversation"),
    ("rollups rebuild", "rollups"),
]


def management_name(words: str) -> str:
    """`stats impact-bond-quality` -> `stats_impact_bond_quality`."""
    return words.replace(" ", "_").replace("-", "_")


def command_class(words: str, app: str):
    module = f"commonmeasure.{app}.management.commands.{management_name(words)}"
    return importlib.import_module(module).Command


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    import django

    django.setup()


def named_commands(argv: list[str] | None = None) -> list[tuple[str, str]]:
    """The command the arguments begin with, alone (``payments ...``, ``contract load ...``),
    so that only its module is imported; every command when they begin with none of them
    (``--help``, a group alone, a mistake), so that the help and the errors list them all.

    The parser built for one command behaves as the whole one for its arguments: argparse
    shows a sub-command's own usage for its mistakes, and the top-level usage names no command
    (``COMMAND ...``)."""
    args = sys.argv[1:] if argv is None else argv
    for words, app in COMMANDS:
        split = words.split()
        if args[: len(split)] == split:
            return [(words, app)]
    return COMMANDS


def build_parser(commands: list[tuple[str, str]] = COMMANDS) -> argparse.ArgumentParser:
    """The parser of ``commands`` (all of them unless given), in the order of COMMANDS."""
    parser = argparse.ArgumentParser(
        prog="commonmeasure",
        description=gettext("Common Measure: shared measurement for social outcomes."),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction] = {}
    for words, app in commands:
        command = command_class(words, app)
        *group, name = words.split()
        where = sub
        if group:
            if group[0] not in groups:
                help_text, dest = GROUPS[group[0]]
                groups[group[0]] = sub.add_parser(group[0], help=gettext(help_text)).add_subparsers(
                    dest=dest, required=True, metavar=dest.upper()
                )
            where = groups[group[0]]
        p = where.add_parser(name, help=command.help)
        command().add_arguments(p)
        p.set_defaults(command_class=command)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Its messages are in the language of the environment (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG) when the interface has it, else in English (docs/reference/cli.md)."""
    language = environment_language()
    with speaking(language):
        parser = build_parser(named_commands(argv))
        args = parser.parse_args(argv)
        command = args.command_class()
        try:
            if not command.needs_django:
                return command.run(args)
            _django()
            with speaking_django(language):
                return command.run(args)
        except CommandError as exc:
            print(f"commonmeasure: {exc}", file=sys.stderr)
            return exc.returncode
        except BrokenPipeError:  # e.g. piped into `head`
            sys.stderr.close()
            return 0
        except KeyboardInterrupt:
            print(gettext("interrupted"), file=sys.stderr)
            return 130
        except Exception as exc:  # configuration problems get one clear line, not a traceback
            from django.core.exceptions import ImproperlyConfigured
            from django.db import OperationalError

            if isinstance(exc, ImproperlyConfigured | OperationalError):
                print(f"commonmeasure: {exc}", file=sys.stderr)
                return 2
            raise


if __name__ == "__main__":
    sys.exit(main())
