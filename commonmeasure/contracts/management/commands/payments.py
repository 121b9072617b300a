"""`commonmeasure payments CONTRACT DATA`: a contract's payment statement (files only)."""

from __future__ import annotations

from commonmeasure.console import ConsoleCommand
from commonmeasure.contracts.file_reports import cmd_payments
from commonmeasure.domain import periods
from commonmeasure.domain.payments import PERIOD_BY


class Command(ConsoleCommand):
    help = "the payment statement of an outcomes contract for its achievements data"
    needs_django = False

    def add_arguments(self, parser):
        parser.add_argument("contract", help="contract definition (JSON)")
        parser.add_argument(
            "data",
            help="achievements (rate_card), cohorts (comparison) or results (weighted_targets): CSV or XLSX",
        )
        parser.add_argument(
            "--by",
            choices=PERIOD_BY,
            default=periods.MONTH,
            help="periods of by_period (default: month)",
        )
        parser.add_argument("--json", action="store_true", help="print the statement as JSON")

    def run(self, args) -> int:
        return cmd_payments(args)
