"""`commonmeasure returns CASHFLOWS`: investor returns from dated cash flows (files only)."""

from __future__ import annotations

from commonmeasure.console import ConsoleCommand
from commonmeasure.contracts.file_reports import cmd_returns


class Command(ConsoleCommand):
    help = "investor returns (XIRR, money multiple, maximum potential loss) from dated cash flows"
    needs_django = False

    def add_arguments(self, parser):
        parser.add_argument(
            "cashflows",
            help="CSV or XLSX with columns date,amount[,investor]; money put in is negative",
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        return cmd_returns(args)
