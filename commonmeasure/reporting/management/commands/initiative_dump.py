"""`commonmeasure initiative dump CODE`: write an initiative's definition file."""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "write an initiative's definition"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.initiatives.management.lookup import initiative_or_error
        from commonmeasure.interchange.definition import definition_text
        from commonmeasure.reporting.initiative_file import dump_definition

        text = definition_text(dump_definition(initiative_or_error(args.code)), args.format)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(_("Wrote %(file)s") % {"file": args.output}, file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
