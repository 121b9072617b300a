"""Background tasks of the reporting app, run by `commonmeasure worker` (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_upload(token: str, user_id: int, commit: bool, organisations: list[int] | None) -> None:
    """Check (commit=False) or import (commit=True) a stored upload; progress goes to its JSON file."""
    from .uploads import run_upload_task

    run_upload_task(token, user_id, commit, organisations)
