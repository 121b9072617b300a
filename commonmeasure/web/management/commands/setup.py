"""`commonmeasure setup`: create or migrate the database, then rebuild stale rollups."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.console import ConsoleCommand


class Command(ConsoleCommand):
    help = "create or migrate the database that DATABASE_URL names"

    def add_arguments(self, parser):
        parser.add_argument("--verbose", action="store_true")

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from django.core.management import call_command
        from django.db import connection

        from commonmeasure.rollups.maintenance import rebuild_stale

        call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
        for code in rebuild_stale():
            print(_("Rollups rebuilt for %(initiative)s") % {"initiative": code})
        print(
            _("Database ready: %(vendor)s %(name)s")
            % {"vendor": connection.vendor, "name": connection.settings_dict["NAME"]}
        )
        return 0
