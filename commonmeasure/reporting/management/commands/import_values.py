"""`commonmeasure import values FILE --initiative CODE`: values from CSV or XLSX, in the long
layout or a filled-in template (docs/reference/values-file.md)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "import values from CSV or XLSX (long layout or a filled-in template)"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--initiative", required=True, help="initiative code")
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument(
            "--approve",
            action="store_true",
            help="approve the reports the file touches (backbone action)",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--user", help="record this user as the author of the changes")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from django.contrib.auth import get_user_model

        from commonmeasure.initiatives.management.lookup import initiative_or_error
        from commonmeasure.reporting import import_slot
        from commonmeasure.reporting.uploads import import_file

        initiative = initiative_or_error(args.initiative)
        user = None
        if args.user:
            user = get_user_model().objects.filter(username=args.user).first()
            if user is None:
                raise CommandError(_("no user %(user)s") % {"user": repr(args.user)})
        is_csv = not Path(args.file).suffix.lower().startswith(".xls")
        bar = _progress_bar(
            Path(args.file).stat().st_size if is_csv and Path(args.file).is_file() else None,
            _("Importing"),
            quiet=args.json,
        )
        last = {"n": 0}

        def progress(position: int) -> None:
            if bar is not None:
                bar.update(position - last["n"])
                last["n"] = position

        # An import takes the database's one import slot, as the background worker does; a dry
        # run writes nothing and needs none.
        slot = contextlib.nullcontext()
        if not args.dry_run:
            slot = import_slot.one_at_a_time(
                f"cli:{os.getpid()}",
                waiting=lambda: print(
                    _("Waiting for another import to finish..."), file=sys.stderr
                ),
            )
        try:  # the long layout, or a filled-in template (XLSX or CSV), told apart by its metadata
            with slot:
                outcome = import_file(
                    initiative,
                    Path(args.file),
                    dry_run=args.dry_run,
                    approve=args.approve,
                    user=user,
                    channel="cli",
                    progress=progress,
                )
        finally:
            if bar is not None:
                bar.close()
        result = outcome.result
        name = Path(args.file).name
        if args.json:
            print(
                json.dumps(
                    result.as_dict() | ({"notes": outcome.notes} if outcome.notes else {}),
                    indent=2,
                )
            )
        else:
            for note in outcome.notes:
                print(f"{name}: {note}", file=sys.stderr)
            if result.errors:
                print(
                    f"{name}: "
                    + _("%(n)s error(s); nothing was imported.")
                    % {"n": len(result.errors) + result.more_errors},
                    file=sys.stderr,
                )
                for err in result.errors:
                    print(f"  {name}: {err}", file=sys.stderr)
                if result.more_errors:
                    print(
                        "  " + _("... and %(n)s more") % {"n": result.more_errors}, file=sys.stderr
                    )
            else:
                counts = {
                    "new": result.imported,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
                print(
                    f"{name}: "
                    + (
                        _(
                            "would import %(new)s new, %(updated)s updated, %(unchanged)s unchanged values"
                        )
                        if args.dry_run
                        else _(
                            "imported %(new)s new, %(updated)s updated, %(unchanged)s unchanged values"
                        )
                    )
                    % counts
                    + (
                        _("; %(n)s report(s) approved") % {"n": result.approved}
                        if result.approved
                        else ""
                    )
                    + (" " + _("(dry run: nothing written)") if args.dry_run else "")
                    + "."
                )
        return 1 if result.errors else 0


def _progress_bar(total: int | None, label: str, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return (
        tqdm(total=total, unit="B", unit_scale=True, desc=label, file=sys.stderr)
        if total
        else tqdm(desc=label, unit=" rows", file=sys.stderr)
    )
