"""Console command: `commonmeasure surveys recompute` (docs/reference/surveys.md)."""

from __future__ import annotations


def add_parsers(sub) -> None:
    surveys = sub.add_parser("surveys", help="feedback surveys").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = surveys.add_parser(
        "recompute", help="work out survey indicator values again from the responses"
    )
    p.add_argument(
        "--survey",
        type=int,
        action="append",
        help="a survey id (repeatable; default: every survey)",
    )
    p.set_defaults(func=cmd_recompute)


def cmd_recompute(args) -> int:
    from commonmeasure.cli import CommandError

    from .models import Survey
    from .services import recompute_all

    if args.survey:
        known = set(Survey.objects.filter(pk__in=args.survey).values_list("pk", flat=True))
        missing = [s for s in args.survey if s not in known]
        if missing:
            raise CommandError(f"no survey {missing[0]}")
    result = recompute_all(args.survey)
    for message in result.messages:
        print(f"warning: {message}")
    print(f"survey values: {result.written} written, {result.cleared} removed")
    return 0
