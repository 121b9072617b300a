"""`commonmeasure contract load CONTRACT --project ID`: a managed project's contract from a
contract file (docs/reference/contract-pages.md); the same services as the contract page."""

from __future__ import annotations

import json
from pathlib import Path

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
            raise CommandError(f"{path.name}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path.name}: is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path.name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
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
        verb = "replaced the definition of" if existed else "created"
        print(
            f"Project {project.indigo_id}: {verb} contract {contract.pk} ({contract.currency}, "
            f"{len(definition.get('metrics', []))} metrics){'; published' if contract.is_published else ''}."
        )
        return 0
