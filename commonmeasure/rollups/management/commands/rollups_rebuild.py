"""`commonmeasure rollups rebuild`: recompute every rollup from the approved values
(docs/reference/rollups.md)."""

from __future__ import annotations

import sys

from django.utils.translation import gettext as _
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
            message = (
                _(
                    "%(initiative)s: %(reports)s approved reports, %(organisation_rows)s organisation "
                    "rollups and %(rollup_rows)s rollups recomputed, DIFFERENT from the stored ones."
                )
                if result.differences
                else _(
                    "%(initiative)s: %(reports)s approved reports, %(organisation_rows)s organisation "
                    "rollups and %(rollup_rows)s rollups recomputed, identical to the stored ones."
                )
            )
            print(
                message
                % {
                    "initiative": initiative.code,
                    "reports": reports,
                    "organisation_rows": result.organisation_rows,
                    "rollup_rows": result.rollup_rows,
                }
            )
            for line in result.differences[:20]:
                print(f"  {line}")
            if len(result.differences) > 20:
                print("  " + _("... and %(n)s more") % {"n": len(result.differences) - 20})
            if result.differences:
                status = 1
        return status
