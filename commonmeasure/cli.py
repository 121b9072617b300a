"""The `commonmeasure` console script: the command-line face of the same services the web UI
and the API use. Run `commonmeasure --help` for the commands; docs/reference/cli.md has them all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonmeasure.settings")
    import django

    django.setup()


class CommandError(Exception):
    """A clear message for the user; exit code 1 (or the given code)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _initiative(code: str):
    from commonmeasure.initiatives.models import Initiative

    try:
        return Initiative.objects.get(code=code)
    except Initiative.DoesNotExist:
        known = ", ".join(Initiative.objects.values_list("code", flat=True)) or "none loaded"
        raise CommandError(f"no initiative with code {code!r} (known: {known})") from None


# -- setup, serve -----------------------------------------------------------------------------


def cmd_setup(args) -> int:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    from commonmeasure.rollups.cli_commands import rebuild_stale

    for code in rebuild_stale():
        print(f"Rollups rebuilt for {code}")
    print(f"Database ready: {connection.vendor} {connection.settings_dict['NAME']}")
    return 0


def cmd_serve(args) -> int:
    from waitress import serve

    from commonmeasure.wsgi import application

    print(
        f"Common Measure is running on http://{args.host}:{args.port}/  (Ctrl+C to stop)",
        flush=True,
    )
    serve(application, host=args.host, port=args.port, threads=args.threads, _quiet=True)
    return 0


# -- initiative load / dump ------------------------------------------------------------------


def cmd_initiative_load(args) -> int:
    from commonmeasure.initiatives.services import load_definition
    from commonmeasure.interchange.definition import DefinitionError, read_definition

    try:
        defn = read_definition(args.file)
    except DefinitionError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        raise CommandError(f"{exc.filename}: cannot load the initiative:\n{lines}") from None
    from commonmeasure.reporting.archive import StaleValues

    try:
        initiative, summary = load_definition(defn, archive_values=args.archive_values)
    except StaleValues as exc:
        raise CommandError(f"{Path(args.file).name}: cannot load the initiative: {exc}") from None
    if args.json:
        print(json.dumps({"initiative": initiative.code, **summary.as_dict()}, indent=2))
    elif summary.changed:
        print(
            f"Initiative {initiative.code}: {len(summary.created)} created, {len(summary.updated)} updated."
        )
        for label in summary.created:
            print(f"  + {label}")
        for label in summary.updated:
            print(f"  ~ {label}")
    else:
        print(f"Initiative {initiative.code}: nothing changed.")
    return 0


def cmd_initiative_dump(args) -> int:
    import yaml

    from commonmeasure.initiatives.services import dump_definition

    data = dump_definition(_initiative(args.code))
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# -- import values ---------------------------------------------------------------------------


