"""`commonmeasure surveys recompute`: survey indicator values again from the responses
(docs/reference/surveys.md)."""

from __future__ import annotations

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "work out survey indicator values again from the responses"

    def add_arguments(self, parser):
        parser.add_argument(
            "--survey",
            type=int,
            action="append",
            help="a survey id (repeatable; default: every survey)",
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from commonmeasure.voice.models import Survey
        from commonmeasure.voice.services import recompute_all

        if args.survey:
            known = set(Survey.objects.filter(pk__in=args.survey).values_list("pk", flat=True))
            missing = [s for s in args.survey if s not in known]
            if missing:
                raise CommandError(f"no survey {missing[0]}")
        result = recompute_all(args.survey)
        for message in result.messages:
            print(f"warning: {message}")
        print(f"survey values: {result.written} written, {result.cleared} removed")
        return 0
