"""`commonmeasure stats impact-bonds`: the impact bond database's headline figures, by GO Lab's
rules (docs/reference/impact-bond-stats.md)."""

from __future__ import annotations

import json
from datetime import date

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "headline figures of the impact bond database, by GO Lab's rules"

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", help="count only projects launched on or before this date (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--explain", action="store_true", help="also show each project's contribution"
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.impactbonds.figures import headline_sentence
        from commonmeasure.impactbonds.selectors import headline

        figures = headline(as_of=_as_of(args.as_of), explain=args.explain)
        if args.json:
            print(json.dumps(figures, indent=2, ensure_ascii=False))
            return 0
        when = (
            " " + _("(launched on or before %(date)s)") % {"date": figures["as_of"]}
            if figures["as_of"]
            else ""
        )
        print(headline_sentence(figures) + when + ".")
        print(
            "  "
            + _(
                "service users given for %(users)s project(s); capital in USD for %(usd)s, "
                "only in local currency for %(local)s"
            )
            % {
                "users": figures["service_users_projects"],
                "usd": figures["capital_projects"],
                "local": figures["capital_unconverted_projects"],
            }
        )
        for code, n in figures["by_country"].items():
            print(f"  {code}  {n}")
        for line in figures.get("projects", []):
            print(
                f"  {line['id']}: launched {line['launch']}, users {line['service_users']} ({line['service_users_from'] or '-'}), "
                f"capital {line['capital_usd']} ({line['capital_from'] or '-'}), countries {','.join(line['countries'])}"
            )
        return 0


def _as_of(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--as-of: %(text)s is not a date; write YYYY-MM-DD") % {"text": repr(text)}
        ) from None
