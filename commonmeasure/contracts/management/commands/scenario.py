"""`commonmeasure scenario CONTRACT`: what a rate card pays at given success rates (files only)."""

from __future__ import annotations

from commonmeasure.console import ConsoleCommand
from commonmeasure.contracts.file_reports import cmd_scenario


class Command(ConsoleCommand):
    help = "what a rate-card contract pays, and returns to investors, at given success rates"
    needs_django = False

    def add_arguments(self, parser):
        parser.add_argument("contract", help="contract definition (JSON, rate_card)")
        parser.add_argument(
            "--participants", type=int, required=True, help="number of participants"
        )
        parser.add_argument(
            "--success-rate",
            action="append",
            metavar="[METRIC=]SHARE",
            help="share of participants achieving every metric (0.6 or 60%%), or one metric (attendance=0.8); repeatable",
        )
        parser.add_argument(
            "--investment", help="amount the investor puts in at the start (optional)"
        )
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="every success rate from 0%% to 100%% in steps of 10%%",
        )
        parser.add_argument("--json", action="store_true")

    def run(self, args) -> int:
        return cmd_scenario(args)
