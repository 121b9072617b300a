"""`commonmeasure initiative load FILE`: create or update an initiative from its definition file
(docs/reference/initiative-file.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "create or update an initiative from a JSON or YAML file"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="print what changed as JSON")
        parser.add_argument(
            "--archive-values",
            action="store_true",
            help="archive the stored values of an indicator that becomes a formula, composite or "
            "survey-fed one (otherwise the load is refused)",
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.interchange.definition import DefinitionError, read_definition
        from commonmeasure.reporting.archive import StaleValues
        from commonmeasure.reporting.initiative_file import load_definition

        try:
            defn = read_definition(args.file)
        except DefinitionError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                _("%(file)s: cannot load the initiative:") % {"file": exc.filename} + f"\n{lines}"
            ) from None
        try:
            initiative, summary = load_definition(defn, archive_values=args.archive_values)
        except StaleValues as exc:
            raise CommandError(
                _("%(file)s: cannot load the initiative: %(problem)s")
                % {"file": Path(args.file).name, "problem": exc}
            ) from None
        if args.json:
            print(json.dumps({"initiative": initiative.code, **summary.as_dict()}, indent=2))
        elif summary.changed:
            print(
                _("Initiative %(code)s: %(created)s created, %(updated)s updated.")
                % {
                    "code": initiative.code,
                    "created": len(summary.created),
                    "updated": len(summary.updated),
                }
            )
            for label in summary.created:
                print(f"  + {label}")
            for label in summary.updated:
                print(f"  ~ {label}")
        else:
            print(_("Initiative %(code)s: nothing changed.") % {"code": initiative.code})
        return 0
