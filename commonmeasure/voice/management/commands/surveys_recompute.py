"""`commonmeasure surveys recompute`: survey indicator values again from the responses
(docs/reference/surveys.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _

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
                raise CommandError(_("no survey %(id)s") % {"id": missing[0]})
        result = recompute_all(args.survey)
        for message in result.messages:
            print(_("warning: %(message)s") % {"message": message})
        print(
            _("survey values: %(written)s written, %(cleared)s removed")
            % {"written": result.written, "cleared": result.cleared}
        )
        return 0
