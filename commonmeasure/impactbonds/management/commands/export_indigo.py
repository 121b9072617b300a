"""`commonmeasure export indigo TARGET`: the INDIGO CSV bundle (docs/reference/indigo.md)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "write the INDIGO CSV bundle (public data only unless --include-private)"

    def add_arguments(self, parser):
        parser.add_argument("target", help="folder to write into, or a file name ending in .zip")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="the full bundle: private and disputed data and the status columns",
        )
        parser.add_argument(
            "--safe-for-spreadsheets",
            action="store_true",
            help="put an apostrophe before cells beginning with = + - @, tab or carriage return, so "
            "that a spreadsheet program shows them as text (the files then differ from GO Lab's)",
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.impactbonds.exporting import export_bundle

        report = export_bundle(
            args.target,
            include_private=args.include_private,
            safe_for_spreadsheets=args.safe_for_spreadsheets,
        )
        if args.json:
            print(json.dumps(report.as_dict(), indent=2))
        else:
            message = (
                _(
                    "Wrote the full (with private and disputed data) INDIGO bundle to %(target)s: "
                    "%(files)s files, %(rows)s rows."
                )
                if args.include_private
                else _(
                    "Wrote the public INDIGO bundle to %(target)s: %(files)s files, %(rows)s rows."
                )
            )
            print(
                message
                % {
                    "target": args.target,
                    "files": len(report.rows),
                    "rows": sum(report.rows.values()),
                }
            )
        return 0
