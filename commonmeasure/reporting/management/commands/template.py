"""`commonmeasure template`: a spreadsheet template for one organisation and period(s)
(docs/reference/spreadsheet-template.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand
from commonmeasure.interchange.templates_xlsx import template_bytes


class Command(ConsoleCommand):
    help = "write a spreadsheet template for one organisation and period(s)"

    def add_arguments(self, parser):
        parser.add_argument("--initiative", required=True, help="initiative code")
        parser.add_argument("--organisation", required=True, help="organisation code")
        parser.add_argument("--period", required=True, help="the (first) period, e.g. 2024-03")
        parser.add_argument("--to", help="the last period of a range (default: --period alone)")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.initiatives.management.lookup import initiative_or_error
        from commonmeasure.reporting.template_spec import build_spec, template_periods

        initiative = initiative_or_error(args.initiative)
        org = initiative.organisations.filter(code=args.organisation).first()
        if org is None:
            raise CommandError(
                _("organisation %(organisation)s does not take part in initiative %(initiative)s")
                % {"organisation": repr(args.organisation), "initiative": initiative.code}
            )
        try:
            codes = template_periods(initiative, args.period, args.to)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = template_bytes(build_spec(initiative, org, codes), args.format)
        Path(args.output).write_bytes(data)
        print(
            f"{args.output}: "
            + (
                _("template for %(organisation)s, %(first)s to %(last)s")
                if len(codes) > 1
                else _("template for %(organisation)s, %(first)s")
            )
            % {"organisation": org.code, "first": codes[0], "last": codes[-1]},
            file=sys.stderr,
        )
        return 0
