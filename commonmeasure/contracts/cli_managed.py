"""`commonmeasure contract load|achievements`: managed contracts in the database
(docs/reference/contract-pages.md). The same services as the contract page."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _fail(message: str):
    from commonmeasure.cli import CommandError

    return CommandError(message)


def _project(ref: str):
    """A project by its database id or its INDIGO-style id."""
    from commonmeasure.impactbonds.models import Project

    project = None
    if ref.isdigit():
        project = Project.objects.filter(pk=int(ref)).first()
    project = project or Project.objects.filter(indigo_id=ref).first()
    if project is None:
        raise _fail(
            f"--project: no project {ref!r} (give its id or its INDIGO id, such as INDIGO-POJ-0001)"
        )
    return project


def cmd_contract_load(args) -> int:
    from commonmeasure.contracts.services import ContractServiceError, save_contract, set_published
    from commonmeasure.interchange.contracts import ContractFileError

    path = Path(args.contract)
    try:
        definition = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise _fail(f"{path.name}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise _fail(f"{path.name}: is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{path.name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    project = _project(args.project)
    existed = hasattr(project, "managed_contract")
    try:
        contract = save_contract(project, definition, name=path.name)
    except ContractFileError as exc:
        raise _fail(exc.message()) from None
    except ContractServiceError as exc:
        raise _fail(str(exc)) from None
    if args.publish:
        set_published(contract, True)
    verb = "replaced the definition of" if existed else "created"
    print(
        f"Project {project.indigo_id}: {verb} contract {contract.pk} ({contract.currency}, "
        f"{len(definition.get('metrics', []))} metrics){'; published' if contract.is_published else ''}."
    )
    return 0


def cmd_contract_achievements(args) -> int:
    from commonmeasure.contracts.services import commit_upload, preview_upload
    from commonmeasure.interchange.contracts import ContractFileError

    project = _project(args.project)
    contract = getattr(project, "managed_contract", None)
    if contract is None:
        raise _fail(
            f"project {project.indigo_id} has no contract yet: run `commonmeasure contract load CONTRACT.json --project {args.project}` first"
        )
    try:
        summary = (preview_upload if args.dry_run else commit_upload)(contract, args.file)
    except ContractFileError as exc:
        raise _fail(exc.message()) from None
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
    statuses = (
        ", ".join(f"{n} {status}" for status, n in sorted(summary.by_status.items())) or "none"
    )
    lead = "Would record" if args.dry_run else "Recorded"
    print(
        f"{summary.filename}: {lead} {summary.to_add} of {summary.rows} achievements ({statuses}); "
        f"{summary.already_recorded} already recorded; {summary.new_participants} new participants."
    )
    print(
        f"Total due: {summary.due_before} -> {summary.due_after} {contract.currency}"
        + (" (dry run: nothing was recorded)" if args.dry_run else "")
    )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser(
        "contract", help="managed outcomes contracts in the database"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    p = group.add_parser(
        "load", help="create or replace a managed project's contract from a contract file (JSON)"
    )
    p.add_argument(
        "contract",
        help="contract definition (JSON, rate_card); see docs/reference/contract-file.md",
    )
    p.add_argument("--project", required=True, help="the managed project: its id or INDIGO id")
    p.add_argument("--publish", action="store_true", help="make the contract visible to everyone")
    p.set_defaults(func=cmd_contract_load)
    p = group.add_parser(
        "achievements",
        help="record achievements from a CSV or XLSX file (participant,metric,date[,validated][,evidence])",
    )
    p.add_argument("file")
    p.add_argument("--project", required=True, help="the managed project: its id or INDIGO id")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and say what it would change; record nothing",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contract_achievements)
