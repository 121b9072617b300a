"""The impact bond commands: `import indigo`, `export indigo`, `stats impact-bonds` and
`stats impact-bond-quality` (docs/reference/indigo.md, docs/reference/impact-bond-stats.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

SHOWN_PROBLEMS = 30


def _fail(message: str, code: int = 1):
    from commonmeasure.cli import CommandError

    return CommandError(message, code)


def cmd_import_indigo(args) -> int:
    from commonmeasure.interchange.indigo import BundleLayoutError

    from .services import import_bundle

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
        raise _fail(
            f"{args.path}: the bundle's layout is wrong; nothing was imported:\n{lines}"
        ) from None
    if args.json:
        print(
            json.dumps(
                {"imported": not args.dry_run, **report.as_dict()}, indent=2, ensure_ascii=False
            )
        )
        return 0
    verb = "would change" if args.dry_run else "changed"
    print(f"{args.path}: {'nothing ' + verb if not report.changed else verb + ':'}")
    for key, counts in report.tables.items():
        if counts.get("created") or counts.get("updated") or counts.get("replaced"):
            shown = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
            print(f"  {key}.csv: {shown}")
    if report.absent_files:
        print(f"  not in the bundle (left as they were): {', '.join(report.absent_files)}")
    if report.problems:
        print(
            f"{len(report.problems)} value(s) could not be interpreted; they are kept as text:",
            file=sys.stderr,
        )
        for problem in report.problems[:SHOWN_PROBLEMS]:
            print(f"  {problem}", file=sys.stderr)
        if len(report.problems) > SHOWN_PROBLEMS:
            print(
                f"  ... and {len(report.problems) - SHOWN_PROBLEMS} more (--json lists them all)",
                file=sys.stderr,
            )
    return 0


def cmd_export_indigo(args) -> int:
    from .exporting import export_bundle

    report = export_bundle(
        args.target,
        include_private=args.include_private,
        safe_for_spreadsheets=args.safe_for_spreadsheets,
    )
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        kind = "full (with private and disputed data)" if args.include_private else "public"
        total = sum(report.rows.values())
        print(
            f"Wrote the {kind} INDIGO bundle to {args.target}: {len(report.rows)} files, {total} rows."
        )
    return 0


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of: {text!r} is not a date; write YYYY-MM-DD") from None


def cmd_stats_impact_bonds(args) -> int:
    from .figures import headline_sentence
    from .selectors import headline

    figures = headline(as_of=_as_of(args.as_of), explain=args.explain)
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    when = f" (launched on or before {figures['as_of']})" if figures["as_of"] else ""
    print(headline_sentence(figures) + when + ".")
    print(
        f"  service users given for {figures['service_users_projects']} project(s); capital in USD for "
        f"{figures['capital_projects']}, only in local currency for {figures['capital_unconverted_projects']}"
    )
    for code, n in figures["by_country"].items():
        print(f"  {code}  {n}")
    for line in figures.get("projects", []):
        print(
            f"  {line['id']}: launched {line['launch']}, users {line['service_users']} ({line['service_users_from'] or '-'}), "
            f"capital {line['capital_usd']} ({line['capital_from'] or '-'}), countries {','.join(line['countries'])}"
        )
    return 0


def cmd_stats_quality(args) -> int:
    from . import models as m
    from .quality import reports

    projects = m.Project.objects.all()
    if args.ids:
        projects = projects.filter(indigo_id__in=args.ids)
        unknown = set(args.ids) - set(projects.values_list("indigo_id", flat=True))
        if unknown:
            raise _fail(f"no project {', '.join(sorted(unknown))}")
    result = reports(projects)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for r in result:
        c = r["counts"]
        print(
            f"{r['id']} {r['name'][:60]}: {c['0']} error(s); missing {c['1']} priority 1, {c['2']} priority 2, {c['3']} priority 3"
        )
        if args.ids:
            for e in r["errors"]:
                print(f"  error: {e['where']}, {e['field']}: {e['message']}")
            for level in ("1", "2", "3"):
                for name in r["missing"][level]:
                    print(f"  missing (priority {level}): {name}")
    return 0


def _group(sub, name: str, help_text: str):
    """The sub-command group ``name`` (e.g. export), created if no other module made it yet."""
    parser = sub.choices.get(name) or sub.add_parser(name, help=help_text)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="what", required=True, metavar="WHAT")


def add_parsers(sub, imp) -> None:
    """Register the commands; ``imp`` is the `import` group's sub-parsers."""
    p = imp.add_parser("indigo", help="import GO Lab's INDIGO CSV bundle (a folder or a zip)")
    p.add_argument(
        "path", help="folder or .zip holding projects.csv, organisations.csv, funds.csv, ..."
    )
    p.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    p.add_argument(
        "--json", action="store_true", help="print the summary and every problem as JSON"
    )
    p.set_defaults(func=cmd_import_indigo)

    p = _group(sub, "export", "export data files").add_parser(
        "indigo", help="write the INDIGO CSV bundle (public data only unless --include-private)"
    )
    p.add_argument("target", help="folder to write into, or a file name ending in .zip")
    p.add_argument(
        "--include-private",
        action="store_true",
        help="the full bundle: private and disputed data and the status columns",
    )
    p.add_argument(
        "--safe-for-spreadsheets",
        action="store_true",
        help="put an apostrophe before cells beginning with = + - @, tab or carriage return, so "
        "that a spreadsheet program shows them as text (the files then differ from GO Lab's)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_export_indigo)

    stats = _group(sub, "stats", "headline figures and reports")
    p = stats.add_parser(
        "impact-bonds", help="headline figures of the impact bond database, by GO Lab's rules"
    )
    p.add_argument(
        "--as-of", help="count only projects launched on or before this date (YYYY-MM-DD)"
    )
    p.add_argument("--explain", action="store_true", help="also show each project's contribution")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats_impact_bonds)
    p = stats.add_parser(
        "impact-bond-quality",
        help="data-quality report per project: errors and missing fields by priority",
    )
    p.add_argument(
        "ids", nargs="*", metavar="PROJECT_ID", help="INDIGO ids (default: every project)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats_quality)
