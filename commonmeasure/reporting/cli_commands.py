"""Console commands: `commonmeasure template` (spreadsheet templates) and `commonmeasure worker`."""

from __future__ import annotations

import sys
from pathlib import Path


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "template", help="write a spreadsheet template for one organisation and period(s)"
    )
    p.add_argument("--initiative", required=True, help="initiative code")
    p.add_argument("--organisation", required=True, help="organisation code")
    p.add_argument("--period", required=True, help="the (first) period, e.g. 2024-03")
    p.add_argument("--to", help="the last period of a range (default: --period alone)")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("worker", help="run background tasks (large uploads) until stopped")
    p.add_argument(
        "--batch", action="store_true", help="run the queued tasks, then stop (for cron)"
    )
    p.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")
    p.set_defaults(func=cmd_worker)


def template_periods(initiative, first: str, last: str | None) -> list[str]:
    """Period codes from ``first`` to ``last`` inclusive; ValueError with a message if they are wrong."""
    from commonmeasure.domain import periods

    try:
        start = initiative.parse_period(first)
        end = initiative.parse_period(last) if last else start
    except periods.PeriodError as exc:
        raise ValueError(f"{exc} ({initiative.reporting_frequency} reporting)") from None
    if end.start < start.start:
        raise ValueError(f"the range ends ({end.code}) before it starts ({start.code})")
    codes = [p.code for p in periods.periods_between(start, end)]
    if len(codes) > 120:
        raise ValueError("a template covers at most 120 periods")
    return codes


def cmd_template(args) -> int:
    from commonmeasure.cli import CommandError, _initiative
    from commonmeasure.interchange.templates_xlsx import build_spec, template_bytes

    initiative = _initiative(args.initiative)
    org = initiative.organisations.filter(code=args.organisation).first()
    if org is None:
        raise CommandError(
            f"organisation {args.organisation!r} does not take part in initiative {initiative.code}"
        )
    try:
        codes = template_periods(initiative, args.period, args.to)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    data = template_bytes(build_spec(initiative, org, codes), args.format)
    Path(args.output).write_bytes(data)
    print(
        f"{args.output}: template for {org.code}, {codes[0]}"
        + (f" to {codes[-1]}" if len(codes) > 1 else ""),
        file=sys.stderr,
    )
    return 0


def cmd_worker(args) -> int:
    from django.core.management import call_command

    options = {"interval": args.interval, "reload": False}
    if args.batch:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0