def cmd_import_values(args) -> int:
    from django.contrib.auth import get_user_model

    from commonmeasure.reporting import import_slot
    from commonmeasure.reporting.uploads import import_file

    initiative = _initiative(args.initiative)
    user = None
    if args.user:
        user = get_user_model().objects.filter(username=args.user).first()
        if user is None:
            raise CommandError(f"no user {args.user!r}")
    is_csv = not Path(args.file).suffix.lower().startswith(".xls")
    bar = _progress_bar(
        Path(args.file).stat().st_size if is_csv and Path(args.file).is_file() else None,
        "Importing",
        quiet=args.json,
    )
    last = {"n": 0}

    def progress(position: int) -> None:
        if bar is not None:
            bar.update(position - last["n"])
            last["n"] = position

    # An import takes the database's one import slot, as the background worker does; a dry run
    # writes nothing and needs none.
    slot = contextlib.nullcontext()
    if not args.dry_run:
        slot = import_slot.one_at_a_time(
            f"cli:{os.getpid()}",
            waiting=lambda: print("Waiting for another import to finish...", file=sys.stderr),
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
                result.as_dict() | ({"notes": outcome.notes} if outcome.notes else {}), indent=2
            )
        )
    else:
        for note in outcome.notes:
            print(f"{name}: {note}", file=sys.stderr)
        if result.errors:
            print(
                f"{name}: {len(result.errors) + result.more_errors} error(s); nothing was imported.",
                file=sys.stderr,
            )
            for err in result.errors:
                print(f"  {name}: {err}", file=sys.stderr)
            if result.more_errors:
                print(f"  ... and {result.more_errors} more", file=sys.stderr)
        else:
            verb = "would import" if args.dry_run else "imported"
            print(
                f"{name}: {verb} {result.imported} new, {result.updated} updated, {result.unchanged} unchanged values"
                + (f"; {result.approved} report(s) approved" if result.approved else "")
                + (" (dry run: nothing written)" if args.dry_run else "")
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


# -- query -----------------------------------------------------------------------------------


def _query_viewer(args, initiative):
    """Whose view the figures are disclosed for (docs/reference/disclosure.md): the operator
    sees everything; ``--as USER`` what USER sees; ``--public`` what the public sees."""
    from commonmeasure.disclosure import operator_viewer, viewer_for
    from commonmeasure.initiatives.access import access_for

    if args.public and args.as_user:
        raise CommandError("--as and --public cannot be used together")
    if not args.public and not args.as_user:
        return operator_viewer(initiative)
    user = None
    if args.as_user:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=args.as_user).first()
        if user is None:
            raise CommandError(f"--as: no user {args.as_user!r}")
    access = access_for(user, initiative)
    if not access.can_view:
        who = f"user {args.as_user!r}" if user else "the public"
        raise CommandError(f"{who} cannot see initiative {initiative.code!r}")
    return viewer_for(initiative, access)


def cmd_query(args) -> int:
    from commonmeasure.disclosure.cells import rows as disclosed_rows
    from commonmeasure.reporting.selectors import QueryError

    initiative = _initiative(args.initiative)
    indicator = initiative.indicators.filter(code=args.indicator).first()
    if indicator is None:
        known = ", ".join(initiative.indicators.values_list("code", flat=True))
        raise CommandError(f"no indicator {args.indicator!r} in {initiative.code} (known: {known})")
    within = None
    if args.period:
        from commonmeasure.domain import periods

        try:
            within = periods.parse(args.period, None, initiative.fy_first_month)
        except periods.PeriodError as exc:
            raise CommandError(f"--period: {exc}") from None
    viewer = _query_viewer(args, initiative)
    if args.explain:
        return _explain(args, initiative, indicator, viewer, within)
    try:
        rows = disclosed_rows(initiative, indicator, viewer, args.by, args.period_type, within)
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps(rows))
        return 0
    unit = f" ({indicator.unit})" if indicator.unit else ""
    print(
        f"{indicator.name}{unit} by {args.by} — {indicator.aggregation} across organisations, {indicator.time_aggregation} over time"
    )
    width = max([len(str(r["key"])) for r in rows] + [len(args.by)])
    print(f"{args.by:<{width}}  value")
    for r in rows:
        value = (
            "suppressed"
            if r["suppressed"]
            else ""
            if r["value"] is None
            else f"{r['value']:,.{indicator.decimals}f}"
            if isinstance(r["value"], float)
            else f"{r['value']:,}"
        )
        late = " (provisional)" if r["provisional"] else ""
        print(f"{str(r['key']):<{width}}  {value}{late}")
    if not rows:
        print("(no approved values)")
    return 0


def _explain(args, initiative, indicator, viewer, within) -> int:
    """``query --explain --key KEY``: how one figure was worked out (docs/reference/explain.md)."""
    from commonmeasure.insights.explain import explain
    from commonmeasure.insights.explain_text import render
    from commonmeasure.reporting.selectors import QueryError

    if not args.key:
        raise CommandError("--explain needs --key: the period, organisation or category to explain")
    try:
        found = explain(initiative, indicator, args.by, args.key, args.period_type, viewer, within)
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps(found.as_dict()) if args.json else "\n".join(render(found)))
    return 0


