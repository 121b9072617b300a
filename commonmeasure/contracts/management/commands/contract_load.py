"""`commonmeasure contract load CONTRACT --project ID`: a managed project's contract from a
contract file (docs/reference/contract-pages.md); the same services as the contract page."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "create or replace a managed project's contract from a contract file (JSON)"

    def add_arguments(self, parser):
        parser.add_argument(
            "contract",
            help="contract definition (JSON, rate_card); see docs/reference/contract-file.md",
        )
        parser.add_argument(
            "--project", required=True, help="the managed project: its id or INDIGO id"
        )
        parser.add_argument(
            "--publish", action="store_true", help="make the contract visible to everyone"
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.contracts.services import (
            ContractServiceError,
            save_contract,
            set_published,
        )
        from commonmeasure.impactbonds.management.lookup import project_or_error
        from commonmeasure.interchange.contracts import ContractFileError

        path = Path(args.contract)
        try:
            definition = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(
                _("%(file)s: cannot be read (%(reason)s)")
                % {"file": path.name, "reason": exc.strerror}
            ) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(file)s: is not UTF-8 text") % {"file": path.name}) from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(file)s: line %(line)s, column %(column)s: not valid JSON (%(reason)s)")
                % {"file": path.name, "line": exc.lineno, "column": exc.colno, "reason": exc.msg}
            ) from None
        project = project_or_error(args.project)
        existed = hasattr(project, "managed_contract")
        try:
            contract = save_contract(project, definition, name=path.name)
        except ContractFileError as exc:
            raise CommandError(exc.message()) from None
        except ContractServiceError as exc:
            raise CommandError(str(exc)) from None
        if args.publish:
            set_published(contract, True)
        said = {
            "project": project.indigo_id,
            "contract": contract.pk,
            "currency": contract.currency,
            "n": len(definition.get("metrics", [])),
        }
        if existed:
            line = _(
                "Project %(project)s: replaced the definition of contract %(contract)s "
                "(%(currency)s, %(n)s metrics)"
            )
        else:
            line = _(
                "Project %(project)s: created contract %(contract)s (%(currency)s, %(n)s metrics)"
            )
        published = _("; published") if contract.is_published else ""
        print(line % said + published + ".")
        return 0
