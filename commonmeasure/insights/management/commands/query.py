"""`commonmeasure query`: an indicator's approved values aggregated, as the viewer may see them
(docs/reference/cli.md, disclosure.md); with `--explain --key KEY`, how one figure was worked out
(docs/reference/explain.md)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "aggregate an indicator's approved values"

    def add_arguments(self, parser):
        parser.add_argument("--initiative", required=True)
        parser.add_argument("--indicator", required=True)
        parser.add_argument(
            "--by",
            required=True,
            help="period, organisation, a dimension code, area or area:<level>",
        )
        parser.add_argument("--period-type", choices=["month", "quarter", "year", "financial-year"])
        parser.add_argument(
            "--period", help="only values within this period (e.g. 2024, 2024-Q1, 2024-25)"
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="show what this user may see (small numbers suppressed, peers anonymised)",
        )
        parser.add_argument("--public", action="store_true", help="show what the public may see")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="explain how the figure for --key was worked out",
        )
        parser.add_argument("--key", help="with --explain: the period, organisation or category")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.disclosure.cells import rows as disclosed_rows
        from commonmeasure.domain import periods
        from commonmeasure.initiatives.access import visible_indicators
        from commonmeasure.initiatives.management.lookup import initiative_or_error
        from commonmeasure.measures.selectors import QueryError

        initiative = initiative_or_error(args.initiative)
        viewer, access = _query_viewer(args, initiative)
        # --public or --as someone outside: only the indicators ticked as published exist.
        shown = visible_indicators(access) if access else initiative.indicators.all()
        indicator = shown.filter(code=args.indicator).first()
        if indicator is None:
            known = ", ".join(shown.values_list("code", flat=True))
            raise CommandError(
                _("no indicator %(indicator)s in %(initiative)s (known: %(known)s)")
                % {"indicator": repr(args.indicator), "initiative": initiative.code, "known": known}
            )
        within = None
        if args.period:
            try:
                within = periods.parse(args.period, None, initiative.fy_first_month)
            except periods.PeriodError as exc:
                raise CommandError(f"--period: {exc}") from None
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
            _(
                "%(name)s%(unit)s by %(by)s — %(across)s across organisations, "
                "%(over_time)s over time"
            )
            % {
                "name": indicator.name,
                "unit": unit,
                "by": args.by,
                "across": indicator.aggregation,
                "over_time": indicator.time_aggregation,
            }
        )
        width = max([len(str(r["key"])) for r in rows] + [len(args.by)])
        print(f"{args.by:<{width}}  " + _("value"))
        for r in rows:
            value = (
                _("suppressed")
                if r["suppressed"]
                else ""
                if r["value"] is None
                else f"{r['value']:,.{indicator.decimals}f}"
                if isinstance(r["value"], float)
                else f"{r['value']:,}"
            )
            late = " " + _("(provisional)") if r["provisional"] else ""
            print(f"{str(r['key']):<{width}}  {value}{late}")
        if not rows:
            print(_("(no approved values)"))
        return 0


def _query_viewer(args, initiative):
    """Whose view the figures are disclosed for (docs/reference/disclosure.md), and their
    access (None for the operator): the operator sees everything; ``--as USER`` what USER
    sees; ``--public`` what the public sees."""
    # Imported here: the console script reads the arguments before Django is set up.
    from django.contrib.auth import get_user_model

    from commonmeasure.disclosure import operator_viewer, viewer_for
    from commonmeasure.initiatives.access import access_for

    if args.public and args.as_user:
        raise CommandError(_("--as and --public cannot be used together"))
    if not args.public and not args.as_user:
        return operator_viewer(initiative), None
    user = None
    if args.as_user:
        user = get_user_model().objects.filter(username=args.as_user).first()
        if user is None:
            raise CommandError(_("--as: no user %(user)s") % {"user": repr(args.as_user)})
    access = access_for(user, initiative)
    if not access.can_view:
        message = (
            _("user %(user)s cannot see initiative %(initiative)s")
            if user
            else _("the public cannot see initiative %(initiative)s")
        )
        raise CommandError(
            message % {"user": repr(args.as_user), "initiative": repr(initiative.code)}
        )
    return viewer_for(initiative, access), access


def _explain(args, initiative, indicator, viewer, within) -> int:
    """``query --explain --key KEY``: how one figure was worked out (docs/reference/explain.md)."""
    # Imported here: the console script reads the arguments before Django is set up.
    from commonmeasure.insights.explain import explain
    from commonmeasure.insights.explain_text import render
    from commonmeasure.measures.selectors import QueryError

    if not args.key:
        raise CommandError(
            _("--explain needs --key: the period, organisation or category to explain")
        )
    try:
        found = explain(initiative, indicator, args.by, args.key, args.period_type, viewer, within)
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps(found.as_dict()) if args.json else "\n".join(render(found)))
    return 0