def cmd_remind(args) -> int:
    from commonmeasure.reporting.reminders import cli_remind

    return cli_remind(args)


# -- demo, users -----------------------------------------------------------------------------


def cmd_demo_load(args) -> int:
    from commonmeasure.demo import load_demo

    summary = load_demo(seed=args.seed, quiet=False, reset=args.reset)
    print(summary)
    return 0


def cmd_user_add(args) -> int:
    from commonmeasure.initiatives.users import add_user

    try:
        message = add_user(
            args.username,
            email=args.email,
            password=args.password or os.environ.get("CM_PASSWORD"),
            initiative_code=args.initiative,
            role=args.role,
            organisation_code=args.organisation,
            superuser=args.superuser,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(message)
    return 0


def cmd_user_unlock(args) -> int:
    from commonmeasure.accounts.throttle import unlock

    if not args.username and not args.address:
        raise CommandError("name a user, an --address, or both")
    cleared = unlock(username=args.username or "", address=args.address or "")
    what = " and ".join(
        p
        for p in (
            f"user {args.username}" if args.username else "",
            f"address {args.address}" if args.address else "",
        )
        if p
    )
    print(f"Unlocked {what}" + ("" if cleared else " (nothing was locked)") + ".")
    return 0


def cmd_token_create(args) -> int:
    from commonmeasure.api.tokens import create_token

    try:
        record, token = create_token(args.username, args.name or "")
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"Created API token {record.id} for {record.user.username}. It is shown only once; keep it secret:",
        file=sys.stderr,
    )
    print(token)
    return 0


def cmd_token_list(args) -> int:
    from commonmeasure.api.models import ApiToken

    tokens = ApiToken.objects.select_related("user")
    if args.username:
        tokens = tokens.filter(user__username=args.username)
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        print(
            f"{t.id}\t{t.user.username}\t{t.prefix}...\t{t.name or '-'}\tlast used {used}\t{state}"
        )
    return 0


