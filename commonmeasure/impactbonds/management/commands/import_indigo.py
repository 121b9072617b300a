"""`commonmeasure import indigo PATH`: GO Lab's INDIGO CSV bundle (docs/reference/indigo.md)."""

from __future__ import annotations

import json
import sys

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand

SHOWN_PROBLEMS = 30


class Command(ConsoleCommand):
    help = "import GO Lab's INDIGO CSV bundle (a folder or a zip)"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="folder or .zip holding projects.csv, organisations.csv, funds.csv, ..."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", help="print the summary and every problem as JSON"
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.impactbonds.services import import_bundle
        from commonmeasure.interchange.indigo import BundleLayoutError

        try:
            report = import_bundle(args.path, dry_run=args.dry_run)
        except BundleLayoutError as exc:
            if args.json:
                print(
                    json.dumps(
                        {
                            "source": args.path,
                            "imported": False,
                            "layout_errors": [p.as_dict() for p in exc.problems],
                        },
                        indent=2,
                    )
                )
                return 1
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                _("%(path)s: the bundle's layout is wrong; nothing was imported:")
                % {"path": args.path}
                + f"\n{lines}"
            ) from None
        if args.json:
            print(
                json.dumps(
                    {"imported": not args.dry_run, **report.as_dict()}, indent=2, ensure_ascii=False
                )
            )
            return 0
        if args.dry_run:
            outcome = _("would change:") if report.changed else _("nothing would change")
        else:
            outcome = _("changed:") if report.changed else _("nothing changed")
        print(f"{args.path}: {outcome}")
        for key, counts in report.tables.items():
            if counts.get("created") or counts.get("updated") or counts.get("replaced"):
                shown = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
                print(f"  {key}.csv: {shown}")
        if report.absent_files:
            print(
                "  "
                + _("not in the bundle (left as they were): %(files)s")
                % {"files": ", ".join(report.absent_files)}
            )
        if report.problems:
            print(
                _("%(n)s value(s) could not be interpreted; they are kept as text:")
                % {"n": len(report.problems)},
                file=sys.stderr,
            )
            for problem in report.problems[:SHOWN_PROBLEMS]:
                print(f"  {problem}", file=sys.stderr)
            if len(report.problems) > SHOWN_PROBLEMS:
                print(
                    "  "
                    + _("... and %(n)s more (--json lists them all)")
                    % {"n": len(report.problems) - SHOWN_PROBLEMS},
                    file=sys.stderr,
                )
        return 0
