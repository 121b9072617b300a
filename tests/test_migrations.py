"""The suite builds its test databases from the models (--nomigrations, pyproject.toml), which is
the same schema as the migrations give only while the two agree: this test says when they do
not. The migrations themselves run in full in test_cli.py (``commonmeasure setup`` on a new
SQLite file, and on a new PostgreSQL database) and in test_database_locks.py."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written(settings):
    settings.MIGRATION_MODULES = {}  # the apps' own migrations, which --nomigrations hides
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as stop:
        pytest.fail(f"the models and the migrations differ (exit {stop.code}):\n{out.getvalue()}")