def cmd_token_revoke(args) -> int:
    from commonmeasure.api.tokens import revoke_token

    try:
        record = revoke_token(args.id)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(f"Revoked API token {record.id} ({record.prefix}...) of {record.user.username}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commonmeasure", description="Common Measure: shared measurement for social outcomes."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("setup", help="create or migrate the database that DATABASE_URL names")
    p.add_argument("--verbose", action="store_true")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("serve", help="serve the web app")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(func=cmd_serve)

    ini = sub.add_parser(
        "initiative", help="load or dump an initiative definition file"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ini.add_parser("load", help="create or update an initiative from a JSON or YAML file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print what changed as JSON")
    p.add_argument(
        "--archive-values",
        action="store_true",
        help="archive the stored values of an indicator that becomes a formula, composite or "
        "survey-fed one (otherwise the load is refused)",
    )
    p.set_defaults(func=cmd_initiative_load)
    p = ini.add_parser("dump", help="write an initiative's definition")
    p.add_argument("code")
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_initiative_dump)

    imp = sub.add_parser("import", help="import data files").add_subparsers(
        dest="what", required=True, metavar="WHAT"
    )
    p = imp.add_parser(
        "values", help="import values from CSV or XLSX (long layout or a filled-in template)"
    )
    p.add_argument("file")
    p.add_argument("--initiative", required=True, help="initiative code")
    p.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    p.add_argument(
        "--approve",
        action="store_true",
        help="approve the reports the file touches (backbone action)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--user", help="record this user as the author of the changes")
    p.set_defaults(func=cmd_import_values)

    p = sub.add_parser("query", help="aggregate an indicator's approved values")
    p.add_argument("--initiative", required=True)
    p.add_argument("--indicator", required=True)
    p.add_argument(
        "--by", required=True, help="period, organisation, a dimension code, area or area:<level>"
    )
    p.add_argument("--period-type", choices=["month", "quarter", "year", "financial-year"])
    p.add_argument("--period", help="only values within this period (e.g. 2024, 2024-Q1, 2024-25)")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="show what this user may see (small numbers suppressed, peers anonymised)",
    )
    p.add_argument("--public", action="store_true", help="show what the public may see")
    p.add_argument(
        "--explain", action="store_true", help="explain how the figure for --key was worked out"
    )
    p.add_argument("--key", help="with --explain: the period, organisation or category")
    p.set_defaults(func=cmd_query)

    demo = sub.add_parser("demo", help="demo data").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = demo.add_parser("load", help="load the deterministic demo initiative and its users")
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument(
        "--reset", action="store_true", help="delete the demo initiative and load it afresh"
    )
    p.set_defaults(func=cmd_demo_load)

    usr = sub.add_parser("user", help="manage users").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = usr.add_parser("add", help="create a user (or update one) and give them a role")
    p.add_argument("username")
    p.add_argument("--email", default="")
    p.add_argument(
        "--password", help="default: $CM_PASSWORD; without one the user cannot log in until reset"
    )
    p.add_argument("--initiative")
    p.add_argument("--role", choices=["backbone_admin", "reporter", "reviewer", "viewer"])
    p.add_argument("--organisation")
    p.add_argument(
        "--superuser", action="store_true", help="also give access to Django admin for everything"
    )
    p.set_defaults(func=cmd_user_add)
    p = usr.add_parser(
        "unlock", help="lift a sign-in lock (too many failed attempts) from a user or an address"
    )
    p.add_argument("username", nargs="?")
    p.add_argument("--address", help="a client IP address to unlock")
    p.set_defaults(func=cmd_user_unlock)

    tok = sub.add_parser("token", help="personal API tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = tok.add_parser("create", help="create an API token for a user and print it (once)")
    p.add_argument("username")
    p.add_argument("--name", help="what the token is for")
    p.set_defaults(func=cmd_token_create)
    p = tok.add_parser("list", help="list API tokens (never the tokens themselves)")
    p.add_argument("username", nargs="?")
    p.set_defaults(func=cmd_token_list)
    p = tok.add_parser("revoke", help="revoke an API token by its id")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_token_revoke)

    from commonmeasure.contracts.cli_commands import add_parsers as add_contract_parsers

    add_contract_parsers(
        sub
    )  # payments, returns, scenario (outcomes contracts; no database needed)

    from commonmeasure.impactbonds.cli_commands import add_parsers as add_impact_bond_parsers

    add_impact_bond_parsers(sub, imp)
    p = sub.add_parser(
        "remind", help="send reminder e-mails before and after report deadlines (for cron)"
    )
    p.add_argument("--dry-run", action="store_true", help="list the reminders due, send nothing")
    p.add_argument("--date", help="act as if today were this date (YYYY-MM-DD)")
    p.add_argument(
        "--every",
        type=int,
        metavar="SECONDS",
        help="instead, queue a background task that sends them now and every SECONDS (run by `worker`)",
    )
    p.set_defaults(func=cmd_remind)

    from commonmeasure.reporting.cli_commands import add_parsers as add_reporting_parsers

    add_reporting_parsers(
        sub
    )  # template, worker  # import indigo, export indigo, stats impact-bonds / impact-bond-quality
    from commonmeasure.voice.cli_commands import add_parsers as add_survey_parsers

    add_survey_parsers(sub)  # surveys recompute
    from commonmeasure.backbone.cli_commands import add_parsers as add_backbone_parsers

    add_backbone_parsers(sub)  # invite
    from commonmeasure.conversation.cli_commands import add_parsers as add_digest_parsers

    add_digest_parsers(sub)  # digest (notification e-mails)
    from commonmeasure.rollups.cli_commands import add_parsers as add_rollup_parsers

    add_rollup_parsers(sub)  # rollups rebuild
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "django", True):
            _django()
        return args.func(args)
    except CommandError as exc:
        print(f"commonmeasure: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # configuration problems get one clear line, not a traceback
        from django.core.exceptions import ImproperlyConfigured
        from django.db import OperationalError

        if isinstance(exc, ImproperlyConfigured | OperationalError):
            print(f"commonmeasure: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
