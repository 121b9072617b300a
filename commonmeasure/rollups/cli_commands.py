"""`commonmeasure rollups rebuild`: recompute every rollup from the approved values."""

from __future__ import annotations

import sys


def add_parsers(sub) -> None:
    p = sub.add_parser("rollups", help="pre-aggregated values behind queries and dashboards")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    r = actions.add_parser(
        "rebuild",
        help="recompute every rollup from scratch, compare with the stored ones, and replace them",
    )
    r.add_argument("--initiative", help="initiative code (default: every initiative)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=cmd_rebuild)


def cmd_rebuild(args) -> int:
    from tqdm import tqdm

    from commonmeasure.cli import _initiative
    from commonmeasure.initiatives.models import Initiative
    from commonmeasure.reporting.models import Submission

    from . import engine

    initiatives = (
        [_initiative(args.initiative)]
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


def rebuild_stale() -> list[str]:
    """Rebuild the rollups of initiatives whose rollups are missing or out of date (setup)."""
    from commonmeasure.initiatives.models import Initiative

    from . import engine

    done = []
    for initiative in Initiative.objects.order_by("code"):
        if not engine.up_to_date(initiative):
            engine.rebuild(initiative, check=False)
            done.append(initiative.code)
    return done
