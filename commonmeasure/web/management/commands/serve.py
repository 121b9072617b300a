"""`commonmeasure serve`: serve the web app with waitress."""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "serve the web app"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def run(self, args) -> int:
        from waitress import serve

        # Imported here: the WSGI module loads every view, after Django is set up.
        from commonmeasure.wsgi import application

        print(
            _("Common Measure is running on %(address)s  (Ctrl+C to stop)")
            % {"address": f"http://{args.host}:{args.port}/"},
            flush=True,
        )
        serve(application, host=args.host, port=args.port, threads=args.threads, _quiet=True)
        return 0
