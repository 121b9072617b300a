"""`commonmeasure demo load`: the deterministic demo initiative and its users."""

from __future__ import annotations

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "load the deterministic demo initiative and its users"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--reset", action="store_true", help="delete the demo initiative and load it afresh"
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.demo import load_demo

        summary = load_demo(seed=args.seed, quiet=False, reset=args.reset)
        print(summary)
        return 0
