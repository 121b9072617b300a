"""`commonmeasure stats impact-bond-quality [ID ...]`: the data-quality report per project
(docs/reference/impact-bond-stats.md)."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "data-quality report per project: errors and missing fields by priority"

    def add_arguments(self, parser):
        parser.add_argument(
            "ids", nargs="*", metavar="PROJECT_ID", help="INDIGO ids (default: every project)"
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.impactbonds import models as m
        from commonmeasure.impactbonds.quality import reports

        projects = m.Project.objects.all()
        if args.ids:
            projects = projects.filter(indigo_id__in=args.ids)
            unknown = set(args.ids) - set(projects.values_list("indigo_id", flat=True))
            if unknown:
                raise CommandError(_("no project %(ids)s") % {"ids": ", ".join(sorted(unknown))})
        result = reports(projects)
        if args.json:
            print(json.dumps(result, indent=2, ensure_ascii=False))
            return 0
        for r in result:
            c = r["counts"]
            print(
                f"{r['id']} {r['name'][:60]}: "
                + _(
                    "%(errors)s error(s); missing %(p1)s priority 1, %(p2)s priority 2, "
                    "%(p3)s priority 3"
                )
                % {"errors": c["0"], "p1": c["1"], "p2": c["2"], "p3": c["3"]}
            )
            if args.ids:
                for e in r["errors"]:
                    print(
                        "  "
                        + _("error: %(where)s, %(field)s: %(message)s")
                        % {"where": e["where"], "field": e["field"], "message": e["message"]}
                    )
                for level in ("1", "2", "3"):
                    for name in r["missing"][level]:
                        print(
                            "  "
                            + _("missing (priority %(level)s): %(name)s")
                            % {"level": level, "name": name}
                        )
        return 0
