"""`commonmeasure rollups rebuild`: recompute every rollup from the approved values
(docs/reference/rollups.md)."""

from __future__ import annotations

import sys

from tqdm import tqdm

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "recompute every rollup from scratch, compare with the stored ones, and replace them"

    def add_arguments(self, parser):
        parser.add_argument("--initiative", help="initiative code (default: every initiative)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.initiatives.management.lookup import initiative_or_error
        from commonmeasure.initiatives.models import Initiative
        from commonmeasure.reporting.models import Submission
        from commonmeasure.rollups import engine

        initiatives = (
            [initiative_or_error(args.initiative)]
            if args.initiative
            else list(Initiative.objects.order_by("code"))
        )
        status = 0
        for initiative in initiatives:
            reports = Submission.objects.filter(
                initiative=initiative, status=Submission.APPROVED
            ).count()
            with tqdm(
                total=reports,
                desc=initiative.code,
                unit=" reports",
                disable=args.quiet or not sys.stderr.isatty(),
                file=sys.stderr,
            ) as bar:
                result = engine.rebuild(initiative, progress=bar.update)
            same = "identical to" if not result.differences else "DIFFERENT from"
            print(
                f"{initiative.code}: {reports} approved reports, {result.organisation_rows} organisation "
                f"rollups and {result.rollup_rows} rollups recomputed, {same} the stored ones."
            )
            for line in result.differences[:20]:
                print(f"  {line}")
            if len(result.differences) > 20:
                print(f"  ... and {len(result.differences) - 20} more")
            if result.differences:
                status = 1
        return status
