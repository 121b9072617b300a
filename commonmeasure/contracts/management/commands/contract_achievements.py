"""`commonmeasure contract achievements FILE --project ID`: record achievements
(docs/reference/contract-pages.md); the same services as the contract page."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "record achievements from a CSV or XLSX file (participant,metric,date[,validated][,evidence])"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--project", required=True, help="the managed project: its id or INDIGO id"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what it would change; record nothing",
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.contracts.services import commit_upload, preview_upload
        from commonmeasure.impactbonds.management.lookup import project_or_error
        from commonmeasure.interchange.contracts import ContractFileError

        project = project_or_error(args.project)
        contract = getattr(project, "managed_contract", None)
        if contract is None:
            raise CommandError(
                _(
                    "project %(project)s has no contract yet: run `commonmeasure contract load "
                    "CONTRACT.json --project %(code)s` first"
                )
                % {"project": project.indigo_id, "code": args.project}
            )
        try:
            summary = (preview_upload if args.dry_run else commit_upload)(contract, args.file)
        except ContractFileError as exc:
            raise CommandError(exc.message()) from None
        if args.json:
            print(
                json.dumps(
                    {
                        "file": summary.filename,
                        "rows": summary.rows,
                        "added": summary.to_add,
                        "already_recorded": summary.already_recorded,
                        "by_status": summary.by_status,
                        "by_metric": summary.by_metric,
                        "new_participants": summary.new_participants,
                        "due_before": str(summary.due_before),
                        "due_after": str(summary.due_after),
                        "dry_run": args.dry_run,
                    },
                    indent=2,
                )
            )
            return 0
        statuses = ", ".join(
            f"{n} {status}" for status, n in sorted(summary.by_status.items())
        ) or _("none")
        said = {
            "file": summary.filename,
            "n": summary.to_add,
            "rows": summary.rows,
            "statuses": statuses,
            "recorded": summary.already_recorded,
            "new": summary.new_participants,
        }
        if args.dry_run:
            line = _(
                "%(file)s: Would record %(n)s of %(rows)s achievements (%(statuses)s); "
                "%(recorded)s already recorded; %(new)s new participants."
            )
        else:
            line = _(
                "%(file)s: Recorded %(n)s of %(rows)s achievements (%(statuses)s); "
                "%(recorded)s already recorded; %(new)s new participants."
            )
        print(line % said)
        total = _("Total due: %(before)s -> %(after)s %(currency)s") % {
            "before": summary.due_before,
            "after": summary.due_after,
            "currency": contract.currency,
        }
        print(total + (_(" (dry run: nothing was recorded)") if args.dry_run else ""))
        return 0
